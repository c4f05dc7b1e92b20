package io.streamprop.trainer;

import io.streamprop.config.ConfigException;
import io.streamprop.config.EnvironmentVariables;
import io.streamprop.config.ServiceOptions;
import io.streamprop.trainer.config.TrainerConfig;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code streamprop trainer}: the trainer's options, the same for {@link TrainerMain} and for the
 * {@code streamprop} command line. A usage or configuration error exits with 2 and the usage;
 * otherwise {@link TrainerMain#serve} runs the trainer until it stops.
 *
 * <p>No logger here: the command line builds this command before it knows which one runs, and the
 * demo must choose the logging configuration before the first logger exists.
 */
@Command(
    name = "trainer",
    description = {
      "Runs the trainer (Kafka Streams, exactly-once).",
      "It trains every model declared on the model-specs topic from the examples topic and"
          + " publishes its snapshots."
    },
    footer = {EnvironmentVariables.HELP, "Every key, and the exit status: docs/trainer.md."})
public final class TrainerCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandSpec command;

  @Mixin private ServiceOptions options;

  /** The configuration that these options and {@code environment} name. */
  public TrainerConfig config(Map<String, String> environment) {
    return TrainerConfig.load(options.sources(environment, Map.of()));
  }

  @Override
  public Integer call() {
    TrainerConfig config;
    try {
      config = config(System.getenv());
    } catch (ConfigException e) {
      throw new ParameterException(command.commandLine(), e.getMessage(), e);
    }
    return TrainerMain.serve(config);
  }
}
