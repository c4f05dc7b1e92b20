package io.streamprop.nn;

/**
 * A seeded random generator whose whole state is one {@code long}, so that it is saved in a model's
 * state and resumes bit for bit. SplitMix64 (Steele, Lea, Flood: "Fast splittable pseudorandom
 * number generators", OOPSLA 2014), the generator behind {@link java.util.SplittableRandom}.
 */
public final class SplitMix64 {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private long state;

  public SplitMix64(long state) {
    this.state = state;
  }

  /** The complete state; {@code new SplitMix64(state())} continues the same sequence. */
  public long state() {
    return state;
  }

  public long nextLong() {
    long z = (state += GOLDEN_GAMMA);
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1) with 24 random bits (every float of that grid equally likely). */
  public float nextFloat() {
    return (nextLong() >>> 40) * 0x1.0p-24f;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /**
   * Standard normal by the Box–Muller transform; one value per call (the twin is discarded so that
   * the state stays a single long). Uses {@link StrictMath} so the value is the same on every JVM.
   */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble(); // in (0, 1], so the log is finite
    double u2 = nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
  }
}
