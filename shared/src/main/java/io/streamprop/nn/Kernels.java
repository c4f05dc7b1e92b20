package io.streamprop.nn;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Which kernels the dense layers run: {@link VectorKernels} when the JVM has the Vector API ({@code
 * --add-modules jdk.incubator.vector}; the {@code streamprop} launcher, the Docker images, the
 * benchmarks and the build pass it), else the scalar loops of {@link Dense} that HotSpot vectorizes
 * itself. Both give the same bits, so a model trained with one predicts and resumes identically
 * with the other, and a JVM may switch from one to the other between two calls.
 *
 * <p>It does, once: until the JIT compiler has compiled them, Vector API kernels run as interpreted
 * code that allocates an object per vector operation, tens of times slower than the scalar loops
 * (an iris-sized {@code streamprop evaluate} took 0.5 s instead of 0.02 s). So a daemon thread
 * first runs them on small private arrays, and the layers use the scalar loops until that warm-up
 * has finished: until the thread's own allocations show that the JIT compiler has compiled every
 * kernel (1.5–2 s, 1.5 s of CPU, on this project's 2-core machine; {@link #vector()}).
 *
 * <p>{@code -Dstreamprop.engine.kernels=scalar} forces the scalar loops; {@code =vector} uses the
 * vector kernels from the first call, without waiting for the warm-up (the build's tests use both,
 * so that each path is tested on its own).
 */
public final class Kernels {
  /** The module that holds the Vector API on Java 17 to 25 (an incubator module). */
  public static final String VECTOR_MODULE = "jdk.incubator.vector";

  private static final String PROPERTY = "streamprop.engine.kernels";

  /** True when this JVM can run {@link VectorKernels}; constant for the life of the JVM. */
  static final boolean VECTOR_AVAILABLE = detect();

  private static final String FMA_PROPERTY = "streamprop.engine.fma";

  /** Set once the vector kernels are compiled (or forced); never goes back to false. */
  private static volatile boolean vectorReady;

  static {
    if (VECTOR_AVAILABLE) {
      if ("vector".equals(System.getProperty(PROPERTY))) {
        vectorReady = true;
      } else {
        Thread warmUp =
            new Thread(
                () -> {
                  VectorKernels.warmUp(allocationCounter());
                  vectorReady = true;
                },
                "streamprop-kernel-warm-up");
        warmUp.setDaemon(true);
        warmUp.setPriority(Thread.MIN_PRIORITY);
        warmUp.start();
      }
    }
  }

  private Kernels() {}

  /** This thread's allocated bytes, where HotSpot's management extension can count them. */
  private static LongSupplier allocationCounter() {
    try {
      if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
          && mx.isThreadAllocatedMemorySupported()) {
        mx.setThreadAllocatedMemoryEnabled(true);
        return mx::getCurrentThreadAllocatedBytes;
      }
    } catch (RuntimeException | LinkageError e) {
      // no management extension (a trimmed runtime): warm up for a fixed number of rounds
    }
    return null;
  }

  private static boolean detect() {
    if ("scalar".equals(System.getProperty(PROPERTY))) {
      return false;
    }
    return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
  }

  /**
   * Whether inference on weight panels fuses: the vector kernels are there and the processor has
   * FMA (HotSpot's {@code UseFMA}); {@code -Dstreamprop.engine.fma=false} turns it off. Asked on
   * first use, usually by the warm-up thread: HotSpot's management bean takes 20–30 ms to load,
   * which a command that only trains need not wait for.
   */
  private static final class Fused {
    static final boolean INFERENCE = VECTOR_AVAILABLE && detectFma();
  }

  private static boolean detectFma() {
    if ("false".equals(System.getProperty(FMA_PROPERTY))) {
      return false;
    }
    try {
      com.sun.management.HotSpotDiagnosticMXBean hotspot =
          ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      return hotspot != null && "true".equals(hotspot.getVMOption("UseFMA").getValue());
    } catch (RuntimeException | LinkageError e) {
      return false; // no management extension, or no such flag: separate multiply and add
    }
  }

  /**
   * True when {@link io.streamprop.learn.Predictor}'s layers of at least one strip of outputs (16
   * on AVX2) compute each output as a chain of fused multiply-adds, {@code fma(x[i], w[i, o], sum)}
   * for i = 0, 1, ... from the bias, rounding once per term instead of twice: the kernel's loop
   * runs 1.3× as fast as with a separate multiply and add (docs/benchmarks.md). Training never
   * fuses, so a model's weights keep their bits on every path; its predictions differ from the
   * training pass's forward in the last bits. Constant for the life of the JVM, and the same before
   * and after the warm-up (a scalar loop of {@link Math#fma} until then).
   */
  public static boolean fusedInference() {
    return Fused.INFERENCE;
  }

  /**
   * True when the dense layers run the vector kernels from now on: the Vector API is there and
   * warmed up. Monotonic: once true, true for the life of the JVM.
   */
  public static boolean vector() {
    return VECTOR_AVAILABLE && vectorReady;
  }

  /** True when this JVM will run the vector kernels (now, or once they are warmed up). */
  public static boolean vectorAvailable() {
    return VECTOR_AVAILABLE;
  }

  /**
   * For logs and diagnostics: {@code "vector (8 floats)"} or {@code "scalar"}, with the reason when
   * the Vector API is not in use.
   */
  public static String description() {
    if (VECTOR_AVAILABLE) {
      return "vector ("
          + VectorKernels.lanes()
          + " floats"
          + (fusedInference() ? ", fused multiply-add at inference" : "")
          + (vector() ? ")" : ", warming up)");
    }
    if ("scalar".equals(System.getProperty(PROPERTY))) {
      return "scalar (-D" + PROPERTY + "=scalar)";
    }
    return "scalar (start the JVM with --add-modules " + VECTOR_MODULE + " for the vector kernels)";
  }
}
