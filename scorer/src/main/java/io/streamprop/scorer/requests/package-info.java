/**
 * Kafka-native scoring: the scorer consumes predict bodies from the {@code prediction-requests}
 * topic and answers each instance on the {@code predictions} topic, exactly once, with the bits the
 * HTTP route would answer ({@code docs/api.md}, "Prediction requests over Kafka").
 */
package io.streamprop.scorer.requests;
