package io.streamprop.demo;

import io.streamprop.spec.ModelIds;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code streamprop demo}: the demo's options, the same for {@link DemoMain} and for the {@code
 * streamprop} command line. A usage error exits with 2 and the usage; otherwise {@link
 * DemoMain#run(DemoOptions, java.io.PrintWriter, java.io.PrintWriter)} runs the demo.
 *
 * <p>No logger here: the demo's logs go to a file, and that must be chosen before the first logger
 * exists.
 */
@Command(
    name = "demo",
    description = {
      "Runs the local demo: a broker, the trainer, the scorer and a producer.",
      "All in this process: the producer streams a data file as examples, and a status line"
          + " follows every second. With --label-delay, a simulated client asks for predictions"
          + " and sends each label later: the model learns from labels joined with its own"
          + " logged predictions."
    },
    footer = "Logs go to $TMPDIR/streamprop-demo.log. See docs/cli.md#demo.")
public final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandSpec command;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  private boolean help;

  @Option(
      names = "--data",
      paramLabel = "FILE",
      description =
          "CSV or JSON lines (.gz too) with a final label column; default: the bundled UCI Letter"
              + " Recognition data (20,000 rows, 26 classes, CC BY 4.0).")
  private Path data;

  @Option(
      names = "--spec",
      paramLabel = "FILE",
      description =
          "The model spec (JSON); default: the bundled one for the bundled data, else inferred"
              + " from the data file.")
  private Path spec;

  @Option(
      names = "--model",
      paramLabel = "ID",
      description =
          "The model id (default: letter for the bundled data, else the data file's name without"
              + " its extensions, e.g. titanic for titanic.csv.gz).")
  private String model;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "2000",
      description =
          "Examples per second to produce (default ${DEFAULT-VALUE}; with --label-delay, rows to"
              + " predict per second); the file is looped.")
  private double rate;

  @Option(
      names = "--duration",
      paramLabel = "D",
      converter = DurationConverter.class,
      description = "How long to run: 90s, 5m, 1h or PT1M (default: until Ctrl-C).")
  private Duration duration;

  @Option(
      names = "--label-delay",
      paramLabel = "D",
      converter = DurationConverter.class,
      description =
          "Run the whole loop instead: a simulated client asks the scorer for a prediction of"
              + " each row (--rate rows/s) and sends the row's true label to the labels topic D"
              + " later (each delay drawn between D/2 and 3D/2); the trainer joins labels with"
              + " the logged predictions and learns from them. E.g. 30s.")
  private Duration labelDelay;

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "8080",
      description = "The scorer's HTTP port (default ${DEFAULT-VALUE}; 0 = any free port).")
  private int port;

  @Option(
      names = "--metrics-port",
      paramLabel = "N",
      defaultValue = "8081",
      description = "The trainer's /metrics port (default ${DEFAULT-VALUE}; 0 = any free port).")
  private int metricsPort;

  /**
   * The model id when {@code --model} is not given: {@code letter} for the bundled data, else the
   * file's name up to its first dot, with every character a model id may not hold ({@link
   * ModelIds}) replaced by {@code _}.
   */
  static String defaultModelId(Path data) {
    if (data == null) {
      return "letter";
    }
    String name = data.getFileName().toString();
    int dot = name.indexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    StringBuilder id = new StringBuilder();
    for (char c : stem.toCharArray()) {
      id.append(ModelIds.isValid(String.valueOf(c)) ? c : '_');
    }
    String s =
        id.length() > ModelIds.MAX_LENGTH ? id.substring(0, ModelIds.MAX_LENGTH) : id.toString();
    return ModelIds.isValid(s) ? s : "model";
  }

  /** The options as parsed and checked. */
  DemoOptions options() {
    try {
      String id = model != null ? model : defaultModelId(data);
      return new DemoOptions(data, spec, id, rate, duration, port, metricsPort, labelDelay);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    DemoOptions options = options();
    DemoMain.logToFile();
    return DemoMain.run(options, command.commandLine().getOut(), command.commandLine().getErr());
  }

  /**
   * {@code 90s}, {@code 5m}, {@code 1h}, {@code 500ms}, a plain number of seconds, or ISO-8601
   * ({@code PT1M}).
   *
   * @throws IllegalArgumentException saying what it cannot read and how to write it (picocli puts
   *     the option's name before it)
   */
  static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("pt")) {
        return Duration.parse(text.trim());
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long unit =
          switch (t.charAt(t.length() - 1)) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            default -> 0;
          };
      String digits = unit == 0 ? t : t.substring(0, t.length() - 1);
      return Duration.ofSeconds(Long.parseLong(digits) * Math.max(unit, 1));
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException(
          "cannot read '" + text + "'; write e.g. 90s, 5m, 1h, 500ms or PT1M");
    }
  }

  /** Reads {@code --duration} and {@code --label-delay} with {@link #duration(String)}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      try {
        return duration(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
