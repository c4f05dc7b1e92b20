/**
 * The trainer's metrics: per-model Micrometer meters (examples, prequential loss and accuracy,
 * per-layer gradient norms, snapshots) and the Prometheus scrape endpoint that serves them with the
 * Kafka Streams and JVM metrics.
 */
package io.streamprop.trainer.metrics;
