package io.streamprop.trainer.state;

import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds a {@link ModelStore} around a persistent, changelogged, uncached key-value store of the
 * same name (model id → {@link StoredModel} bytes). The store's own in-memory learners replace
 * Streams' record cache, so caching is always off.
 */
public final class ModelStoreBuilder implements StoreBuilder<ModelStore> {
  private final StoreBuilder<KeyValueStore<String, byte[]>> inner;
  private final ModelCacheBudget budget;
  private final int snapshotsPerCommit;

  /**
   * @param name the store name; the changelog topic is {@code <application.id>-<name>-changelog}
   * @param changelogConfig topic settings of the changelog (e.g. {@code max.message.bytes})
   * @param budget bound of the live models of every store built here, in estimated heap bytes
   * @param snapshotsPerCommit most snapshots a task publishes between two commits
   */
  public ModelStoreBuilder(
      String name,
      Map<String, String> changelogConfig,
      ModelCacheBudget budget,
      int snapshotsPerCommit) {
    this.budget = budget;
    this.snapshotsPerCommit = snapshotsPerCommit;
    this.inner =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
            .withCachingDisabled()
            .withLoggingEnabled(changelogConfig);
  }

  @Override
  public StoreBuilder<ModelStore> withCachingEnabled() {
    throw new UnsupportedOperationException("the model store keeps its own live models");
  }

  @Override
  public StoreBuilder<ModelStore> withCachingDisabled() {
    return this;
  }

  @Override
  public StoreBuilder<ModelStore> withLoggingEnabled(Map<String, String> config) {
    inner.withLoggingEnabled(config);
    return this;
  }

  @Override
  public StoreBuilder<ModelStore> withLoggingDisabled() {
    throw new UnsupportedOperationException(
        "the model store must be changelogged: it is what makes training exactly once");
  }

  @Override
  public ModelStore build() {
    return new ModelStore(inner.build(), budget, snapshotsPerCommit);
  }

  @Override
  public Map<String, String> logConfig() {
    return inner.logConfig();
  }

  @Override
  public boolean loggingEnabled() {
    return inner.loggingEnabled();
  }

  @Override
  public String name() {
    return inner.name();
  }
}
