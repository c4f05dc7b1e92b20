/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) that tests and the
 * local demo start from Kafka's own Maven artifacts, without Docker. {@link
 * io.streamprop.local.LocalKafka} runs it inside the calling JVM or as a child JVM that can be
 * killed and restarted on the same log directory and port.
 */
package io.streamprop.local;
