/**
 * The Kafka Streams topology of the trainer: examples are parsed and validated against their
 * model's spec (or dead-lettered with a reason), learned by their model in the task that owns it,
 * and published as snapshots. {@link io.streamprop.trainer.topology.TrainerTopology} builds it.
 */
package io.streamprop.trainer.topology;
