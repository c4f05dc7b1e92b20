/**
 * What the scorer reads from Kafka: the snapshot topic, from its beginning, into the model
 * registry; and the labeled examples, which it scores with the served models to export the serving
 * loss and accuracy against a constant baseline.
 */
package io.streamprop.scorer.ingest;
