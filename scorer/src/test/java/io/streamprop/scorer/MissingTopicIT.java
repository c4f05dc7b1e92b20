package io.streamprop.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.streamprop.config.ConfigSources;
import io.streamprop.config.ScorerKeys;
import io.streamprop.config.Topics;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.local.LocalKafka;
import io.streamprop.scorer.config.ScorerConfig;
import io.streamprop.spec.SpecJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The scorer started before its topics exist (no trainer has run, or a name is mistyped): it stays
 * up and not ready, says so in one line per missing topic naming the key that names it, does not
 * fill the log with the Kafka client's warnings, and becomes ready by itself once the snapshot
 * topic is created.
 */
class MissingTopicIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** Long enough for a client retrying its metadata every second to warn several times. */
  private static final Duration WINDOW = Duration.ofSeconds(8);

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** The scorer's consumers, and every Kafka logger (the broker runs in this JVM too). */
  private final List<Logger> captured =
      List.of(
          (Logger) LoggerFactory.getLogger("io.streamprop.scorer.ingest"),
          (Logger) LoggerFactory.getLogger("org.apache.kafka"));

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private LocalKafka kafka;
  private Scorer scorer;

  @BeforeEach
  void start() {
    appender.start();
    captured.forEach(logger -> logger.addAppender(appender));
    kafka = LocalKafka.builder().start(); // auto.create.topics.enable keeps Kafka's default, true
  }

  @AfterEach
  void stop() throws Exception {
    if (scorer != null) {
      scorer.close();
    }
    kafka.close();
    captured.forEach(logger -> logger.detachAppender(appender));
  }

  /** What the appender holds so far (it appends under its own lock, from many threads). */
  private List<ILoggingEvent> events() {
    synchronized (appender) {
      return new ArrayList<>(appender.list);
    }
  }

  private List<String> messages() {
    return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private long lines(String message) {
    return messages().stream().filter(message::equals).count();
  }

  /** WARN lines of the Kafka clients (consumers, producers, admin), whatever they are about. */
  private List<String> clientWarnings() {
    return events().stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .filter(e -> e.getLoggerName().startsWith("org.apache.kafka.clients"))
        .map(e -> "[" + e.getThreadName() + "] " + e.getFormattedMessage())
        .toList();
  }

  private HttpResponse<String> getReady() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + scorer.port() + "/health/ready"))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void topicsMissing_notReady_oneLineEach_fewClientWarnings_thenReadyOnceCreated()
      throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String snapshots = "model-snapshots-" + suffix;
    String examples = "examples-" + suffix;
    String snapshotsMissing =
        "topic '"
            + snapshots
            + "' does not exist (streamprop.topic.snapshots); not ready until it does";
    String examplesMissing =
        "topic '"
            + examples
            + "' does not exist (streamprop.topic.examples); no serving loss until it does";
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put(ScorerKeys.HTTP_PORT, "0");
    props.put(ScorerKeys.HTTP_HOST, "127.0.0.1");
    props.put(Topics.SNAPSHOTS, snapshots);
    props.put(Topics.EXAMPLES, examples);
    props.put(Topics.PREDICTIONS, "predictions-" + suffix); // the log creates its own topic
    props.put(ScorerKeys.SERVING_LOSS_GROUP, "scorer-" + suffix);

    long started = System.nanoTime();
    scorer = new Scorer(ScorerConfig.load(ConfigSources.of(props))).start();

    await("the line for each missing topic")
        .atMost(DEADLINE)
        .untilAsserted(() -> assertThat(messages()).contains(snapshotsMissing, examplesMissing));
    assertThat(scorer.ready()).as("ready with its snapshot topic missing").isFalse();
    HttpResponse<String> notReady = getReady();
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).contains(snapshotsMissing);

    // Held over the whole window, not sampled once: a client that retries its metadata every
    // second warns about 8 times in it.
    await("few Kafka client warnings over " + WINDOW)
        .during(WINDOW)
        .atMost(WINDOW.plus(Duration.ofSeconds(10)))
        .untilAsserted(
            () ->
                assertThat(clientWarnings())
                    .as("Kafka client warnings")
                    .hasSizeLessThanOrEqualTo(2));
    long periods = 1 + Duration.ofNanos(System.nanoTime() - started).toSeconds() / 30;
    assertThat(lines(snapshotsMissing)).as("missing-topic lines").isBetween(1L, periods);
    assertThat(lines(examplesMissing)).as("missing-topic lines").isBetween(1L, periods);
    assertThat(scorer.ready()).isFalse();

    NewTopic topic = ItKafka.snapshotTopic(snapshots, 2);
    ItKafka.createTopics(kafka.bootstrapServers(), topic);
    ItKafka.publish(
        kafka.bootstrapServers(),
        snapshots,
        "m",
        OnlineLearner.create(SpecJson.parse("{\"inputs\": 4, \"classes\": 3}"))
            .state()
            .withVersion(1));

    await("ready, serving m, without a restart")
        .atMost(DEADLINE)
        .until(() -> getReady().statusCode() == 200 && scorer.registry().get("m") != null);
    assertThat(lines("topic '" + snapshots + "' now exists")).isEqualTo(1);

    ItKafka.createTopics(kafka.bootstrapServers(), new NewTopic(examples, 1, (short) 1));
    await("the serving-loss consumer sees its topic")
        .atMost(DEADLINE)
        .until(() -> lines("topic '" + examples + "' now exists") == 1);
  }
}
