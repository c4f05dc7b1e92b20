package io.streamprop.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * Starts a service ({@code trainer}, {@code scorer}, {@code demo}) by calling its {@code public
 * static void main(String[])} with every argument after the command name, untouched: each service
 * parses its own options ({@code --bootstrap-server HOST:PORT [--config FILE]}) and prints its own
 * help.
 *
 * <p>The main class is looked up by name because the services are separate modules that the CLI
 * does not compile against (they are runtime dependencies of the shaded jar). A build without the
 * module says so and exits with status 1 instead of failing with a class-loading error.
 */
abstract class ServiceCommand implements Callable<Integer> {

  @Unmatched private List<String> args = new ArrayList<>();

  /** Fully qualified name of the service's main class. */
  abstract String mainClass();

  @Override
  public Integer call() throws Exception {
    Method main = findMain(mainClass());
    try {
      main.invoke(null, (Object) args.toArray(new String[0]));
    } catch (InvocationTargetException e) {
      // The service's own exception, not the reflective wrapper, is what the user must see.
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      throw (Error) cause;
    }
    return 0;
  }

  static Method findMain(String className) {
    Class<?> type;
    try {
      type = Class.forName(className);
    } catch (ClassNotFoundException e) {
      throw new UserException(
          "not available in this build: " + className + " is not on the class path");
    }
    try {
      Method main = type.getMethod("main", String[].class);
      if (!Modifier.isStatic(main.getModifiers())) {
        throw new UserException(className + ".main is not static");
      }
      return main;
    } catch (NoSuchMethodException e) {
      throw new UserException(className + " has no public static void main(String[])");
    }
  }

  @Command(
      name = "trainer",
      description = {
        "Runs the trainer (Kafka Streams, exactly-once).",
        "streamprop trainer --bootstrap-server HOST:PORT [--config FILE]: every argument goes",
        "to io.streamprop.trainer.TrainerMain, which prints its own help."
      })
  static final class Trainer extends ServiceCommand {
    @Override
    String mainClass() {
      return "io.streamprop.trainer.TrainerMain";
    }
  }

  @Command(
      name = "scorer",
      description = {
        "Runs the scorer (HTTP predictions with hot swap).",
        "streamprop scorer --bootstrap-server HOST:PORT [--config FILE]: every argument goes",
        "to io.streamprop.scorer.ScorerMain, which prints its own help."
      })
  static final class Scorer extends ServiceCommand {
    @Override
    String mainClass() {
      return "io.streamprop.scorer.ScorerMain";
    }
  }

  @Command(
      name = "demo",
      description = {
        "Runs the local demo: a broker, the trainer, the scorer and a producer.",
        "Every argument goes to io.streamprop.demo.DemoMain."
      })
  static final class Demo extends ServiceCommand {
    @Override
    String mainClass() {
      return "io.streamprop.demo.DemoMain";
    }
  }
}
