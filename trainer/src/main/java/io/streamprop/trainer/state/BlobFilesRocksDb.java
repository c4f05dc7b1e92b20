package io.streamprop.trainer.state;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * The trainer's RocksDB settings ({@code rocksdb.config.setter}, unless configured otherwise):
 * Kafka Streams' own, with values of 1 KiB and more kept in blob files (RocksDB's integrated
 * BlobDB, key-value separation as in WiscKey: Lu et al., FAST 2016). A model's stored state is
 * kilobytes (3.3 KB for a small learner) and is rewritten at every commit in which the model
 * learned, so a store of many models is mostly large values replaced again and again; in blob files
 * a compaction moves keys and references instead of rewriting every value each time, and blob
 * garbage collection reclaims the replaced ones. Smaller values (the label join's records) stay in
 * the tree as before.
 */
public final class BlobFilesRocksDb implements RocksDBConfigSetter {
  /** Values of at least this many bytes go to blob files. */
  static final long MIN_BLOB_BYTES = 1024;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    options.setEnableBlobFiles(true);
    options.setMinBlobSize(MIN_BLOB_BYTES);
    options.setEnableBlobGarbageCollection(true);
  }

  @Override
  public void close(String storeName, Options options) {
    // Nothing allocated here.
  }
}
