package io.streamprop.wire;

import io.streamprop.learn.population.PopulationPlan;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan section of a population's container ({@link PopulationCodec}), big-endian:
 *
 * <pre>
 * int32 n, n float64 rate factors; int32 m, m int32 width factors; float64 loss window; int64 rung;
 * float64 prune margin; float64 perturbation; float64 min and max rate factor;
 * with flag bit 1 only: int64 warm-up examples; with flag bit 2 only: int32 the budget of the
 * members kept after the warm-up; with flag bit 4 only: float64 the average window; with flag bit
 * 6 only: int32 k, k float64 linear members' rate factors
 * </pre>
 *
 * A plan without one of these writes neither its field nor its flag, exactly as before each
 * existed.
 */
final class PopulationPlanCodec {
  private PopulationPlanCodec() {}

  /** The container's flag bits of the plan's optional fields (warm-up, budget, average, linear). */
  static int flags(PopulationPlan plan) {
    return (hasWarmup(plan) ? PopulationCodec.FLAG_WARMUP : 0)
        | (hasKeep(plan) ? PopulationCodec.FLAG_KEEP : 0)
        | (plan.averages() ? PopulationCodec.FLAG_AVERAGE : 0)
        | (hasLinear(plan) ? PopulationCodec.FLAG_LINEAR : 0);
  }

  /** Whether the plan has a warm-up (flag bit 1). */
  static boolean hasWarmup(PopulationPlan plan) {
    return plan.warmupExamples() > 0;
  }

  /** Whether the plan keeps a budget of members after its warm-up (flag bit 2). */
  static boolean hasKeep(PopulationPlan plan) {
    return plan.warmupKeep() > 0;
  }

  /** Whether the plan has linear members in its warm-up (flag bit 6). */
  static boolean hasLinear(PopulationPlan plan) {
    return !plan.linearRateFactors().isEmpty();
  }

  static void write(DataOutputStream out, PopulationPlan plan) throws IOException {
    writeFactors(out, plan.rateFactors());
    out.writeInt(plan.widthFactors().size());
    for (int w : plan.widthFactors()) {
      out.writeInt(w);
    }
    out.writeDouble(plan.lossWindowExamples());
    out.writeLong(plan.rungExamples());
    out.writeDouble(plan.pruneMargin());
    out.writeDouble(plan.perturbation());
    out.writeDouble(plan.minRateFactor());
    out.writeDouble(plan.maxRateFactor());
    if (hasWarmup(plan)) {
      out.writeLong(plan.warmupExamples());
    }
    if (hasKeep(plan)) {
      out.writeInt(plan.warmupKeep());
    }
    if (plan.averages()) {
      out.writeDouble(plan.averageWindowExamples());
    }
    if (hasLinear(plan)) {
      writeFactors(out, plan.linearRateFactors());
    }
  }

  private static void writeFactors(DataOutputStream out, List<Double> factors) throws IOException {
    out.writeInt(factors.size());
    for (double f : factors) {
      out.writeDouble(f);
    }
  }

  private static List<Double> readFactors(ByteBuffer in, String what) {
    List<Double> factors = new ArrayList<>();
    for (int i = PopulationBytes.count(in, what, PopulationCodec.MAX_MEMBERS); i > 0; i--) {
      factors.add(in.getDouble());
    }
    return factors;
  }

  /** Reads the section; the container's flags say which optional fields follow. */
  static PopulationPlan read(ByteBuffer in, int flags) {
    List<Double> rates = readFactors(in, "rate factors");
    List<Integer> widths = new ArrayList<>();
    for (int i = PopulationBytes.count(in, "width factors", PopulationCodec.MAX_MEMBERS);
        i > 0;
        i--) {
      widths.add(in.getInt());
    }
    return new PopulationPlan(
        rates,
        widths,
        in.getDouble(),
        in.getLong(),
        in.getDouble(),
        in.getDouble(),
        in.getDouble(),
        in.getDouble(),
        (flags & PopulationCodec.FLAG_WARMUP) != 0 ? in.getLong() : 0,
        (flags & PopulationCodec.FLAG_KEEP) != 0 ? in.getInt() : 0,
        (flags & PopulationCodec.FLAG_AVERAGE) != 0 ? in.getDouble() : 0,
        (flags & PopulationCodec.FLAG_LINEAR) != 0
            ? readFactors(in, "linear rate factors")
            : List.of());
  }

  /** Moves past the section without building the plan. */
  static void skip(ByteBuffer in, int flags) {
    PopulationBytes.skip(
        in, 8L * PopulationBytes.count(in, "rate factors", PopulationCodec.MAX_MEMBERS));
    PopulationBytes.skip(
        in, 4L * PopulationBytes.count(in, "width factors", PopulationCodec.MAX_MEMBERS));
    // loss window, rung, prune margin, perturbation, min and max rate factor; warm-up, budget
    PopulationBytes.skip(
        in,
        6 * 8
            + ((flags & PopulationCodec.FLAG_WARMUP) != 0 ? 8 : 0)
            + ((flags & PopulationCodec.FLAG_KEEP) != 0 ? 4 : 0)
            + ((flags & PopulationCodec.FLAG_AVERAGE) != 0 ? 8 : 0));
    if ((flags & PopulationCodec.FLAG_LINEAR) != 0) {
      PopulationBytes.skip(
          in, 8L * PopulationBytes.count(in, "linear rate factors", PopulationCodec.MAX_MEMBERS));
    }
  }
}
