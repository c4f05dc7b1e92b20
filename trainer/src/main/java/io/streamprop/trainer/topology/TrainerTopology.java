package io.streamprop.trainer.topology;

import io.streamprop.spec.SpecLimits;
import io.streamprop.trainer.config.TrainerConfig;
import io.streamprop.trainer.join.JoinSettings;
import io.streamprop.trainer.join.LabelJoin;
import io.streamprop.trainer.metrics.TrainerMetrics;
import io.streamprop.trainer.state.ModelCacheBudget;
import io.streamprop.trainer.state.ModelStoreBuilder;
import io.streamprop.wire.SigningKey;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;
import org.apache.kafka.streams.state.Stores;

/**
 * The trainer's topology, built in one place and read top to bottom:
 *
 * <pre>
 *   model-specs ──► model-specs-source ──► model-specs-loader ──► [model-specs-store] (global)
 *
 *   examples ──► examples-source ──► parse-and-validate ──► train ──► snapshots-sink ──► model-snapshots
 *                                            │                │
 *                                            ▼           [model-state]
 *                                   dead-letters-sink ──► dead-letters
 *
 *   predictions ──► predictions-source ──┐                ┌──► join-examples-sink ──► examples
 *                                        ├──► label-join ─┤
 *   labels ──────► labels-source ────────┘       │        └──► join-dead-letters-sink ──► dead-letters
 *                          [label-join-predictions, label-join-labels, label-join-deadlines]
 * </pre>
 *
 * <p>Examples are keyed by model id, so every example of a model is in one partition, processed by
 * one task, in partition order; that task owns the model's state. Specs are a global store: every
 * task sees every spec, and a spec costs nothing until its model's first example. There are no
 * repartition topics.
 *
 * <p>The second sub-topology is the label join ({@link LabelJoin}): predictions and labels, keyed
 * by id and co-partitioned, meet in one task; a joined label is written to {@code examples} in the
 * same transaction, and reaches the first sub-topology like any example. The internal topics are
 * the changelogs of {@code model-state} and of the three join stores, named {@code
 * <application.id>-<store>-changelog}.
 */
public final class TrainerTopology {
  private TrainerTopology() {}

  public static final String SPECS_SOURCE = "model-specs-source";
  public static final String SPECS_LOADER = "model-specs-loader";
  public static final String SPECS_STORE = "model-specs-store";
  public static final String EXAMPLES_SOURCE = "examples-source";
  public static final String PARSE_AND_VALIDATE = "parse-and-validate";
  public static final String TRAIN = "train";
  public static final String MODEL_STATE_STORE = "model-state";
  public static final String SNAPSHOTS_SINK = "snapshots-sink";
  public static final String DEAD_LETTERS_SINK = "dead-letters-sink";
  public static final String PREDICTIONS_SOURCE = "predictions-source";
  public static final String LABELS_SOURCE = "labels-source";
  public static final String LABEL_JOIN = "label-join";
  public static final String JOIN_EXAMPLES_SINK = "join-examples-sink";
  public static final String JOIN_DEAD_LETTERS_SINK = "join-dead-letters-sink";

  /** {@link #build(TrainerConfig, TrainerMetrics, ShutdownSnapshots, int)} without the check. */
  public static Topology build(
      TrainerConfig config, TrainerMetrics metrics, ShutdownSnapshots shutdown) {
    return build(config, metrics, shutdown, 0);
  }

  /**
   * The topology, reporting to {@code metrics} and taking part in {@code shutdown}.
   *
   * @param examplesPartitions the examples topic's partition count, against which each example's
   *     partition is checked ({@link ParseAndValidate}); 0 for no check
   */
  public static Topology build(
      TrainerConfig config,
      TrainerMetrics metrics,
      ShutdownSnapshots shutdown,
      int examplesPartitions) {
    Topology topology = new Topology();
    SigningKey signingKey = config.signingKey();
    LearningLanes lanes = new LearningLanes(config.learningLaneMinWeights(), metrics.registry());

    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(SPECS_STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        SPECS_SOURCE,
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        config.topics().specs(),
        SPECS_LOADER,
        () -> new SpecLoader(metrics));

    topology.addSource(
        org.apache.kafka.streams.AutoOffsetReset.earliest(),
        EXAMPLES_SOURCE,
        new UsePartitionTimeOnInvalidTimestamp(),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        config.topics().examples());
    topology.addProcessor(
        PARSE_AND_VALIDATE,
        () ->
            new ParseAndValidate(
                config.exampleMaxBytes(), config.topics().specs(), examplesPartitions, metrics),
        EXAMPLES_SOURCE);
    topology.addProcessor(
        TRAIN,
        () ->
            new Train(
                config.housekeepingIntervalMs(),
                config.commitIntervalMs() / 2,
                metrics,
                shutdown,
                signingKey,
                lanes),
        PARSE_AND_VALIDATE);
    topology.addStateStore(
        new ModelStoreBuilder(
            MODEL_STATE_STORE,
            Map.of("max.message.bytes", Integer.toString(SpecLimits.MAX_SNAPSHOT_RECORD_BYTES)),
            new ModelCacheBudget(config.modelCacheMaxBytes()),
            config.snapshotsPerCommit()),
        TRAIN);
    topology.addSink(
        SNAPSHOTS_SINK,
        config.topics().snapshots(),
        new StringSerializer(),
        new ByteArraySerializer(),
        TRAIN);
    topology.addSink(
        DEAD_LETTERS_SINK,
        config.topics().deadLetters(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        PARSE_AND_VALIDATE);
    addLabelJoin(topology, config, metrics);
    return topology;
  }

  private static void addLabelJoin(
      Topology topology, TrainerConfig config, TrainerMetrics metrics) {
    for (String[] source :
        new String[][] {
          {PREDICTIONS_SOURCE, config.topics().predictions()},
          {LABELS_SOURCE, config.topics().labels()}
        }) {
      topology.addSource(
          org.apache.kafka.streams.AutoOffsetReset.earliest(),
          source[0],
          new UsePartitionTimeOnInvalidTimestamp(),
          new ByteArrayDeserializer(),
          new ByteArrayDeserializer(),
          source[1]);
    }
    JoinSettings settings = config.joinSettings();
    topology.addProcessor(
        LABEL_JOIN,
        () ->
            new LabelJoin(
                settings, SPECS_STORE, JOIN_EXAMPLES_SINK, JOIN_DEAD_LETTERS_SINK, metrics),
        PREDICTIONS_SOURCE,
        LABELS_SOURCE);
    for (String store :
        List.of(LabelJoin.PREDICTIONS_STORE, LabelJoin.LABELS_STORE, LabelJoin.DEADLINES_STORE)) {
      topology.addStateStore(
          Stores.keyValueStoreBuilder(
              Stores.persistentKeyValueStore(store), Serdes.Bytes(), Serdes.ByteArray()),
          LABEL_JOIN);
    }
    topology.addSink(
        JOIN_EXAMPLES_SINK,
        config.topics().examples(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        LABEL_JOIN);
    topology.addSink(
        JOIN_DEAD_LETTERS_SINK,
        config.topics().deadLetters(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        LABEL_JOIN);
  }
}
