package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.nn.kernel.Kernels;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Models trained on raw events are the same bits on every kernel path and in every version: the
 * SHA-256 of the trained state ({@link KernelPathsTest#sha256}: tables, their optimizer moments,
 * the network, the normalizer) was recorded before the fast paths of the tables existed (the
 * embedding bags, the sparse optimizer rows, the first layer's input gradient in the tables'
 * columns only), from the plain loops. The events are those of the raw-event benchmark: 8 numeric
 * fields (one in ten missing), 8 categorical (new values now and then), 2 boolean and 2 token
 * fields of about 10 words, with tables of 8 and 16 columns (the vector paths) or of 3 and 5 (the
 * plain loops); a small clip_norm clips nearly every step.
 */
public class RawKernelPathsTest {

  private static final String[] WORDS = {
    "red", "running", "shoes", "for", "men", "blue", "cheap", "leather", "bag", "women", "size",
    "large", "small", "new", "sale", "winter", "summer", "jacket", "hat", "kids", "sport", "black"
  };

  @ParameterizedTest(name = "dims {0}/{1} batch {2} {3}")
  @CsvSource({
    "8, 16, 8, '', 1200, 91a6743368ad7793c1eb78f9b1174a8cb32c3598dfe67402b75434b43e2b8568",
    "8, 16, 5, ', \"clip_norm\": 0.05', 1000, 56d631b4fc59a8701817316c7c9035f5ce46331080c1c315e44bdc703c2b09c0",
    "8, 16, 1, '', 300, 4a5b01b7f381beff947d9690c1cc8145f1da15f005b3ab679db2a5092470351a",
    "3, 5, 8, ', \"clip_norm\": 0.05', 800, 228f71c5db3fd00163c369a7775858ee97f0512f4c38f450d8e054cca14ef6b6",
    "8, 16, 8, ', \"optimizer\": {\"name\": \"adagrad\"}', 800, 438f8e29dc0de930445b62026c467c1c593afbfdffcc454de412c081b7865b37",
  })
  void trainedState_sameBitsAsRecorded(
      int categoricalDim, int tokensDim, int batch, String extra, int examples, String sha256) {
    ModelSpec spec = spec(categoricalDim, tokensDim, batch, extra);
    OnlineLearner learner = OnlineLearner.create(spec);
    Featurizer featurizer = new Featurizer(spec.features());
    FeaturizedBatch rows = featurizer.newBatch(1);
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < examples; i++) {
      rows.clear();
      featurizer.add(event(random), rows);
      learner.learn(rows, 0, new float[] {random.nextInt(3)}, 1f);
    }
    assertThat(KernelPathsTest.sha256(learner.state()))
        .as("state after %d raw events on the %s kernels", examples, Kernels.description())
        .isEqualTo(sha256);
  }

  /** 8 numeric, 8 categorical (buckets 64), 2 boolean and 2 tokens fields (buckets 128). */
  public static ModelSpec spec(int categoricalDim, int tokensDim, int batch, String extra) {
    StringBuilder json = new StringBuilder("{\"features\": [");
    for (int i = 0; i < 8; i++) {
      json.append("{\"name\": \"n").append(i).append("\", \"kind\": \"numeric\"}, ");
    }
    for (int i = 0; i < 8; i++) {
      json.append("{\"name\": \"c").append(i).append("\", \"kind\": \"categorical\", ");
      json.append("\"buckets\": 64, \"embedding_dim\": ").append(categoricalDim).append("}, ");
    }
    json.append("{\"name\": \"b0\", \"kind\": \"boolean\"}, ");
    json.append("{\"name\": \"b1\", \"kind\": \"boolean\"}, ");
    for (int t = 0; t < 2; t++) {
      json.append("{\"name\": \"t").append(t).append("\", \"kind\": \"tokens\", ");
      json.append("\"buckets\": 128, \"embedding_dim\": ").append(tokensDim).append("}");
      json.append(t == 0 ? ", " : "], ");
    }
    json.append("\"classes\": 3, \"hidden\": [32], \"batch_size\": ").append(batch);
    return SpecJson.parse(json.append(extra).append("}").toString());
  }

  /** A seeded event of the spec's 20 fields, as the raw-event benchmark makes them. */
  public static ObjectNode event(SplittableRandom random) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < 8; i++) {
      if (random.nextInt(10) == 0) {
        e.putNull("n" + i);
      } else {
        e.put("n" + i, random.nextGaussian() * (i + 1) + i);
      }
    }
    for (int i = 0; i < 8; i++) {
      e.put("c" + i, "v" + random.nextInt(10 + 40 * i));
    }
    e.put("b0", random.nextBoolean());
    e.put("b1", random.nextInt(3) == 0);
    for (int t = 0; t < 2; t++) {
      StringBuilder text = new StringBuilder();
      int words = 8 + random.nextInt(5);
      for (int w = 0; w < words; w++) {
        text.append(WORDS[random.nextInt(WORDS.length)]).append(w % 4 == 3 ? ", " : " ");
      }
      e.put("t" + t, text.toString().trim());
    }
    return e;
  }
}
