/**
 * The scorer's configuration as typed values, over the one loader of {@code io.streamprop.config}:
 * HTTP, serving loss, security and the Kafka properties passed through to its consumers.
 */
package io.streamprop.scorer.config;
