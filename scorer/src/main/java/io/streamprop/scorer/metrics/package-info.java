/**
 * The scorer's Prometheus metrics: predictions by outcome, prediction latency, served versions,
 * snapshot age, load time and rejections, serving loss against a baseline, JVM and Kafka client
 * meters. Names and tags are listed in {@code docs/metrics.md}.
 */
package io.streamprop.scorer.metrics;
