package io.streamprop.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.streamprop.scorer.registry.ServedModel;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Assertions;

/**
 * Property-based fuzzing (jqwik) of the predict request body parser: arbitrary bytes and mutated
 * valid bodies give instances of the model's width with finite features, or an {@link HttpError}
 * with a 4xx status; never another exception, never a large allocation, and never slowly: the
 * parse's own CPU time is bounded by the body's size, which a loaded machine does not change, and a
 * hang guard far above any parse's wall-clock time catches a parse that never returns (the bounds
 * of {@code io.streamprop.testing.FuzzBounds} in the engine's tests).
 */
class InstancesFuzzTest {
  private static final ServedModel IRIS = TestModels.iris(7);
  private static final ServedModel HOUSE = TestModels.house(3);

  private static final String[] BODIES = {
    "{\"instances\": [[0.1, 0.7, 0.2, 9], [0.5, 0.25, 0.25, 0]]}",
    "{\"instances\": [{\"sepal_length\": 1, \"sepal_width\": 2, \"petal_length\": 3,"
        + " \"petal_width\": 4}]}",
    "{\"instances\": [[1, 2], [3e2, -4.5e-3]]}",
  };

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** CPU time any parse may take (class loading, interpretation before the JIT compiles). */
  private static final Duration CPU_BASE = Duration.ofSeconds(2);

  /** CPU time per body byte on top of {@link #CPU_BASE}. */
  private static final Duration CPU_PER_BYTE = Duration.ofNanos(2_000);

  /** Wall-clock time after which a parse is taken to hang: only a hang reaches it. */
  private static final Duration HANG_GUARD = Duration.ofMinutes(3);

  private static void parseBounded(byte[] body, ServedModel model) {
    Duration cpuBudget = CPU_BASE.plus(CPU_PER_BYTE.multipliedBy(body.length));
    Assertions.assertTimeoutPreemptively(
        HANG_GUARD,
        () -> {
          long before = THREADS.getCurrentThreadAllocatedBytes();
          long cpuBefore = THREADS.getCurrentThreadCpuTime();
          try {
            Instances instances = Instances.parse(body, model);
            int inputs = model.spec().inputs();
            assertThat(instances.features().length).isEqualTo(instances.rows() * inputs);
            for (float value : instances.features()) {
              assertThat(Float.isFinite(value)).as("feature %s", value).isTrue();
            }
          } catch (HttpError e) {
            assertThat(e.status()).isBetween(400, 499);
            assertThat(e.getMessage()).isNotBlank();
          } catch (RuntimeException e) {
            fail("undocumented " + e + " for body " + new String(body, StandardCharsets.UTF_8), e);
          }
          Duration cpu = Duration.ofNanos(THREADS.getCurrentThreadCpuTime() - cpuBefore);
          long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
          assertThat(allocated).isLessThan(64L * body.length + (16L << 20));
          assertThat(cpu)
              .as("CPU time for a body of %d bytes", body.length)
              .isLessThanOrEqualTo(cpuBudget);
        },
        () -> "no result after " + HANG_GUARD + " for a body of " + body.length + " bytes: a hang");
  }

  @Property(tries = 2000)
  void arbitraryBytes_parse_onlyHttpError4xx(@ForAll @Size(max = 300) byte[] body) {
    parseBounded(body, IRIS);
    parseBounded(body, HOUSE);
  }

  @Property(tries = 2000)
  void mutatedBodies_parse_instancesOrHttpError4xx(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] body = BODIES[random.nextInt(BODIES.length)].getBytes(StandardCharsets.UTF_8);
    byte[] tokens = "{}[]:,\"0123456789.eE+-ntrufalsNI\\ ".getBytes(StandardCharsets.US_ASCII);
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(body.length);
      body[at] =
          random.nextBoolean() ? tokens[random.nextInt(tokens.length)] : (byte) random.nextInt(256);
    }
    parseBounded(body, IRIS);
    parseBounded(body, HOUSE);
  }

  @Property(tries = 100)
  void deepNesting_parse_refusedNotStackOverflow(@ForAll("depths") int depth) {
    byte[] body =
        ("{\"instances\": " + "[".repeat(depth) + "]".repeat(depth) + "}")
            .getBytes(StandardCharsets.UTF_8);
    parseBounded(body, IRIS);
  }

  @Provide
  Arbitrary<Integer> depths() {
    return Arbitraries.integers().between(1, 100_000);
  }
}
