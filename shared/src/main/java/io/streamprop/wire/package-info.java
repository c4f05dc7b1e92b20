/**
 * Wire formats: the JSON of labeled examples ({@link io.streamprop.wire.ExampleParser}, {@link
 * io.streamprop.wire.ExampleJson}) and the binary, checksummed, versioned model snapshot ({@link
 * io.streamprop.wire.SnapshotCodec}). Bad input becomes an exception with a reason a person (or a
 * dead-letter header) can act on; nothing here knows Kafka.
 */
package io.streamprop.wire;
