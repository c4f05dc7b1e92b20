/**
 * Configuration of every streamprop program, read one way: built-in defaults, then a Java
 * properties file, then environment variables, then command-line flags, each layer overriding the
 * one before ({@link io.streamprop.config.ConfigLoader}). Every key is named once here: the topic
 * names and their prefix ({@link io.streamprop.config.Topics}), the trainer's keys ({@link
 * io.streamprop.config.TrainerKeys}) and the scorer's ({@link io.streamprop.config.ScorerKeys});
 * keys outside {@code streamprop.} belong to Kafka and pass through. Pure Java, plus the picocli
 * options the services share ({@link io.streamprop.config.ServiceOptions}).
 */
package io.streamprop.config;
