package io.streamprop.scorer;

import io.streamprop.config.ConfigException;
import io.streamprop.config.EnvironmentVariables;
import io.streamprop.config.ScorerKeys;
import io.streamprop.config.ServiceOptions;
import io.streamprop.scorer.config.ScorerConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code streamprop scorer}: the scorer's options, the same for {@link ScorerMain} and for the
 * {@code streamprop} command line. A usage or configuration error exits with 2 and the usage;
 * otherwise {@link ScorerMain#serve} runs the scorer until it stops.
 *
 * <p>No logger here: the command line builds this command before it knows which one runs, and the
 * demo must choose the logging configuration before the first logger exists.
 */
@Command(
    name = "scorer",
    description = {
      "Runs the scorer (HTTP predictions with hot swap).",
      "It serves the newest snapshot of every model, swapped in as the trainer publishes" + " it."
    },
    footer = {EnvironmentVariables.HELP, "Every key: docs/scorer.md."})
public final class ScorerCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandSpec command;

  @Mixin private ServiceOptions options;

  // A string: the loader checks it as it checks streamprop.http.port from any other layer.
  @Option(
      names = "--port",
      paramLabel = "N",
      description = "HTTP port (" + ScorerKeys.HTTP_PORT + "; default 8080, 0 = any free port).")
  private String port;

  /** The configuration that these options and {@code environment} name. */
  public ScorerConfig config(Map<String, String> environment) {
    Map<String, String> flags = new HashMap<>();
    if (port != null) {
      flags.put(ScorerKeys.HTTP_PORT, port);
    }
    return ScorerConfig.load(options.sources(environment, flags));
  }

  @Override
  public Integer call() throws InterruptedException {
    ScorerConfig config;
    try {
      config = config(System.getenv());
    } catch (ConfigException e) {
      throw new ParameterException(command.commandLine(), e.getMessage(), e);
    }
    return ScorerMain.serve(config);
  }
}
