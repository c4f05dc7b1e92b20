package io.streamprop.nn;

/**
 * Which kernels the dense layers run: {@link VectorKernels} when the JVM has the Vector API ({@code
 * --add-modules jdk.incubator.vector}; the {@code streamprop} launcher, the benchmarks and the
 * build pass it), else the scalar loops of {@link Dense} that HotSpot vectorizes itself. Both give
 * the same bits, so a model trained with one predicts and resumes identically with the other.
 *
 * <p>{@code -Dstreamprop.engine.kernels=scalar} forces the scalar loops (for comparisons, and for
 * the build's check that both paths agree).
 */
public final class Kernels {
  /** The module that holds the Vector API on Java 17 to 25 (an incubator module). */
  public static final String VECTOR_MODULE = "jdk.incubator.vector";

  /** True when {@link VectorKernels} are in use; constant for the life of the JVM. */
  static final boolean VECTOR = vectorAvailable();

  private Kernels() {}

  private static boolean vectorAvailable() {
    if ("scalar".equals(System.getProperty("streamprop.engine.kernels"))) {
      return false;
    }
    return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
  }

  /**
   * For logs and diagnostics: {@code "vector (8 floats)"} or {@code "scalar"}, with the reason when
   * the Vector API is not in use.
   */
  public static String description() {
    if (VECTOR) {
      return "vector (" + VectorKernels.lanes() + " floats)";
    }
    if ("scalar".equals(System.getProperty("streamprop.engine.kernels"))) {
      return "scalar (-Dstreamprop.engine.kernels=scalar)";
    }
    return "scalar (start the JVM with --add-modules " + VECTOR_MODULE + " for the vector kernels)";
  }

  /** True when the vector kernels are in use. */
  public static boolean vector() {
    return VECTOR;
  }
}
