package io.streamprop.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.data.SpecInference;
import io.streamprop.spec.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's check of a mixed-type data file before it streams it. */
class DemoProducerTest {
  private static final Path RAW = Path.of("..", "examples", "data", "raw");

  @TempDir Path dir;

  @Test
  void rawCsvAndJsonLines_ofTheInferredSpec_pass() throws Exception {
    for (String file : new String[] {"titanic.csv", "titanic.jsonl", "house_votes_84.csv"}) {
      Path data = RAW.resolve(file);
      ModelSpec spec = SpecInference.infer(data);

      assertThat(spec.hasFeatures()).isTrue();
      assertThat(DemoProducer.check(data, spec)).as(file).isNull();
    }
  }

  @Test
  void rawRowThatDoesNotFitTheSpec_refusedBeforeAnythingIsSent_naming_lineFieldValue()
      throws Exception {
    ModelSpec spec = SpecInference.infer(RAW.resolve("titanic.csv"));
    Path bad =
        Files.writeString(
            dir.resolve("bad.csv"), "sex,age,passengerClass,label\nmale,old,1st,no\n");

    assertThatThrownBy(() -> DemoProducer.check(bad, spec))
        .isInstanceOf(DemoException.class)
        .hasMessage("bad.csv:2: features.age: must be a number (numeric feature), got \"old\"");
  }

  @Test
  void numbers_labelOutOfTheSpecsClasses_refusedBeforeAnythingIsSent_namingTheLine()
      throws Exception {
    ModelSpec spec = io.streamprop.spec.SpecJson.parse("{\"inputs\": 2, \"classes\": 3}");
    Path data = Files.writeString(dir.resolve("n.csv"), "a,b,label\n1,2,0\n3,4,2\n5,6,7\n");

    assertThatThrownBy(() -> DemoProducer.check(data, spec))
        .isInstanceOf(DemoException.class)
        .hasMessage("n.csv:4: label: must be a class index, an integer in 0..2, got 7");
  }

  @Test
  void numbers_everyRowFitsTheSpec_pass() throws Exception {
    ModelSpec spec = io.streamprop.spec.SpecJson.parse("{\"inputs\": 2, \"classes\": 3}");
    Path data = Files.writeString(dir.resolve("n.csv"), "a,b,label\n1,2,0\n3,4,2\n");

    assertThat(DemoProducer.check(data, spec)).isNull();
  }
}
