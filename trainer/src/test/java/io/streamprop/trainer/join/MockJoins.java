package io.streamprop.trainer.join;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamprop.trainer.metrics.TrainerMetrics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A {@link LabelJoin} on a {@link MockProcessorContext}, its stores registered, for unit tests and
 * the join benchmark: the spec store "specs" holds model "iris" (4 inputs, 3 classes), its sinks
 * are "examples" and "dead", labels come from topic "labels"; the context's system time starts at
 * 0.
 */
public final class MockJoins {
  private MockJoins() {}

  /**
   * @param persistent RocksDB join stores (under the context's state dir) rather than in-memory
   * @param commitSpacingMs the join's {@link JoinSettings#commitSpacingMs}
   */
  public static LabelJoin start(
      MockProcessorContext<byte[], byte[]> context, boolean persistent, long commitSpacingMs) {
    KeyValueStore<String, byte[]> specs =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("specs"), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    specs.init(context.getStateStoreContext(), specs);
    context.addStateStore(specs);
    specs.put(
        "iris",
        "{\"inputs\": 4, \"classes\": 3, \"hidden\": [8]}".getBytes(StandardCharsets.UTF_8));
    for (String name :
        new String[] {
          LabelJoin.PREDICTIONS_STORE, LabelJoin.LABELS_STORE, LabelJoin.DEADLINES_STORE
        }) {
      KeyValueStore<Bytes, byte[]> store =
          Stores.keyValueStoreBuilder(
                  persistent
                      ? Stores.persistentKeyValueStore(name)
                      : Stores.inMemoryKeyValueStore(name),
                  Serdes.Bytes(),
                  Serdes.ByteArray())
              .withLoggingDisabled()
              .build();
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
    }
    LabelJoin join =
        new LabelJoin(
            new JoinSettings(
                "labels", 7L * 24 * 3600 * 1000, 600_000, 1000, 1 << 20, commitSpacingMs),
            "specs",
            "examples",
            "dead",
            new TrainerMetrics(new SimpleMeterRegistry()));
    join.init(context);
    context.setCurrentSystemTimeMs(0); // the join reads it when it asks for a commit
    return join;
  }
}
