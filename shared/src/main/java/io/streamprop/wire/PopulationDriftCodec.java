package io.streamprop.wire;

import io.streamprop.learn.population.DriftPlan;
import io.streamprop.learn.population.DriftState;
import io.streamprop.learn.population.RelabelState;
import io.streamprop.learn.state.ModelState;
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
 *
 * With the container's flag bit 5 (the plan relabels, {@link DriftPlan#relabels()}), the
 * relabelling follows:
 *
 * <pre>
 * int32   relabel per class (&gt; 0)
 * uint8   1 when a relabelling is in progress, else 0; then only with 1:
 * int32   classes k; k × k int64 counts, label-major; float64 the error rate before the alarm;
 *         int32 length, the frozen copy's snapshot (format of SnapshotCodec, created at 0, unsigned)
 * </pre>
 */
final class PopulationDriftCodec {
  private PopulationDriftCodec() {}

  /** The section's length. */
  static final int BYTES = 4 + 6 * 8 + 7 * 8;

  /** True when the drift section carries a relabelling part (the container's flag bit 5). */
  static boolean relabels(DriftState d) {
    return d.plan().relabels();
  }

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
    if (relabels(d)) {
      out.writeInt(p.relabelPerClass());
      RelabelState r = d.relabel();
      out.writeByte(r == null ? 0 : 1);
      if (r != null) {
        int classes = r.copy().spec().outputs();
        out.writeInt(classes);
        for (long c : r.counts()) {
          out.writeLong(c);
        }
        out.writeDouble(r.errorBefore());
        byte[] copy = SnapshotCodec.encode(r.copy(), 0);
        out.writeInt(copy.length);
        out.write(copy);
      }
    }
  }

  /**
   * Reads the section.
   *
   * @throws IllegalArgumentException if a field is out of range
   */
  static DriftState read(ByteBuffer in, boolean relabels) {
    int block = in.getInt();
    double tolerance = in.getDouble();
    double threshold = in.getDouble();
    double forgetting = in.getDouble();
    long minBlocks = in.getLong();
    long relearn = in.getLong();
    double relearnWindow = in.getDouble();
    long count = in.getLong();
    double mean = in.getDouble();
    double sum = in.getDouble();
    long blockErrors = in.getLong();
    long blockExamples = in.getLong();
    long alarms = in.getLong();
    long alarmAt = in.getLong();
    int perClass = 0;
    RelabelState relabel = null;
    if (relabels) {
      perClass = in.getInt();
      if (perClass <= 0) {
        throw new IllegalArgumentException("relabel per class must be > 0, got " + perClass);
      }
      int inProgress = in.get();
      if (inProgress != 0 && inProgress != 1) {
        throw new IllegalArgumentException("relabelling in progress must be 0 or 1");
      }
      if (inProgress == 1) {
        int classes = in.getInt();
        if (classes < 2 || classes > RelabelState.MAX_CLASSES) {
          throw new IllegalArgumentException("relabelling of " + classes + " classes");
        }
        long[] counts = new long[classes * classes];
        for (int i = 0; i < counts.length; i++) {
          counts[i] = in.getLong();
        }
        double errorBefore = in.getDouble();
        ModelState copy = SnapshotCodec.decode(PopulationBytes.slice(in, "relabelling copy"));
        relabel = new RelabelState(copy, counts, errorBefore);
      }
    }
    DriftPlan plan =
        new DriftPlan(
            block, tolerance, threshold, forgetting, minBlocks, relearn, relearnWindow, perClass);
    return new DriftState(
        plan, count, mean, sum, blockErrors, blockExamples, alarms, alarmAt, relabel);
  }
}
