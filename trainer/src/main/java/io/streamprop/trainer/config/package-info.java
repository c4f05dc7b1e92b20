/**
 * The trainer's configuration as typed values, over the one loader of {@code io.streamprop.config},
 * and the Kafka properties it derives for Kafka Streams, the admin client and the producer.
 */
package io.streamprop.trainer.config;
