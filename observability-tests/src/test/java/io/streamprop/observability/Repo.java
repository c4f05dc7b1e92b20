package io.streamprop.observability;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the checkout that the tests read (set by the build as {@code streamprop.repo.root}). */
final class Repo {
  private Repo() {}

  static Path root() {
    String root = System.getProperty("streamprop.repo.root");
    Path path = root != null ? Path.of(root) : Path.of("..");
    Path normalized = path.toAbsolutePath().normalize();
    if (!Files.isRegularFile(normalized.resolve("docker-compose.yml"))) {
      throw new IllegalStateException(
          "not the streamprop checkout (no docker-compose.yml): "
              + normalized
              + "; run the tests through Maven, which sets streamprop.repo.root");
    }
    return normalized;
  }

  static Path dashboards() {
    return root().resolve("grafana/dashboards");
  }

  static Path provisioning() {
    return root().resolve("grafana/provisioning");
  }

  static Path prometheusConfig() {
    return root().resolve("prometheus/prometheus.yml");
  }

  static Path composeFile() {
    return root().resolve("docker-compose.yml");
  }
}
