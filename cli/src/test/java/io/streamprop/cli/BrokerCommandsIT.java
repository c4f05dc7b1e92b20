package io.streamprop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.ScorerKeys;
import io.streamprop.config.TrainerKeys;
import io.streamprop.local.LocalKafka;
import io.streamprop.scorer.Scorer;
import io.streamprop.scorer.config.ScorerConfig;
import io.streamprop.trainer.TrainerApp;
import io.streamprop.trainer.config.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model create|list|show|retire}, {@code produce} and {@code predict} against a real broker
 * with a real trainer and scorer: a model created from the command line is trained on the examples
 * the command line produced, and its snapshot answers predictions.
 */
class BrokerCommandsIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final String IRIS_SPEC =
      "{\"feature_names\": [\"sepal_length\", \"sepal_width\", \"petal_length\", \"petal_width\"],"
          + " \"classes\": 3, \"hidden\": [8], \"batch_size\": 4,"
          + " \"snapshot\": {\"every_examples\": 50, \"every_seconds\": 0.5}}";

  @TempDir static Path dir;
  private static LocalKafka kafka;
  private static PrometheusMeterRegistry registry;
  private static TrainerApp trainer;
  private static Scorer scorer;

  @BeforeAll
  static void start() throws Exception {
    kafka = LocalKafka.builder().start();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    trainer =
        TrainerApp.start(
            TrainerConfig.load(
                ConfigSources.of(
                    Map.of(
                        "bootstrap.servers",
                        kafka.bootstrapServers(),
                        "state.dir",
                        dir.resolve("streams").toString(),
                        TrainerKeys.TOPIC_PARTITIONS,
                        "1"))),
            registry);
    Map<String, String> scorerProps = new HashMap<>();
    scorerProps.put("bootstrap.servers", kafka.bootstrapServers());
    scorerProps.put(ScorerKeys.HTTP_PORT, "0");
    scorerProps.put(ScorerKeys.HTTP_HOST, "127.0.0.1");
    scorer = new Scorer(ScorerConfig.load(ConfigSources.of(scorerProps))).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (scorer != null) {
      scorer.close();
    }
    if (trainer != null) {
      trainer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void createProducePredictRetire_throughTheCommandLine_modelTrainsAndServes() throws Exception {
    Path spec = dir.resolve("iris.json");
    Files.writeString(spec, IRIS_SPEC);
    String bootstrap = kafka.bootstrapServers();

    Cli.Run created =
        Cli.run(
            "model",
            "create",
            "--bootstrap-server",
            bootstrap,
            "--model",
            "iris",
            "--spec",
            spec.toString());
    assertThat(created.status()).as(created.err()).isZero();
    assertThat(created.out()).contains("model 'iris' created: classification, 4 inputs, 3 outputs");

    Cli.Run listed = Cli.run("model", "list", "--bootstrap-server", bootstrap);
    assertThat(listed.status()).as(listed.err()).isZero();
    assertThat(listed.out()).containsPattern("iris +active +classification +4 ");

    Path data = Path.of(BrokerCommandsIT.class.getResource("/data/iris.csv").toURI());
    // Kafka's own tools take client settings from a properties file; so does produce.
    Path clientConfig = dir.resolve("client.properties");
    Files.writeString(clientConfig, "client.id=streamprop-cli-it\nlinger.ms=1\n");
    Cli.Run produced =
        Cli.run(
            "produce",
            "--command-config",
            clientConfig.toString(),
            "--bootstrap-server",
            bootstrap,
            "--file",
            data.toString(),
            "--model",
            "iris",
            "--progress",
            "never");
    assertThat(produced.status()).as(produced.err()).isZero();
    assertThat(produced.out()).contains("produced 150 examples of model 'iris' to 'examples'");

    awaitTrue("the trainer to learn all 150 examples", () -> trained("iris") >= 150);
    awaitTrue(
        "a snapshot in 'model show'",
        () ->
            Cli.run("model", "show", "--bootstrap-server", bootstrap, "iris")
                .out()
                .contains("snapshot: version"));
    Cli.Run shown = Cli.run("model", "show", "--bootstrap-server", bootstrap, "iris");
    assertThat(shown.out()).contains("status:   active").contains("\"classes\": 3");

    String url = "http://127.0.0.1:" + scorer.port();
    awaitTrue("the scorer to serve iris", () -> scorer.registry().get("iris") != null);
    Cli.Run one =
        Cli.run("predict", "--model", "iris", "--features", "5.1,3.5,1.4,0.2", "--url", url);
    assertThat(one.status()).as(one.err()).isZero();
    assertThat(one.out())
        .startsWith("{\"id\":\"") // the scorer's generated id comes first
        .contains("\"class\":")
        .contains("\"model\":\"iris\"");
    Cli.Run all = Cli.run("predict", "--model", "iris", "--data", data.toString(), "--url", url);
    assertThat(all.status()).as(all.err()).isZero();
    assertThat(all.out().strip().split("\n"))
        .hasSize(150)
        .allMatch(line -> line.startsWith("{\"id\":\""));

    Cli.Run retired = Cli.run("model", "retire", "--bootstrap-server", bootstrap, "iris");
    assertThat(retired.status()).as(retired.err()).isZero();
    Cli.Run after = Cli.run("model", "list", "--bootstrap-server", bootstrap);
    assertThat(after.out()).doesNotContainPattern("iris +active ");
    Cli.Run again = Cli.run("model", "retire", "--bootstrap-server", bootstrap, "iris");
    assertThat(again.status()).isEqualTo(1);
    assertThat(again.err()).contains("no active model 'iris'");
  }

  @Test
  void labelAndProduceLabels_joinTheLoggedPredictions_aBadFileSendsNothing() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Path spec = dir.resolve("flowers.json");
    Files.writeString(
        spec,
        "{\"inputs\": 4, \"classes\": 3, \"class_names\": [\"setosa\", \"versicolor\","
            + " \"virginica\"], \"hidden\": [4]}");
    Cli.Run created =
        Cli.run(
            "model",
            "create",
            "--bootstrap-server",
            bootstrap,
            "--model",
            "flowers",
            "--spec",
            spec.toString());
    assertThat(created.status()).as(created.err()).isZero();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap, "acks", "all"),
            new StringSerializer(),
            new StringSerializer())) {
      for (String id : List.of("f-1", "f-2", "f-3", "f-bad")) {
        producer
            .send(
                new ProducerRecord<>(
                    "predictions",
                    id,
                    "{\"id\": \""
                        + id
                        + "\", \"model\": \"flowers\", \"version\": 1, \"time\": "
                        + System.currentTimeMillis()
                        + ", \"features\": [5.1, 3.5, 1.4, 0.2], \"prediction\": {\"class\":"
                        + " \"setosa\", \"probabilities\": [0.8, 0.1, 0.1]}}"))
            .get();
      }
    }

    // A bad line stops the command before anything is sent: f-bad is never labeled.
    Path bad = dir.resolve("bad-labels.jsonl");
    Files.writeString(
        bad,
        "{\"id\": \"f-bad\", \"label\": 0, \"model\": \"flowers\"}\n"
            + "{\"id\": \"f-2\", \"label\": \"tulip\", \"model\": \"flowers\"}\n");
    Cli.Run refused =
        Cli.run("produce", "--bootstrap-server", bootstrap, "--labels", bad.toString());
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).contains(bad + ":2: ").contains("\"tulip\" is not a class");

    Cli.Run one =
        Cli.run(
            "label",
            "--bootstrap-server",
            bootstrap,
            "--model",
            "flowers",
            "--id",
            "f-1",
            "--label",
            "virginica",
            "--weight",
            "2");
    assertThat(one.status()).as(one.err()).isZero();
    assertThat(one.out())
        .contains(
            "labeled id 'f-1' of model 'flowers' on 'labels': {\"label\": \"virginica\","
                + " \"model\": \"flowers\", \"weight\": 2}");
    Path labels = dir.resolve("labels.jsonl");
    Files.writeString(
        labels, "{\"id\": \"f-2\", \"label\": 1}\n{\"id\": \"f-3\", \"label\": \"setosa\"}\n");
    Cli.Run file =
        Cli.run(
            "produce",
            "--bootstrap-server",
            bootstrap,
            "--labels",
            labels.toString(),
            "--model",
            "flowers");
    assertThat(file.status()).as(file.err()).isZero();
    assertThat(file.out()).contains("produced 2 labels to 'labels'");

    awaitTrue("three labels of flowers joined", () -> joined("flowers") >= 3);
    assertThat(joined("flowers")).isEqualTo(3);
  }

  @Test
  void label_unknownModel_refusedBeforeSending() {
    Cli.Run run =
        Cli.run(
            "label",
            "--bootstrap-server",
            kafka.bootstrapServers(),
            "--model",
            "nope",
            "--id",
            "x",
            "--label",
            "1");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("no model 'nope'");
  }

  @Test
  void produce_unknownModel_refusedBeforeSending() throws Exception {
    Path data = Path.of(BrokerCommandsIT.class.getResource("/data/iris.csv").toURI());
    Cli.Run run =
        Cli.run(
            "produce",
            "--bootstrap-server",
            kafka.bootstrapServers(),
            "--file",
            data.toString(),
            "--model",
            "nope");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("no model 'nope'").contains("streamprop model create");
  }

  @Test
  void modelCommands_onTopicsNotSetUp_sayTheyDoNotExist_andCreateNone() throws Exception {
    Path spec = dir.resolve("ok.json");
    Files.writeString(spec, "{\"inputs\": 4, \"classes\": 3}");
    String bootstrap = kafka.bootstrapServers();
    Cli.Run list =
        Cli.run("model", "list", "--bootstrap-server", bootstrap, "--topic-prefix", "x.");
    Cli.Run create =
        Cli.run(
            "model",
            "create",
            "--bootstrap-server",
            bootstrap,
            "--topic-prefix",
            "y.",
            "--model",
            "m",
            "--spec",
            spec.toString());

    assertThat(list.status()).isEqualTo(1);
    assertThat(list.err()).contains("topic 'x.model-specs' does not exist");
    assertThat(create.status()).isEqualTo(1);
    assertThat(create.err()).contains("topic 'y.model-specs' does not exist");
    // The test broker creates topics on demand (Kafka's default): nothing asked it to.
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      assertThat(admin.listTopics().names().get())
          .noneMatch(name -> name.startsWith("x.") || name.startsWith("y."));
    }
  }

  @Test
  void modelCreate_invalidSpec_refusedWithReason() throws Exception {
    Path spec = dir.resolve("bad.json");
    Files.writeString(spec, "{\"inputs\": 4, \"classes\": 1}");
    Cli.Run run =
        Cli.run(
            "model",
            "create",
            "--bootstrap-server",
            kafka.bootstrapServers(),
            "--model",
            "bad",
            "--spec",
            spec.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("classes");
  }

  @Test
  void predict_noScorer_saysSo() {
    Cli.Run run =
        Cli.run(
            "predict", "--model", "iris", "--features", "1,2,3,4", "--url", "http://127.0.0.1:1");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("no scorer answers at http://127.0.0.1:1");
  }

  private static double joined(String model) {
    Counter counter = registry.find("streamprop.labels.joined").tag("model", model).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double trained(String model) {
    Counter counter = registry.find("streamprop.examples.trained").tag("model", model).counter();
    return counter == null ? 0 : counter.count();
  }

  private static void awaitTrue(String what, BooleanSupplier condition) {
    await(what)
        .pollInSameThread()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(100))
        .until(condition::getAsBoolean);
  }
}
