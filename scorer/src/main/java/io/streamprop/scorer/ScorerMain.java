package io.streamprop.scorer;

import io.streamprop.nn.kernel.Kernels;
import io.streamprop.scorer.config.ScorerConfig;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The scorer's main class: {@code streamprop scorer --bootstrap-server HOST:PORT [--config FILE]
 * [--port N]} (options in {@link ScorerCommand}). Loads the configuration, starts the scorer, and
 * stops it cleanly on SIGTERM or Ctrl-C. Exits 2 on a usage or configuration error, 1 when the
 * scorer cannot start.
 */
public final class ScorerMain {
  private static final Logger log = LoggerFactory.getLogger(ScorerMain.class);

  private ScorerMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs {@code streamprop scorer} with {@code args}; returns the exit status. */
  static int run(String[] args) {
    return new CommandLine(new ScorerCommand()).setCommandName("streamprop scorer").execute(args);
  }

  /** Runs the scorer until SIGTERM or Ctrl-C; returns the exit status. */
  static int serve(ScorerConfig config) throws InterruptedException {
    log.info("starting with {}; engine kernels: {}", config, Kernels.description());
    Scorer scorer;
    try {
      scorer = new Scorer(config);
    } catch (ExecutionException | RuntimeException e) {
      log.error(
          "cannot open the prediction log on topic '{}' (streamprop.prediction.log.mode={}): {}",
          config.predictionsTopic(),
          config.predictionLogMode().configValue(),
          e.toString());
      return 1;
    }
    try {
      scorer.start();
    } catch (Exception e) {
      // Most often the port is taken; say so plainly instead of a bare stack trace.
      log.error(
          "cannot start the scorer on {}:{}: {}", config.httpHost(), config.port(), e.toString());
      try {
        scorer.close();
      } catch (Exception closing) {
        log.warn("error while stopping", closing);
      }
      return 1;
    }
    log.info(
        "listening on port {}; reading snapshots from '{}'",
        scorer.port(),
        config.topics().snapshots());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop(scorer);
                  stopped.countDown();
                },
                "scorer-shutdown"));
    stopped.await();
    return 0;
  }

  /** Closes {@code scorer} and logs {@code stopping} before and {@code scorer stopped} after. */
  static void stop(AutoCloseable scorer) {
    log.info("stopping");
    try {
      scorer.close();
    } catch (Exception e) {
      log.warn("error while stopping", e);
    }
    log.info("scorer stopped");
  }
}
