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
 * members kept after the warm-up; with flag bit 4 only: float64 the average window
 * </pre>
 *
 * A plan without a warm-up or a budget writes neither field nor flag, exactly as before each
 * existed.
 */
final class PopulationPlanCodec {
  private PopulationPlanCodec() {}

  /** Whether the plan has a warm-up (flag bit 1). */
  static boolean hasWarmup(PopulationPlan plan) {
    return plan.warmupExamples() > 0;
  }

  /** Whether the plan averages members' weights (flag bit 4). */
  static boolean hasAverage(PopulationPlan plan) {
    return plan.averages();
  }

  /** Whether the plan keeps a budget of members after its warm-up (flag bit 2). */
  static boolean hasKeep(PopulationPlan plan) {
    return plan.warmupKeep() > 0;
  }

  static void write(DataOutputStream out, PopulationPlan plan) throws IOException {
    out.writeInt(plan.rateFactors().size());
    for (double f : plan.rateFactors()) {
      out.writeDouble(f);
    }
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
    if (hasAverage(plan)) {
      out.writeDouble(plan.averageWindowExamples());
    }
  }

  /** Reads the section; the flags say which optional fields follow. */
  static PopulationPlan read(ByteBuffer in, boolean warmup, boolean keep, boolean average) {
    List<Double> rates = new ArrayList<>();
    for (int i = PopulationBytes.count(in, "rate factors", PopulationCodec.MAX_MEMBERS);
        i > 0;
        i--) {
      rates.add(in.getDouble());
    }
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
        warmup ? in.getLong() : 0,
        keep ? in.getInt() : 0,
        average ? in.getDouble() : 0);
  }

  /** Moves past the section without building the plan. */
  static void skip(ByteBuffer in, boolean warmup, boolean keep, boolean average) {
    PopulationBytes.skip(
        in, 8L * PopulationBytes.count(in, "rate factors", PopulationCodec.MAX_MEMBERS));
    PopulationBytes.skip(
        in, 4L * PopulationBytes.count(in, "width factors", PopulationCodec.MAX_MEMBERS));
    // loss window, rung, prune margin, perturbation, min and max rate factor; warm-up, budget
    PopulationBytes.skip(in, 6 * 8 + (warmup ? 8 : 0) + (keep ? 4 : 0) + (average ? 8 : 0));
  }
}
