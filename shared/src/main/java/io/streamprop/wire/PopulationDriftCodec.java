package io.streamprop.wire;

import io.streamprop.learn.population.DriftPlan;
import io.streamprop.learn.population.DriftState;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The drift section of a population's container ({@link PopulationCodec}, flag bit 3), big-endian,
 * {@link #BYTES} bytes:
 *
 * <pre>
 * plan   int32 block examples; float64 tolerance, threshold, forgetting; int64 minimum blocks,
 *        relearn examples; float64 relearn window
 * state  int64 count; float64 mean, sum; int64 block errors, block examples, alarms, alarm at
 * </pre>
 */
final class PopulationDriftCodec {
  private PopulationDriftCodec() {}

  /** The section's length. */
  static final int BYTES = 4 + 6 * 8 + 7 * 8;

  static void write(DataOutputStream out, DriftState d) throws IOException {
    DriftPlan p = d.plan();
    out.writeInt(p.blockExamples());
    out.writeDouble(p.tolerance());
    out.writeDouble(p.threshold());
    out.writeDouble(p.forgetting());
    out.writeLong(p.minBlocks());
    out.writeLong(p.relearnExamples());
    out.writeDouble(p.relearnWindowExamples());
    out.writeLong(d.count());
    out.writeDouble(d.mean());
    out.writeDouble(d.sum());
    out.writeLong(d.blockErrors());
    out.writeLong(d.blockExamples());
    out.writeLong(d.alarms());
    out.writeLong(d.alarmAt());
  }

  /**
   * Reads the section.
   *
   * @throws IllegalArgumentException if a field is out of range
   */
  static DriftState read(ByteBuffer in) {
    DriftPlan plan =
        new DriftPlan(
            in.getInt(),
            in.getDouble(),
            in.getDouble(),
            in.getDouble(),
            in.getLong(),
            in.getLong(),
            in.getDouble());
    return new DriftState(
        plan,
        in.getLong(),
        in.getDouble(),
        in.getDouble(),
        in.getLong(),
        in.getLong(),
        in.getLong(),
        in.getLong());
  }
}
