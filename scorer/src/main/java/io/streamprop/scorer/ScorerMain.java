package io.streamprop.scorer;

import io.streamprop.nn.kernel.Kernels;
import io.streamprop.scorer.config.ConfigException;
import io.streamprop.scorer.config.ScorerConfig;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamprop scorer --bootstrap-server HOST:PORT [--config FILE] [--port N]}: loads the
 * configuration, starts the scorer, and stops it cleanly on SIGTERM or Ctrl-C.
 */
public final class ScorerMain {
  private static final Logger log = LoggerFactory.getLogger(ScorerMain.class);

  private ScorerMain() {}

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(ScorerConfig.usage());
      return;
    }
    ScorerConfig config;
    try {
      config = ScorerConfig.load(args, System.getenv());
    } catch (ConfigException e) {
      System.err.println("streamprop scorer: " + e.getMessage());
      System.exit(2);
      return;
    }
    log.info("starting with {}; engine kernels: {}", config, Kernels.description());
    Scorer scorer = new Scorer(config);
    try {
      scorer.start();
    } catch (Exception e) {
      // Most often the port is taken; say so plainly instead of a bare stack trace.
      log.error(
          "cannot start the scorer on {}:{}: {}", config.httpHost(), config.port(), e.toString());
      scorer.close();
      System.exit(1);
      return;
    }
    log.info(
        "listening on port {}; reading snapshots from '{}'",
        scorer.port(),
        config.snapshotsTopic());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping");
                  try {
                    scorer.close();
                  } catch (Exception e) {
                    log.warn("error while stopping", e);
                  }
                  stopped.countDown();
                },
                "scorer-shutdown"));
    stopped.await();
  }
}
