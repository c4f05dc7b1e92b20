/**
 * Test helpers: datasets with their offline reference, a raw Kafka client, and bit-exact model
 * comparison. Published as the trainer's test-jar, which {@code fault-tests} uses too.
 */
package io.streamprop.trainer.testing;
