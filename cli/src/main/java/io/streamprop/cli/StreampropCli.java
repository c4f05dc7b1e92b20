package io.streamprop.cli;

import io.streamprop.config.ConfigException;
import io.streamprop.demo.DemoCommand;
import io.streamprop.scorer.ScorerCommand;
import io.streamprop.spec.SpecException;
import io.streamprop.trainer.TrainerCommand;
import io.streamprop.wire.ExampleException;
import io.streamprop.wire.SnapshotException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The {@code streamprop} command: parses the arguments with picocli and runs one subcommand.
 *
 * <p>Exit status: 0 success; 2 a usage error (unknown option, missing argument: picocli prints the
 * usage); 1 a file, spec or data error, printed as one line that names the file (and the line of a
 * data file), without a stack trace. Anything else is a bug and is printed with its stack trace.
 */
@Command(
    name = "streamprop",
    mixinStandardHelpOptions = true,
    versionProvider = StreampropCli.Version.class,
    description = "Online learning of neural networks (MLPs) on Kafka; offline tools on files.",
    subcommands = {
      TrainCommand.class,
      EvaluateCommand.class,
      SpecCommand.class,
      SnapshotCommand.class,
      ProduceCommand.class,
      LabelCommand.class,
      ModelCommand.class,
      PredictCommand.class,
      TrainerCommand.class,
      ScorerCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class StreampropCli implements Runnable {

  @CommandLine.Spec private CommandSpec spec;

  /** The logging configuration of the command line's own commands (not the services'). */
  static final String LOGGING = "io/streamprop/cli/cli-logback.xml";

  /** Runs the command line and exits the JVM with its status. */
  public static void main(String[] args) {
    String logging = loggingConfiguration(args);
    if (logging != null && System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", logging);
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * The logback configuration for {@code args}, chosen before the first logger exists: {@link
   * #LOGGING} for the command line's own commands, null (their own configuration) for the services
   * and the demo. The top level takes no option but help and version, so the first argument names
   * the command.
   */
  static String loggingConfiguration(String[] args) {
    if (args.length > 0 && Set.of("trainer", "scorer", "demo").contains(args[0])) {
      return null;
    }
    return LOGGING;
  }

  /**
   * The configured command line; {@code execute(args)} returns the exit status. Tests call this
   * with their own output writers ({@code setOut}, {@code setErr}).
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new StreampropCli());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(new ErrorHandler());
    return cli;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a command; see the list below.");
  }

  /** Maps exceptions thrown by a command to an exit status and a message on stderr. */
  static final class ErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
      PrintWriter err = cmd.getErr();
      String name = cmd.getCommandSpec().qualifiedName();
      String message = userMessage(ex);
      if (message != null) {
        err.println(name + ": " + message);
      } else {
        err.println(name + ": internal error (a bug, please report it):");
        ex.printStackTrace(err);
      }
      err.flush();
      return 1;
    }

    /** The one-line message of an error the user can fix, or null for a bug. */
    static String userMessage(Throwable ex) {
      if (ex instanceof NoSuchFileException) {
        return "no such file: " + ex.getMessage();
      }
      if (ex instanceof UserException
          || ex instanceof ConfigException
          || ex instanceof SpecException
          || ex instanceof ExampleException
          || ex instanceof SnapshotException
          || ex instanceof IOException) {
        return ex.getMessage();
      }
      if (ex instanceof UncheckedIOException && ex.getCause() != null) {
        return userMessage(ex.getCause());
      }
      if (ex instanceof KafkaException) {
        // A client failure (a timeout, a refused security setting, a broker's error answer) is
        // the cluster's state or configuration, not a bug of the command.
        return "Kafka: " + ex.getMessage();
      }
      return null;
    }
  }

  /** The version from the jar's manifest (written by the build). */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = StreampropCli.class.getPackage().getImplementationVersion();
      return new String[] {"streamprop " + (version == null ? "(development build)" : version)};
    }
  }
}
