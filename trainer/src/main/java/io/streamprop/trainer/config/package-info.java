/**
 * The trainer's configuration: command-line arguments, the properties file, environment variables
 * and the Kafka properties passed through to the clients and to Kafka Streams.
 */
package io.streamprop.trainer.config;
