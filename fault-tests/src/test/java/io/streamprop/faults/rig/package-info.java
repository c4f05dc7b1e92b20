/**
 * What the fault scenarios share: child processes that are always killed, a raw Kafka client, a
 * synthetic example stream with its offline reference, bit-exact model comparison, an HTTP client
 * for the scorer, and the report file.
 */
package io.streamprop.faults.rig;
