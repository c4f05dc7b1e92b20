package io.streamprop.trainer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.trainer.metrics.TrainerMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SpecLoaderTest {
  private static final byte[] SPEC =
      "{\"inputs\": 2, \"classes\": 2, \"hidden\": [4]}".getBytes(StandardCharsets.UTF_8);

  private final Logger logger = (Logger) LoggerFactory.getLogger(SpecLoader.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Level levelBefore;

  @BeforeEach
  void capture() {
    levelBefore = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
    logger.setLevel(levelBefore);
  }

  private List<String> lines(Level level) {
    return appender.list.stream()
        .filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void manySpecs_areDebugLines_andAnInfoSummaryAtTheFirst_afterEachInterval_andOnClose() {
    AtomicLong clock = new AtomicLong();
    MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
    KeyValueStore<String, byte[]> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(TrainerTopology.SPECS_STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    SpecLoader loader = new SpecLoader(new TrainerMetrics(new SimpleMeterRegistry()), clock::get);
    loader.init(context);

    loader.process(new Record<>("m0", SPEC, 0));
    clock.set(TimeUnit.SECONDS.toNanos(1));
    for (int i = 1; i < 1000; i++) {
      loader.process(new Record<>("m" + i, SPEC, 0));
    }
    assertThat(lines(Level.INFO)).hasSize(1);
    clock.set(SpecLoader.SUMMARY_INTERVAL_NANOS);
    loader.process(new Record<>("m1000", SPEC, 0));
    loader.process(new Record<>("m3", null, 0));
    loader.process(new Record<>("bad", "{".getBytes(StandardCharsets.UTF_8), 0));
    loader.close();

    assertThat(lines(Level.DEBUG))
        .hasSize(1002)
        .contains("model 'm999': spec accepted", "model 'm3': spec deleted; the model retires");
    assertThat(lines(Level.ERROR))
        .hasSize(1)
        .allMatch(l -> l.startsWith("model 'bad': spec rejected"));
    assertThat(lines(Level.INFO))
        .containsExactly(
            "model specs: 1 accepted, 0 rejected, 0 deleted since the last summary (latest: model"
                + " 'm0'); 1 specs in the store",
            "model specs: 1000 accepted, 0 rejected, 0 deleted since the last summary (latest:"
                + " model 'm1000'); 1001 specs in the store",
            "model specs: 0 accepted, 1 rejected, 1 deleted since the last summary (latest: model"
                + " 'bad'); 1001 specs in the store");
  }
}
