package io.streamprop.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of the commands that run the engine over a data file ({@code train}, {@code
 * evaluate}): the file, the optional spec, and the progress line.
 */
final class DataOptions {
  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE",
      description = "CSV (header row; label column `label`, else the last) or JSON lines; .gz ok.")
  Path data;

  @Option(
      names = "--spec",
      paramLabel = "SPEC.json",
      description = "The model spec; without it, a default model is inferred from the data.")
  Path spec;

  @Option(
      names = "--progress",
      paramLabel = "WHEN",
      defaultValue = "auto",
      description = "Progress line on stderr: auto (when stderr is a terminal), always or never.")
  Progress.Mode progressMode;
}
