/**
 * What the fault scenarios share: child processes that are always killed (optionally inside a
 * network namespace that can be cut off), a synthetic example stream with its offline reference, an
 * HTTP client for the scorer, and the report file. The raw Kafka client and bit-exact model
 * comparison come from the trainer's test-jar ({@code io.streamprop.trainer.testing}).
 */
package io.streamprop.faults.rig;
