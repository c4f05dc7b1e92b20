package io.streamprop.scorer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The missing-topic line: once, again every 30 s while missing, and once when the topic appears.
 */
class TopicPresenceTest {
  private static final String MISSING =
      "topic 'model-snapshots' does not exist (streamprop.topic.snapshots); not ready until it does";

  private final Logger logger = (Logger) LoggerFactory.getLogger(TopicPresenceTest.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private long now = 1_000;
  private final TopicPresence presence =
      new TopicPresence(
          logger, "model-snapshots", "streamprop.topic.snapshots", "not ready", () -> now);

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  private List<String> lines() {
    return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  private void advanceSeconds(long seconds) {
    now += TimeUnit.SECONDS.toNanos(seconds);
  }

  @Test
  void missingEverySecond_forAMinute_saysSoOnceEvery30Seconds() {
    for (int second = 0; second < 60; second++) {
      presence.missing();
      advanceSeconds(1);
    }

    assertThat(lines()).containsExactly("WARN " + MISSING, "WARN " + MISSING);
  }

  @Test
  void missingThenFound_saysItNowExists_once() {
    presence.missing();
    advanceSeconds(1);
    presence.found();
    presence.found();

    assertThat(lines())
        .containsExactly("WARN " + MISSING, "INFO topic 'model-snapshots' now exists");
  }

  @Test
  void foundFromTheStart_saysNothing() {
    presence.found();

    assertThat(appender.list).isEmpty();
  }

  @Test
  void missingAgainAfterFound_saysSoAtOnce() {
    presence.missing();
    presence.found();
    advanceSeconds(1);
    presence.missing();

    assertThat(lines())
        .containsExactly(
            "WARN " + MISSING, "INFO topic 'model-snapshots' now exists", "WARN " + MISSING);
  }
}
