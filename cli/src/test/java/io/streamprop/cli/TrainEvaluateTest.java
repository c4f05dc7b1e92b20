package io.streamprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.data.DataFile;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.learn.population.PopulationPlan;
import io.streamprop.learn.population.PopulationState;
import io.streamprop.learn.state.BatchNormState;
import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.SameState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.PopulationCodec;
import io.streamprop.wire.SnapshotCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data commands end to end, in-process, on real bundled data. */
class TrainEvaluateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A small non-default model, so that a spec that lost a field would show. */
  private static final String IRIS_SPEC =
      """
      {"inputs": 4, "classes": 3, "hidden": [8], "activation": "tanh", "batch_size": 4,
       "optimizer": {"name": "adamw", "learning_rate": 0.01, "weight_decay": 0.001},
       "seed": 7}
      """;

  @TempDir Path dir;
  private Path iris;
  private Path digits;
  private Path diabetes;

  @BeforeEach
  void copyData() {
    iris = resource("iris.csv");
    digits = resource("digits.csv");
    diabetes = resource("diabetes.csv");
  }

  private Path resource(String name) {
    return resource("/data/", name);
  }

  /** A copy of a class-path resource (this module's, or the shared test jar's) in the temp dir. */
  private Path resource(String folder, String name) {
    try (InputStream in = getClass().getResourceAsStream(folder + name)) {
      Path file = dir.resolve(name);
      Files.copy(in, file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode lastLineJson(Cli.Run run) throws IOException {
    return JSON.readTree(run.lastLine());
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void evaluateJson_onDigits_lastLineHoldsTheFiguresAndLearns() throws Exception {
    Cli.Run run = Cli.run("evaluate", "--data", digits.toString(), "--json", "--progress=never");

    assertThat(run.status()).as(run.err()).isZero();
    JsonNode figures = lastLineJson(run);
    long examples = figures.get("examples").asLong();
    long pending = figures.get("pending").asLong();
    assertThat(examples + pending).isEqualTo(1797);
    assertThat(pending).isBetween(0L, 15L);
    // One prequential pass of digits: about 90% with the default model (75% with the first
    // defaults); chance is 10%.
    assertThat(figures.get("accuracy").asDouble()).isGreaterThan(0.7);
    assertThat(figures.get("loss").asDouble())
        .isPositive()
        .isLessThan(Math.log(10)); // below chance-level loss
    assertThat(figures.get("examples_per_second").asDouble()).isPositive();
    assertThat(figures.has("mse")).isFalse();
    assertThat(run.err()).contains("no --spec: inferred classification 64 inputs");
  }

  @Test
  void evaluateJson_onRegression_reportsMseInsteadOfAccuracy() throws Exception {
    Cli.Run run = Cli.run("evaluate", "--data", diabetes.toString(), "--json", "--progress=never");

    assertThat(run.status()).as(run.err()).isZero();
    JsonNode figures = lastLineJson(run);
    assertThat(figures.has("accuracy")).isFalse();
    assertThat(figures.get("mse").asDouble()).isPositive().isFinite();
    assertThat(figures.get("loss").asDouble()).isPositive().isFinite();
    assertThat(figures.get("examples").asLong() + figures.get("pending").asLong()).isEqualTo(442);
    // In the target's own units (25..346): the model learns standardized targets and maps its
    // predictions back, so it beats always predicting the running mean of the labels so far
    // (about 6,045 here; a model that learned raw-scale targets scored about 23,500).
    long examples = figures.get("examples").asLong();
    double mean = 0;
    double baseline = 0;
    List<String> rows = Files.readAllLines(diabetes).subList(1, 1 + (int) examples);
    for (int i = 0; i < rows.size(); i++) {
      String row = rows.get(i);
      double label = Double.parseDouble(row.substring(row.lastIndexOf(',') + 1));
      baseline += (label - mean) * (label - mean);
      mean += (label - mean) / (i + 1);
    }
    baseline /= examples;
    assertThat(figures.get("mse").asDouble()).isLessThan(0.92 * baseline);
    // The default loss is MSE, reported in the same units: one target, so loss equals mse.
    assertThat(figures.get("loss").asDouble())
        .isCloseTo(
            figures.get("mse").asDouble(), org.assertj.core.data.Percentage.withPercentage(1e-6));
  }

  @Test
  void evaluate_openSpec_isAPopulation_andReportsItsStandings() throws Exception {
    Cli.Run json = Cli.run("evaluate", "--data", digits.toString(), "--json", "--progress=never");
    Cli.Run text = Cli.run("evaluate", "--data", digits.toString(), "--progress=never");

    assertThat(json.status()).as(json.err()).isZero();
    JsonNode figures = lastLineJson(json);
    JsonNode members = figures.get("members");
    // digits' 1,797 examples are all in the warm-up: the whole race, 3 rates x widths {1, 2},
    // 3 rates on symlog inputs at the spec's width, and 3 linear members
    assertThat(members).hasSize(12);
    assertThat(members.get(9).get("hidden")).isEmpty();
    assertThat(members.get(11).get("lr").asDouble()).isEqualTo(0.1);
    assertThat(members.get(0).get("input_transform").asText()).isEqualTo("none");
    assertThat(members.get(6).get("input_transform").asText()).isEqualTo("symlog");
    assertThat(members.get(6).get("hidden").get(0).asInt()).isEqualTo(64);
    assertThat(members.get(0).get("lr").asDouble()).isEqualTo(0.001);
    assertThat(members.get(2).get("lr").asDouble()).isEqualTo(0.01);
    assertThat(members.get(0).get("hidden").get(0).asInt()).isEqualTo(64);
    assertThat(members.get(3).get("hidden").get(0).asInt()).isEqualTo(128);
    int leader = figures.get("leader").asInt();
    double lead = members.get(leader).get("recent_loss").asDouble();
    for (JsonNode m : members) {
      assertThat(m.get("recent_loss").asDouble()).isGreaterThanOrEqualTo(lead);
    }
    assertThat(json.err())
        .contains("population of lr")
        .contains(
            "x hidden widths [64], [128] (the spec's x1, x2), and symlog inputs at the first widths")
        .contains(
            "symlog inputs at the first widths; linear members at lr [0.01, 0.03, 0.1] in the warm-up")
        .contains("batch_size 8 (1 for the first 2000 examples)");
    assertThat(text.out())
        .contains("population of 12:")
        .containsPattern("\\* " + leader + " +0\\.0")
        .contains("(* served: member " + leader + " (lr ");
  }

  @Test
  void evaluate_specWithItsOptimizer_isOneLearner_withoutStandings() throws Exception {
    Path spec = write("fixed.json", "{\"inputs\": 64, \"classes\": 10, \"optimizer\": \"adam\"}");
    Cli.Run run =
        Cli.run(
            "evaluate",
            "--data",
            digits.toString(),
            "--spec",
            spec.toString(),
            "--json",
            "--progress=never");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(lastLineJson(run).has("members")).isFalse();
  }

  @Test
  void evaluate_withoutJson_printsReadableFigures() throws Exception {
    Cli.Run run = Cli.run("evaluate", "--data", iris.toString(), "--progress=never");
    // A single learner at batch 8 leaves iris's last 6 examples in an unfilled mini-batch; the
    // population of an open spec steps each example of its warm-up, so it scores all 150.
    Path single = write("single.json", "{\"inputs\": 4, \"classes\": 3, \"learner\": \"single\"}");
    Cli.Run one =
        Cli.run(
            "evaluate", "--data", iris.toString(), "--spec", single.toString(), "--progress=never");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out())
        .contains(iris + ": 150 examples scored prequentially\n")
        .containsPattern("accuracy 0\\.\\d{4}  loss \\d+\\.\\d{4}  [\\d,]+ examples/s");
    assertThat(one.status()).as(one.err()).isZero();
    assertThat(one.out())
        .contains(iris + ": 144 examples scored prequentially (6 more wait in an unfilled")
        .containsPattern("accuracy 0\\.\\d{4}  loss \\d+\\.\\d{4}  [\\d,]+ examples/s");
  }

  @Test
  void evaluate_withProgressAlways_writesTheProgressLineToStderrOnly() throws Exception {
    Cli.Run run = Cli.run("evaluate", "--data", digits.toString(), "--json", "--progress=always");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).doesNotContain("\r");
    assertThat(run.out().strip().lines()).hasSize(1);
  }

  @Test
  void trainThenShow_specFieldRoundTripsThroughSpecOption() throws Exception {
    Path spec = write("iris.json", IRIS_SPEC);
    Path snap = dir.resolve("out/iris.snap");

    Cli.Run train =
        Cli.run(
            "train",
            "--spec",
            spec.toString(),
            "--data",
            iris.toString(),
            "--epochs",
            "3",
            "--out",
            snap.toString(),
            "--progress=never");
    Cli.Run show = Cli.run("snapshot", "show", snap.toString(), "--json");

    assertThat(train.status()).as(train.err()).isZero();
    assertThat(train.out()).contains("epoch 1/3: 150 examples", "epoch 3/3: 150 examples");
    assertThat(train.out()).contains("wrote " + snap);
    assertThat(show.status()).as(show.err()).isZero();
    JsonNode doc = JSON.readTree(show.out());
    assertThat(doc.get("examples").asLong()).isEqualTo(450);
    assertThat(doc.get("steps").asLong()).isEqualTo(450 / 4);
    assertThat(doc.get("version").asLong()).isEqualTo(450 / 4);
    Path roundTripped = write("roundtrip.json", JSON.writeValueAsString(doc.get("spec")));
    ModelSpec original = SpecJson.parse(IRIS_SPEC);
    assertThat(Cli.run("spec", "--spec", roundTripped.toString()).status()).isZero();
    assertThat(SpecJson.parse(Files.readString(roundTripped))).isEqualTo(original);

    // The round-tripped spec trains the very same model, bit for bit.
    Path again = dir.resolve("again.snap");
    Cli.Run retrain =
        Cli.run(
            "train",
            "--spec",
            roundTripped.toString(),
            "--data",
            iris.toString(),
            "--epochs",
            "3",
            "--out",
            again.toString(),
            "--progress=never");
    assertThat(retrain.status()).as(retrain.err()).isZero();
    assertSameArrays(decode(snap), decode(again));
  }

  /** IRIS_SPEC with its learning choices left open: no optimizer, so a population. */
  private static final String IRIS_OPEN_SPEC =
      """
      {"inputs": 4, "classes": 3, "hidden": [8], "activation": "tanh", "batch_size": 4,
       "seed": 7}
      """;

  @Test
  void train_openSpec_writesThePopulationOfTheEngineFedDirectly() throws Exception {
    Path spec = write("open.json", IRIS_OPEN_SPEC);
    Path snap = dir.resolve("open.snap");
    Cli.Run train =
        Cli.run(
            "train",
            "--spec",
            spec.toString(),
            "--data",
            iris.toString(),
            "--epochs",
            "2",
            "--out",
            snap.toString(),
            "--progress=never");
    assertThat(train.status()).as(train.err()).isZero();

    PopulationLearner direct = PopulationLearner.create(SpecJson.parse(IRIS_OPEN_SPEC));
    for (int epoch = 0; epoch < 2; epoch++) {
      try (DataFile file = DataFile.open(iris)) {
        DataFile.Row row;
        while ((row = file.next()) != null) {
          direct.learn(row.features(), row.label());
        }
      }
    }

    // The whole population, as the trainer publishes it: model version = the leader's steps (300:
    // every example is inside the plan's warm-up, where members step at mini-batch 1).
    long steps = direct.leaderLearner().steps();
    assertThat(steps).isEqualTo(300);
    byte[] bytes = Files.readAllBytes(snap);
    PopulationCodec.Published published = PopulationCodec.decodePublished(bytes, null);
    assertThat(published.version()).isEqualTo(steps);
    PopulationState state = published.state();
    assertThat(state.members()).hasSize(direct.size());
    assertThat(PopulationCodec.encode(state)).isEqualTo(PopulationCodec.encode(direct.state()));
    assertThat(train.out())
        .contains(
            "wrote "
                + snap
                + ": "
                + String.format("%,d", bytes.length)
                + " bytes, version "
                + steps)
        .contains("population of " + direct.size() + ":")
        .contains("(* served: member " + direct.leader() + " (lr ");
  }

  @Test
  void trainOpenSpecThenShow_showsTheLeader_whoseSpecRoundTripsThroughSpecOption()
      throws Exception {
    Path spec = write("open.json", IRIS_OPEN_SPEC);
    Path snap = dir.resolve("out/open.snap");
    Cli.Run train =
        Cli.run(
            "train",
            "--spec",
            spec.toString(),
            "--data",
            iris.toString(),
            "--epochs",
            "3",
            "--out",
            snap.toString(),
            "--progress=never");
    Cli.Run show = Cli.run("snapshot", "show", snap.toString(), "--json");

    assertThat(train.status()).as(train.err()).isZero();
    assertThat(show.status()).as(show.err()).isZero();
    JsonNode doc = JSON.readTree(show.out());
    // The leader's counters: members step together (one step per example inside the plan's
    // warm-up of 2,000 examples), and a replaced member inherits the leader's.
    assertThat(doc.get("examples").asLong()).isEqualTo(450);
    assertThat(doc.get("steps").asLong()).isEqualTo(450);
    assertThat(doc.get("version").asLong()).isEqualTo(450);
    // The spec shown is the leader's: a single learner of the user's spec at the member's rate.
    PopulationState population = PopulationCodec.decode(Files.readAllBytes(snap));
    ModelSpec leader = population.members().get(population.leader()).model().spec();
    Path roundTripped = write("roundtrip.json", JSON.writeValueAsString(doc.get("spec")));
    assertThat(Cli.run("spec", "--spec", roundTripped.toString()).status()).isZero();
    ModelSpec shown = SpecJson.parse(Files.readString(roundTripped));
    assertThat(shown).isEqualTo(leader);
    assertThat(shown.learner()).isEqualTo(ModelSpec.Learner.SINGLE);
    // 450 examples complete no rung of the plan, so no member was replaced: it is an initial one.
    ModelSpec open = SpecJson.parse(IRIS_OPEN_SPEC);
    assertThat(PopulationPlan.standard().memberSpecs(open)).contains(shown);
    // The spec's widths, twice them, or a linear member of the warm-up (iris's leader here).
    assertThat(shown.hidden())
        .isIn(open.hidden(), open.hidden().stream().map(h -> 2 * h).toList(), List.of());
    assertThat(shown.seed()).isEqualTo(open.seed());
  }

  @Test
  void showWeights_listsEveryLayerWithItsShapeRowMajor() throws Exception {
    Path spec = write("iris.json", IRIS_SPEC);
    Path snap = dir.resolve("iris.snap");
    Cli.Run train =
        Cli.run(
            "train",
            "--spec",
            spec.toString(),
            "--data",
            iris.toString(),
            "--out",
            snap.toString(),
            "--progress=never");
    assertThat(train.status()).as(train.err()).isZero();

    Cli.Run show = Cli.run("snapshot", "show", snap.toString(), "--json", "--weights");

    assertThat(show.status()).as(show.err()).isZero();
    JsonNode layers = JSON.readTree(show.out()).get("layers");
    assertThat(layers).hasSize(2);
    assertLayer(layers.get(0), 0, 4, 8);
    assertLayer(layers.get(1), 1, 8, 3);
    ModelState state = decode(snap);
    assertThat(floats(layers.get(1).get("weight").get("values")))
        .containsExactly(state.layers().get(1).dense().weight());
    assertThat(floats(layers.get(0).get("bias").get("values")))
        .containsExactly(state.layers().get(0).dense().bias());
  }

  @Test
  void trainAndShowWithoutJson_printCountersPendingRowsAndShapes() throws Exception {
    Path spec = write("iris.json", IRIS_SPEC);
    Path snap = dir.resolve("iris.snap");
    Cli.Run train =
        Cli.run(
            "train",
            "--spec",
            spec.toString(),
            "--data",
            iris.toString(),
            "--out",
            snap.toString(),
            "--progress=never");

    Cli.Run show = Cli.run("snapshot", "show", snap.toString(), "--weights");

    assertThat(train.status()).as(train.err()).isZero();
    // 150 rows in mini-batches of 4: 37 steps, 2 rows wait in the pending batch.
    assertThat(train.out()).contains("150 examples, 37 steps (0 skipped), 2 examples pending");
    assertThat(show.status()).as(show.err()).isZero();
    assertThat(show.out())
        .contains("examples       150")
        .containsPattern("dense\\.0\\.weight +float32\\[32\\] \\(4, 8\\)")
        .contains("dense.0.weight (4, 8), one row per input feature")
        .contains("dense.1.bias (3)");
  }

  @Test
  void trainToADirectory_failsBeforeTraining_exitsOne() throws Exception {
    Path spec = write("iris.json", IRIS_SPEC);
    Path directory = Files.createDirectory(dir.resolve("snapshots"));

    Cli.Run run =
        Cli.run(
            "train",
            "--spec",
            spec.toString(),
            "--data",
            iris.toString(),
            "--out",
            directory.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains(directory + ": cannot write the snapshot there");
    assertThat(run.out()).doesNotContain("epoch 1/1");
  }

  @Test
  void train_buildsBitForBitTheModelOfTheEngineFedDirectly() throws Exception {
    Path spec = write("iris.json", IRIS_SPEC);
    Path snap = dir.resolve("iris.snap");
    Cli.Run train =
        Cli.run(
            "train",
            "--spec",
            spec.toString(),
            "--data",
            iris.toString(),
            "--epochs",
            "2",
            "--out",
            snap.toString(),
            "--progress=never");
    assertThat(train.status()).as(train.err()).isZero();

    OnlineLearner direct = OnlineLearner.create(SpecJson.parse(IRIS_SPEC));
    for (int epoch = 0; epoch < 2; epoch++) {
      try (DataFile file = DataFile.open(iris)) {
        DataFile.Row row;
        while ((row = file.next()) != null) {
          direct.learn(row.features(), row.label());
        }
      }
    }

    assertSameArrays(decode(snap), direct.state());
  }

  @Test
  void showOfTheFirstReleasesFixture_readsSpecCountersAndShapes() throws Exception {
    Path fixture = resource("/snapshots/", "format1-trained-iris.sprp");

    Cli.Run show = Cli.run("snapshot", "show", fixture.toString(), "--json", "--weights");

    assertThat(show.status()).as(show.err()).isZero();
    JsonNode doc = JSON.readTree(show.out());
    assertThat(doc.get("version").asLong()).isEqualTo(3);
    assertThat(doc.get("examples").asLong()).isEqualTo(150);
    assertThat(doc.get("steps").asLong()).isEqualTo(37);
    assertThat(doc.get("created_at").asText()).isEqualTo("2026-09-21T14:13:20Z");
    assertThat(SpecJson.parse(JSON.writeValueAsString(doc.get("spec"))).hidden())
        .containsExactly(16, 8);
    JsonNode layers = doc.get("layers");
    assertThat(layers).hasSize(3);
    assertLayer(layers.get(0), 0, 4, 16);
    assertLayer(layers.get(1), 1, 16, 8);
    assertLayer(layers.get(2), 2, 8, 3);
  }

  @Test
  void showWeightsOfABatchNormModel_addsTheBatchNormArraysToTheLayer() throws Exception {
    Path fixture = resource("/snapshots/", "format1-synthetic.sprp");
    ModelState state = decode(fixture);

    Cli.Run show = Cli.run("snapshot", "show", fixture.toString(), "--json", "--weights");

    assertThat(show.status()).as(show.err()).isZero();
    JsonNode layers = JSON.readTree(show.out()).get("layers");
    JsonNode batchNorm = layers.get(0).get("batch_norm");
    BatchNormState expected = state.layers().get(0).batchNorm();
    Map<String, float[]> arrays =
        Map.of(
            "gamma", expected.gamma(),
            "beta", expected.beta(),
            "running_mean", expected.runningMean(),
            "running_var", expected.runningVar());
    for (Map.Entry<String, float[]> e : arrays.entrySet()) {
      String name = e.getKey();
      assertThat(batchNorm.get(name).get("shape")).as(name).containsExactly(num(4));
      assertThat(floats(batchNorm.get(name).get("values"))).as(name).containsExactly(e.getValue());
    }
    assertThat(layers.get(1).has("batch_norm")).isFalse();
  }

  @Test
  void badLabel_exitsOneNamingFileAndLine() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(iris));
    lines.set(9, "6.1,2.8,4.7,1.2,7"); // file line 10 (the header is line 1)
    Path bad = Files.write(dir.resolve("bad.csv"), lines);
    Path spec = write("iris.json", IRIS_SPEC);

    Cli.Run run = Cli.run("evaluate", "--data", bad.toString(), "--spec", spec.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains(bad + ":10: ").doesNotContain("\tat ");
  }

  @Test
  void unparsableValue_exitsOneNamingFileAndLine() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(iris));
    lines.set(41, "6.1,2.8,abc,1.2,1"); // file line 42
    Path bad = Files.write(dir.resolve("bad.csv"), lines);
    Path spec = write("iris.json", IRIS_SPEC);

    Cli.Run run = Cli.run("evaluate", "--data", bad.toString(), "--spec", spec.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("bad.csv").contains(":42: ").doesNotContain("\tat ");
  }

  @Test
  void wrongWidthForTheSpec_exitsOneNamingTheWidths() throws Exception {
    Path spec = write("wide.json", "{\"inputs\": 5, \"classes\": 3}");

    Cli.Run run = Cli.run("evaluate", "--data", iris.toString(), "--spec", spec.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains(iris.getFileName().toString()).contains(":2: ");
  }

  @Test
  void fileSmallerThanOneMiniBatch_exitsOneSayingNothingWasScored() throws Exception {
    List<String> lines = Files.readAllLines(iris).subList(0, 4); // header and 3 rows
    Path small = Files.write(dir.resolve("small.csv"), lines);
    Path spec = write("iris.json", IRIS_SPEC);

    Cli.Run run = Cli.run("evaluate", "--data", small.toString(), "--spec", spec.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("3 examples fill no mini-batch of batch_size 4");
  }

  @Test
  void gzipCsv_givesTheSameFiguresAsPlainCsv() throws Exception {
    Path gz = dir.resolve("iris.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(iris, out);
    }
    Path spec = write("iris.json", IRIS_SPEC);

    JsonNode plain = evaluateJson(iris, spec);
    JsonNode zipped = evaluateJson(gz, spec);

    assertSameFigures(zipped, plain);
  }

  @Test
  void jsonLines_giveTheSameFiguresAsCsv() throws Exception {
    List<String> csv = Files.readAllLines(iris);
    List<String> jsonLines = new ArrayList<>();
    for (String row : csv.subList(1, csv.size())) {
      String[] cells = row.split(",");
      String features = String.join(", ", Arrays.copyOf(cells, cells.length - 1));
      jsonLines.add(
          "{\"features\": [" + features + "], \"label\": " + cells[cells.length - 1] + "}");
    }
    Path jsonl = Files.write(dir.resolve("iris.jsonl"), jsonLines);
    Path spec = write("iris.json", IRIS_SPEC);

    JsonNode fromJson = evaluateJson(jsonl, spec);
    JsonNode fromCsv = evaluateJson(iris, spec);

    assertSameFigures(fromJson, fromCsv);
  }

  @Test
  void csvColumnsInAnotherOrder_areMatchedToTheSpecsFeatureNames() throws Exception {
    Path named =
        write(
            "named.json",
            IRIS_SPEC.replace(
                "\"inputs\": 4,",
                "\"feature_names\": [\"sepal_length\", \"sepal_width\", \"petal_length\","
                    + " \"petal_width\"],"));
    List<String> swapped = new ArrayList<>();
    for (String row : Files.readAllLines(iris)) {
      String[] cells = row.split(",");
      // label first, then the features in reverse order
      swapped.add(String.join(",", cells[4], cells[3], cells[2], cells[1], cells[0]));
    }
    Path reordered = Files.write(dir.resolve("reordered.csv"), swapped);

    assertSameFigures(evaluateJson(reordered, named), evaluateJson(iris, named));
  }

  @Test
  void jsonLinesWithNamedFeatures_areMatchedToTheSpecsFeatureNames() throws Exception {
    Path named =
        write(
            "named.json",
            IRIS_SPEC.replace(
                "\"inputs\": 4,",
                "\"feature_names\": [\"sepal_length\", \"sepal_width\", \"petal_length\","
                    + " \"petal_width\"],"));
    List<String> csv = Files.readAllLines(iris);
    List<String> jsonLines = new ArrayList<>();
    for (String row : csv.subList(1, csv.size())) {
      String[] c = row.split(",");
      // Names in another order than the spec's, as a producer may well write them.
      jsonLines.add(
          String.format(
              "{\"features\": {\"petal_width\": %s, \"sepal_length\": %s, \"petal_length\": %s,"
                  + " \"sepal_width\": %s}, \"label\": %s}",
              c[3], c[0], c[2], c[1], c[4]));
    }
    Path jsonl = Files.write(dir.resolve("named.jsonl"), jsonLines);

    assertSameFigures(evaluateJson(jsonl, named), evaluateJson(iris, named));
  }

  @Test
  void csvWithOtherFeatureNames_exitsOneNamingBothLists() throws Exception {
    Path named =
        write("named.json", "{\"feature_names\": [\"a\", \"b\", \"c\", \"d\"], \"classes\": 3}");

    Cli.Run run = Cli.run("evaluate", "--data", iris.toString(), "--spec", named.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("are not the spec's feature_names [a, b, c, d]");
  }

  @Test
  void specInferredFromData_isPrintedComplete() {
    Cli.Run run = Cli.run("spec", "--data", iris.toString());

    assertThat(run.status()).as(run.err()).isZero();
    ModelSpec spec = SpecJson.parse(run.out());
    assertThat(spec.task()).isEqualTo(ModelSpec.Task.CLASSIFICATION);
    assertThat(spec.inputs()).isEqualTo(4);
    assertThat(spec.outputs()).isEqualTo(3);
  }

  private JsonNode evaluateJson(Path data, Path spec) throws IOException {
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
    return lastLineJson(run);
  }

  private static void assertSameFigures(JsonNode actual, JsonNode expected) {
    for (String key : List.of("examples", "accuracy", "loss", "pending", "steps")) {
      assertThat(actual.get(key)).as(key).isEqualTo(expected.get(key));
    }
  }

  private static void assertLayer(JsonNode layer, int index, int in, int out) {
    assertThat(layer.get("index").asInt()).isEqualTo(index);
    assertThat(layer.get("in_features").asInt()).isEqualTo(in);
    assertThat(layer.get("out_features").asInt()).isEqualTo(out);
    assertThat(layer.get("weight").get("shape")).containsExactly(num(in), num(out));
    assertThat(layer.get("weight").get("values")).hasSize(in * out);
    assertThat(layer.get("bias").get("shape")).containsExactly(num(out));
    assertThat(layer.get("bias").get("values")).hasSize(out);
  }

  private static JsonNode num(int value) {
    return JSON.getNodeFactory().numberNode(value);
  }

  private static float[] floats(JsonNode array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).floatValue();
    }
    return values;
  }

  private static ModelState decode(Path snap) throws IOException {
    return SnapshotCodec.decode(Files.readAllBytes(snap));
  }

  private static void assertSameArrays(ModelState actual, ModelState expected) {
    SameState.assertSameState(actual, expected);
  }
}
