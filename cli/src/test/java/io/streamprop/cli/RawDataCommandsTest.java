package io.streamprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.learn.population.PopulationState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.PopulationCodec;
import io.streamprop.wire.Snapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spec}, {@code evaluate} and {@code train} on raw files: CSV with string columns and empty
 * cells, JSON lines of mixed values, labels by class name ({@code examples/data/raw/}).
 */
class RawDataCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path RAW = Path.of("..", "examples", "data", "raw");
  private static final Path TITANIC = RAW.resolve("titanic.csv");

  @TempDir Path dir;

  @Test
  void spec_rawCsv_classNamesAndFeatures_reasonsOnStderr() throws Exception {
    Cli.Run run = Cli.run("spec", "--data", TITANIC.toString());

    assertThat(run.status()).as(run.err()).isZero();
    ModelSpec spec = SpecJson.parse(run.out()); // stdout is the JSON alone
    assertThat(spec.classNames()).containsExactly("no", "yes");
    assertThat(spec.features().features().stream().map(f -> f.name() + " " + f.kind()))
        .containsExactly("sex CATEGORICAL", "age NUMERIC", "passengerClass CATEGORICAL");
    assertThat(run.err().lines())
        .containsExactly(
            "task: label holds 2 distinct names: classification with 2 classes, class_names in"
                + " code point order",
            "features.sex: categorical (1.0 tokens per value), 2 values: one-hot in 3 buckets",
            "features.age: numeric (every value is a number)",
            "features.passengerClass: categorical (1.0 tokens per value), 3 values: one-hot in 5"
                + " buckets");
    assertThat(spec.features().feature(0).oneHot()).isTrue();
    assertThat(spec.features().feature(0).buckets()).isEqualTo(3);
  }

  @Test
  void spec_explain_reasonsOnStdoutAfterTheSpec() throws Exception {
    Cli.Run run = Cli.run("spec", "--data", RAW.resolve("chile.jsonl").toString(), "--explain");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    int end = run.out().lastIndexOf("}\n") + 2;
    assertThat(SpecJson.parse(run.out().substring(0, end)).classNames())
        .containsExactly("A", "N", "U", "Y");
    assertThat(run.out().substring(end).lines())
        .hasSize(8)
        .startsWith(
            "task: label holds 4 distinct names: classification with 4 classes,"
                + " class_names in code point order")
        .contains("features.income: numeric (every value is a number)");
  }

  /** titanic.csv with the age of line 17 written as a word. */
  private Path titanicWithAWord() throws Exception {
    List<String> lines = Files.readAllLines(TITANIC);
    String[] cells = lines.get(16).split(",", -1);
    cells[1] = "thirty";
    lines.set(16, String.join(",", cells));
    Path file = dir.resolve("titanic.csv");
    Files.write(file, lines);
    return file;
  }

  @Test
  void spec_columnNumericButForOneWord_warnsNamingTheColumnTheCountAndTheLine() throws Exception {
    Path file = titanicWithAWord();

    Cli.Run run = Cli.run("spec", "--data", file.toString());

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(SpecJson.parse(run.out()).features().feature(1).kind().name())
        .isEqualTo("CATEGORICAL");
    assertThat(run.err().lines())
        .contains(
            "warning: features.age: 1 of its 1,046 values is not a number (the first: \"thirty\""
                + " at titanic.csv:17), so it was inferred categorical; to read it as numeric, fix"
                + " or empty that value and give a --spec where its kind is numeric (`streamprop"
                + " spec --data "
                + file
                + "` prints one to edit)");
  }

  @Test
  void evaluateAndTrain_inferred_columnNumericButForOneWord_warn() throws Exception {
    Path file = titanicWithAWord();

    Cli.Run evaluate = Cli.run("evaluate", "--data", file.toString(), "--progress", "never");
    Cli.Run train =
        Cli.run(
            "train",
            "--data",
            file.toString(),
            "--out",
            dir.resolve("t.snap").toString(),
            "--progress",
            "never");

    for (Cli.Run run : List.of(evaluate, train)) {
      assertThat(run.status()).as(run.err()).isZero();
      assertThat(run.err()).contains("warning: features.age: 1 of its 1,046 values");
    }
  }

  @Test
  void spec_columnsOfWordsOrAllNumbers_noWarning() throws Exception {
    assertThat(Cli.run("spec", "--data", TITANIC.toString()).err()).doesNotContain("warning");
    assertThat(Cli.run("spec", "--data", RAW.resolve("chile.jsonl").toString()).err())
        .doesNotContain("warning");
  }

  @Test
  void spec_numericFile_taskReasonOnly() throws Exception {
    Path csv = Files.writeString(dir.resolve("n.csv"), "a,b,label\n1,2,0\n3,4,1\n");

    Cli.Run run = Cli.run("spec", "--data", csv.toString());

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.err().lines())
        .containsExactly(
            "task: label holds class codes 0..1 (2 distinct): classification with 2" + " classes");
  }

  @Test
  void evaluate_rawCsvWithSpec_badCell_errorNamesTheLineTheFieldAndTheValue() throws Exception {
    Path spec =
        Files.writeString(
            dir.resolve("s.json"),
            "{\"features\": {\"sex\": \"categorical\", \"age\": \"numeric\"},"
                + " \"class_names\": [\"no\", \"yes\"]}");
    Path csv = Files.writeString(dir.resolve("bad.csv"), "sex,age,label\n\nfemale,thirty,yes\n");

    Cli.Run run =
        Cli.run(
            "evaluate", "--data", csv.toString(), "--spec", spec.toString(), "--progress=never");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err().strip())
        .isEqualTo(
            "streamprop evaluate: bad.csv:3: features.age: must be a number (numeric feature), got"
                + " \"thirty\"");
  }

  @Test
  void train_rawJsonLines_unknownClass_errorNamesTheLineAndTheClasses() throws Exception {
    Path spec =
        Files.writeString(
            dir.resolve("s.json"),
            "{\"features\": {\"sex\": \"categorical\"}, \"class_names\": [\"no\", \"yes\"]}");
    Path jsonl =
        Files.writeString(
            dir.resolve("bad.jsonl"),
            "{\"features\": {\"sex\": \"male\"}, \"label\": \"maybe\"}\n");

    Cli.Run run =
        Cli.run(
            "train",
            "--data",
            jsonl.toString(),
            "--spec",
            spec.toString(),
            "--out",
            dir.resolve("m.snap").toString(),
            "--progress=never");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "bad.jsonl:1: label: \"maybe\" is not a class of this model; its classes are \"no\","
                + " \"yes\" (or their indices 0..1)");
    assertThat(dir.resolve("m.snap")).doesNotExist();
  }

  @Test
  void evaluate_rawCsvInferred_announcesTheSpec_jsonOfTheSameShape() throws Exception {
    Cli.Run run = Cli.run("evaluate", "--data", TITANIC.toString(), "--json", "--progress=never");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.err())
        .contains("no --spec: inferred classification 10 inputs from 3 raw features -> ")
        .contains("2 classes [no, yes]");
    JsonNode figures = JSON.readTree(run.lastLine());
    assertThat(figures.fieldNames())
        .toIterable()
        .containsExactly(
            "examples",
            "accuracy",
            "loss",
            "examples_per_second",
            "pending",
            "steps",
            "skipped_steps",
            "seconds",
            // an inferred spec leaves the learning choices open: the population's standings
            "members",
            "leader",
            "average_served",
            "switches",
            "replacements",
            "drift_alarms");
    // the population's warm-up steps each of the first 2,000 examples: all 1,309 are scored
    assertThat(figures.get("examples").asLong()).isEqualTo(1309);
    assertThat(figures.get("pending").asLong()).isZero();
    assertThat(figures.get("accuracy").asDouble()).isGreaterThan(0.7); // majority: 0.62
  }

  @Test
  void evaluate_csvAndJsonLinesOfTheSameData_sameFigures() throws Exception {
    List<String> keys = List.of("examples", "accuracy", "loss", "pending", "steps");
    JsonNode csv = evaluateJson(RAW.resolve("chile.csv"));
    JsonNode jsonl = evaluateJson(RAW.resolve("chile.jsonl"));

    for (String key : keys) {
      assertThat(jsonl.get(key)).as(key).isEqualTo(csv.get(key));
    }
  }

  @Test
  void evaluate_jsonLinesWeights_weightOneIsNoWeight_weightZeroLearnsNothing() throws Exception {
    List<String> keys = List.of("examples", "accuracy", "loss", "pending", "steps");
    List<String> lines = Files.readAllLines(RAW.resolve("chile.jsonl"));
    Path ones = dir.resolve("chile-ones.jsonl");
    Path zeros = dir.resolve("chile-zeros.jsonl");
    Files.write(ones, lines.stream().map(l -> withWeight(l, "1")).toList());
    Files.write(zeros, lines.stream().map(l -> withWeight(l, "0")).toList());

    JsonNode plain = evaluateJson(RAW.resolve("chile.jsonl"));
    JsonNode weightOne = evaluateJson(ones);
    JsonNode weightZero = evaluateJson(zeros);

    for (String key : keys) {
      assertThat(weightOne.get(key)).as(key).isEqualTo(plain.get(key));
    }
    // Weight 0 scores every example but never moves the model: it stays at its initial guess.
    assertThat(weightZero.get("examples")).isEqualTo(plain.get("examples"));
    assertThat(weightZero.get("accuracy").asDouble())
        .isLessThan(plain.get("accuracy").asDouble() - 0.1);
  }

  private static String withWeight(String jsonLine, String weight) {
    int end = jsonLine.lastIndexOf('}');
    return jsonLine.substring(0, end) + ", \"weight\": " + weight + "}";
  }

  @Test
  void train_rawCsv_writesThePopulationOfTheInferredSpec() throws Exception {
    Path snap = dir.resolve("titanic.snap");

    Cli.Run run =
        Cli.run(
            "train", "--data", TITANIC.toString(), "--out", snap.toString(), "--progress=never");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("1,309 examples").contains("wrote " + snap);
    // The inferred spec leaves the optimizer open: the whole population is written.
    PopulationState population = PopulationCodec.decode(Files.readAllBytes(snap));
    // 1,309 examples, all in the warm-up: every member of the race
    assertThat(population.members())
        .hasSize(
            io.streamprop.learn.population.PopulationPlan.standard()
                .memberSpecs(population.spec())
                .size());
    ModelSpec spec = population.spec();
    assertThat(spec.learner()).isEqualTo(ModelSpec.Learner.POPULATION);
    assertThat(spec.hasFeatures()).isTrue();
    assertThat(spec.classNames()).containsExactly("no", "yes");
    ModelSpec leader = Snapshots.served(Files.readAllBytes(snap)).state().spec();
    assertThat(leader.hasFeatures()).isTrue();
    assertThat(leader.learner()).isEqualTo(ModelSpec.Learner.SINGLE);
  }

  private JsonNode evaluateJson(Path data) throws Exception {
    Path spec = dir.resolve("chile.json");
    Files.writeString(spec, Cli.run("spec", "--data", RAW.resolve("chile.csv").toString()).out());
    Cli.Run run =
        Cli.run(
            "evaluate",
            "--data",
            data.toString(),
            "--spec",
            spec.toString(),
            "--json",
            "--progress=never");
    assertThat(run.status()).as(run.err()).isZero();
    return JSON.readTree(run.lastLine());
  }
}
