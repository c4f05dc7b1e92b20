package io.streamprop.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The checks of the options that {@link LocalKafka.Builder} and {@link LocalKafkaCluster.Builder}
 * share: each returns its value when it is valid and otherwise throws an {@link
 * IllegalArgumentException} that names the option and the value.
 */
final class NodeOptions {
  private NodeOptions() {}

  static Path logDir(Path logDir) {
    if (logDir == null) {
      throw new IllegalArgumentException("logDir must not be null");
    }
    return logDir;
  }

  static int maxMessageBytes(int maxMessageBytes) {
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException(
          "maxMessageBytes must be at least 1024, got " + maxMessageBytes);
    }
    return maxMessageBytes;
  }

  static Duration startupTimeout(Duration startupTimeout) {
    if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
      throw new IllegalArgumentException("startupTimeout must be positive, got " + startupTimeout);
    }
    return startupTimeout;
  }

  static int childHeapMegabytes(int childHeapMegabytes) {
    if (childHeapMegabytes < 128) {
      throw new IllegalArgumentException(
          "childHeapMegabytes must be at least 128, got " + childHeapMegabytes);
    }
    return childHeapMegabytes;
  }

  /** Puts a broker setting into {@code properties} unless it is blank, null or reserved. */
  static void brokerProperty(Map<String, String> properties, String key, String value) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("broker property key must not be blank");
    }
    if (value == null) {
      throw new IllegalArgumentException("broker property " + key + " has a null value");
    }
    BrokerConfig.requireNotReserved(key);
    properties.put(key, value);
  }
}
