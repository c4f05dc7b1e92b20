/**
 * The streamprop trainer: a Kafka Streams application that trains models online from the examples
 * topic, exactly once, and publishes their snapshots. {@link io.streamprop.trainer.TrainerMain} is
 * the entry point; {@link io.streamprop.trainer.TrainerApp} wires topics, topology, metrics and
 * shutdown.
 */
package io.streamprop.trainer;
