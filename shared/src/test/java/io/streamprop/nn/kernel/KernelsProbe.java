package io.streamprop.nn.kernel;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

/**
 * Run by {@link KernelsTest} in a fresh JVM: prints whether the vector kernels are in use at the
 * first call, then (unless told "once") waits for the warm-up to switch them on and prints again.
 */
public final class KernelsProbe {
  private KernelsProbe() {}

  public static void main(String[] args) {
    System.out.println("vector? " + Kernels.vector() + ": " + Kernels.description());
    if (args.length > 0 && args[0].equals("once")) {
      return;
    }
    await().atMost(Duration.ofSeconds(100)).until(Kernels::vector);
    System.out.println("vector? " + Kernels.vector() + ": " + Kernels.description());
  }
}
