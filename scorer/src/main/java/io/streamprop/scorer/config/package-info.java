/**
 * The scorer's configuration: defaults, a properties file, environment variables and arguments, in
 * that order of precedence; keys outside the {@code streamprop.} namespace go to the Kafka clients.
 */
package io.streamprop.scorer.config;
