package io.streamprop.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The scorer's shutdown path logs when it starts and when the scorer is closed. */
class ScorerMainTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(ScorerMain.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  private List<String> messages() {
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void stop_logsStopping_closesTheScorer_thenLogsScorerStopped() {
    List<String> seenByClose = new ArrayList<>();

    ScorerMain.stop(() -> seenByClose.addAll(messages()));

    assertThat(seenByClose).containsExactly("stopping");
    assertThat(messages()).containsExactly("stopping", "scorer stopped");
  }

  @Test
  void stop_closeFails_warnsAndStillLogsScorerStopped() {
    ScorerMain.stop(
        () -> {
          throw new IllegalStateException("consumer already closed");
        });

    assertThat(messages()).containsExactly("stopping", "error while stopping", "scorer stopped");
  }
}
