package io.streamprop.trainer.bench;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.trainer.state.BlobFilesRocksDb;
import io.streamprop.trainer.state.LiveModel;
import io.streamprop.trainer.state.ModelCacheBudget;
import io.streamprop.trainer.state.ModelStore;
import io.streamprop.trainer.state.TrainedModel;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The model cache on one thread (not a test; {@code java -Xmx512m -cp ... ModelCacheThroughput
 * [models] [visits] [cacheMiB] [rounds]}): a {@link ModelStore} over a RocksDB store (changelogging
 * off), N models of the many-models benchmark's small spec (8 → [16] → 2, Adam, mini-batch 4) each
 * given one example per visit, in turn (model j mod N: the order that defeats a least-recently-used
 * cache), a flush every 1,000 examples as at a commit. Alternately with TinyLFU admission (the
 * trainer's cache) and without it (plain least-recently-used), on fresh stores; the first two
 * visits (creating the models, filling the cache) are not measured. Prints per example: the
 * thread's CPU, the JVM's collector time, and the models loaded from RocksDB.
 */
public final class ModelCacheThroughput {
  private ModelCacheThroughput() {}

  public static void main(String[] args) throws Exception {
    int models = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int visits = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    long cacheBytes = (args.length > 2 ? Long.parseLong(args[2]) : 128) << 20;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    ModelSpec spec =
        SpecJson.parse(
            "{\"inputs\": 8, \"classes\": 2, \"hidden\": [16], \"batch_size\": 4,"
                + " \"optimizer\": {\"name\": \"adam\"}}");
    for (int r = 0; r < rounds; r++) {
      for (boolean admission : new boolean[] {false, true}) {
        run(spec, models, visits, cacheBytes, admission);
      }
    }
  }

  private static void run(
      ModelSpec spec, int models, int visits, long cacheBytes, boolean admission) throws Exception {
    Path dir = BenchDirs.temporary("cache-bench");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "cache-bench");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    // The trainer's RocksDB settings, unless -Dbench.rocksdb=streams asks for Streams' own.
    if (!"streams".equals(System.getProperty("bench.rocksdb"))) {
      props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BlobFilesRocksDb.class.getName());
    }
    MockProcessorContext<String, byte[]> context =
        new MockProcessorContext<>(props, new TaskId(0, 0), dir.toFile());
    KeyValueStore<String, byte[]> inner =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore("model-state"), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    ModelStore store = new ModelStore(inner, new ModelCacheBudget(cacheBytes), 1000, admission);
    store.init(context.getStateStoreContext(), store);
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    float[] x = new float[8];
    float[] y = new float[1];
    long examples = 0;
    long cpuStart = 0;
    long processStart = 0;
    long gcStart = 0;
    long loadsStart = 0;
    for (int visit = 0; visit < visits; visit++) {
      if (visit == 2) {
        cpuStart = cpu.getCurrentThreadCpuTime();
        processStart = processCpuNanos();
        gcStart = gcMillis();
        loadsStart = store.loads();
        examples = 0;
      }
      for (int m = 0; m < models; m++) {
        String id = "m" + m;
        LiveModel model = store.get(id);
        if (model == null) {
          model = new LiveModel(TrainedModel.create(spec), 0, 0, 0);
          store.put(id, model);
        }
        x[m & 7] = visit;
        y[0] = m & 1;
        model.trained().learn(x, y, 1f);
        model.markDirty();
        if (++examples % 1000 == 0) {
          store.flushCache();
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%,d models, cache %d MiB, %s: %.1f µs of the thread's CPU, %.1f µs of the process's"
            + " (RocksDB's compactions, the collector and the compilers included) and %.1f µs of"
            + " collector pauses per example, %.2f loads per example (%,d live)%n",
        models,
        cacheBytes >> 20,
        admission ? "TinyLFU admission" : "least-recently-used",
        (cpu.getCurrentThreadCpuTime() - cpuStart) / 1e3 / examples,
        (processCpuNanos() - processStart) / 1e3 / examples,
        (gcMillis() - gcStart) * 1e3 / examples,
        (double) (store.loads() - loadsStart) / examples,
        store.liveModels());
    store.close();
  }

  private static long processCpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
  }

  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }
}
