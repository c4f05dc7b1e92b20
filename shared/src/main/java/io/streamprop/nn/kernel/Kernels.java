package io.streamprop.nn.kernel;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Which kernels the dense layers run, chosen once per layer by {@link #dense}: the vector kernels
 * when the JVM has the Vector API ({@code --add-modules jdk.incubator.vector}; the {@code
 * streamprop} launcher, the Docker images, the benchmarks and the build pass it), else the scalar
 * kernels that HotSpot vectorizes itself; for layers with fewer than {@value #NARROW} outputs, the
 * narrow forms of either. All give the same bits in training, so a model trained with one predicts
 * and resumes identically with another.
 *
 * <p>Until the JIT compiler has compiled them, Vector API kernels run as interpreted code that
 * allocates an object per vector operation, tens of times slower than the scalar loops (an
 * iris-sized {@code streamprop evaluate} took 0.5 s instead of 0.02 s). So the first time a layer
 * or softmax asks ({@link #dense}, {@link #vector()}), a daemon thread starts that runs them on
 * small private arrays, and the vector kernels run their scalar loops until that warm-up has
 * finished: until the thread's own allocations show that the JIT compiler has compiled every kernel
 * (1.5–2 s, 1.5 s of CPU, on this project's 2-core machine).
 *
 * <p>{@code -Dstreamprop.engine.kernels=scalar} forces the scalar kernels; {@code =vector} runs the
 * vector kernels from the first call, without the warm-up (the build's tests use both, so that each
 * path is tested on its own; the benchmarks use {@code vector}).
 */
public final class Kernels {
  /** The module that holds the Vector API on Java 17 to 25 (an incubator module). */
  public static final String VECTOR_MODULE = "jdk.incubator.vector";

  /** Layers with fewer outputs than this run the narrow kernels. */
  static final int NARROW = 8;

  private static final String PROPERTY = "streamprop.engine.kernels";
  private static final String FMA_PROPERTY = "streamprop.engine.fma";

  /** True when this JVM can run the vector kernels; constant for the life of the JVM. */
  private static final boolean VECTOR_AVAILABLE =
      !"scalar".equals(System.getProperty(PROPERTY))
          && ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();

  private static final AtomicBoolean warmUpStarted = new AtomicBoolean();

  /** Set once the vector kernels are compiled (or forced); never goes back to false. */
  private static volatile boolean vectorReady;

  /** Whether inference fuses (see {@link #fusedInference()}); null until first asked. */
  private static volatile Boolean fused;

  private Kernels() {}

  /** The kernel for a dense layer of these parameters, for its whole life. */
  public static DenseKernel dense(DenseParameters layer) {
    boolean narrow = layer.outFeatures() < NARROW;
    if (!VECTOR_AVAILABLE) {
      return narrow ? new NarrowDenseKernel(layer) : new ScalarDenseKernel(layer);
    }
    vector(); // starts the warm-up
    return narrow
        ? new NarrowVectorDenseKernel(layer, Kernels::vector)
        : new VectorDenseKernel(layer, Kernels::vector);
  }

  /**
   * The fast loops for embedding tables' rows ({@link RowKernel}): the vector kernel where the JVM
   * has the Vector API, else null (the tables and the optimizer run their own loops, which are as
   * fast as scalar code gets). The same for every table; the vector kernel warms up with the dense
   * ones.
   */
  public static RowKernel rows() {
    if (!VECTOR_AVAILABLE) {
      return null;
    }
    vector(); // starts the warm-up
    return VectorRowKernel.INSTANCE;
  }

  /**
   * True when the vector kernels run from now on: the Vector API is there and compiled (or forced).
   * Monotonic: once true, true for the life of the JVM. The first call starts the warm-up.
   */
  public static boolean vector() {
    if (vectorReady) {
      return true;
    }
    if (!VECTOR_AVAILABLE) {
      return false;
    }
    if (!warmUpStarted.get() && warmUpStarted.compareAndSet(false, true)) {
      startWarmUp();
    }
    return vectorReady;
  }

  private static void startWarmUp() {
    if ("vector".equals(System.getProperty(PROPERTY))) {
      vectorReady = true;
      return;
    }
    Thread warmUp =
        new Thread(
            () -> {
              VectorWarmUp.run(allocationCounter());
              vectorReady = true;
            },
            "streamprop-kernel-warm-up");
    warmUp.setDaemon(true);
    warmUp.setPriority(Thread.MIN_PRIORITY);
    warmUp.start();
  }

  /** True when this JVM will run the vector kernels (now, or once they are warmed up). */
  public static boolean vectorAvailable() {
    return VECTOR_AVAILABLE;
  }

  /**
   * True when layers of at least one strip of outputs (16 on AVX2) predict with fused
   * multiply-adds: each output of a full strip is {@code fma(x[i], w[i, o], sum)} for i = 0, 1, ...
   * from the bias, rounding once per term instead of twice, which runs the inference kernel 1.3× as
   * fast as a separate multiply and add. Where the vector kernels are there and the processor has
   * FMA (HotSpot's {@code UseFMA}); {@code -Dstreamprop.engine.fma=false} turns it off. Training
   * never fuses, so a model's weights keep their bits on every path; its predictions differ from
   * the training pass's forward in the last bits. Constant for the life of the JVM, and the same
   * before and after the warm-up (a scalar loop of {@link Math#fma} until then).
   */
  public static boolean fusedInference() {
    Boolean f = fused;
    if (f == null) {
      f = VECTOR_AVAILABLE && detectFma();
      fused = f;
    }
    return f;
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
   * How many of the first outputs of a layer with {@code outFeatures} outputs {@link
   * DenseKernel#forwardInference} computes with fused multiply-adds once prepared: those of full
   * strips where {@link #fusedInference()}, else none.
   */
  public static int fusedOutputs(int outFeatures) {
    if (!fusedInference()) {
      return 0;
    }
    int strip = VectorPanels.panelWidth();
    return outFeatures - outFeatures % strip;
  }

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

  /**
   * For logs and diagnostics: {@code "vector (8 floats)"} or {@code "scalar"}, with the reason when
   * the Vector API is not in use.
   */
  public static String description() {
    if (VECTOR_AVAILABLE) {
      return "vector ("
          + VectorProducts.LANES
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
