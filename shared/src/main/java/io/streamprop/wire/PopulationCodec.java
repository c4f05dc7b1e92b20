package io.streamprop.wire;

import io.streamprop.learn.population.MemberState;
import io.streamprop.learn.population.PopulationPlan;
import io.streamprop.learn.population.PopulationState;
import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The binary form of a whole population ({@link PopulationState}): a container of its members'
 * ordinary snapshots ({@link SnapshotCodec}) and the population's own bookkeeping. Big-endian, laid
 * out in {@code docs/snapshot-format.md}:
 *
 * <pre>
 * int32   magic "SPPO"
 * uint16  container version (1), uint16 flags (bit 0: the plan has a warm-up; other bits 0)
 * int32   spec length, then the population's spec as canonical JSON (UTF-8)
 * plan    int32 n, n float64 rate factors; int32 m, m int32 width factors; float64 loss window;
 *         int64 rung; float64 prune margin; float64 perturbation; float64 min and max rate factor;
 *         with flag bit 0 only: int64 warm-up examples
 * int32   leader; int64 examples, switches, replacements, generator state
 * int32   members; per member: float64 recent loss, int64 born at, int32 length, its snapshot
 *         (format of SnapshotCodec, created at 0)
 * int32   CRC32C of every byte before it
 * </pre>
 *
 * Encoding is deterministic (members are written with creation time 0). Decoding refuses anything
 * damaged, truncated or inconsistent with a {@link SnapshotException} saying what.
 */
public final class PopulationCodec {
  private PopulationCodec() {}

  /** The four bytes a population starts with: ASCII {@code SPPO}. */
  public static final int MAGIC = 0x5350504F;

  /** The container version this code reads and writes. */
  public static final int VERSION = 1;

  /** Flag bit: the plan's warm-up follows its max rate factor (absent, the warm-up is 0). */
  static final int FLAG_WARMUP = 1;

  /** Most members a population may hold. */
  public static final int MAX_MEMBERS = 64;

  /**
   * Encodes the population; equal states give equal bytes.
   *
   * @throws IllegalArgumentException if a member's state cannot be encoded
   */
  public static byte[] encode(PopulationState state) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeShort(VERSION);
      // A plan without warm-up is written as before warm-ups existed, bit for bit.
      boolean warmup = state.plan().warmupExamples() > 0;
      out.writeShort(warmup ? FLAG_WARMUP : 0);
      byte[] spec = SpecJson.write(state.spec()).getBytes(StandardCharsets.UTF_8);
      out.writeInt(spec.length);
      out.write(spec);
      PopulationPlan plan = state.plan();
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
      if (warmup) {
        out.writeLong(plan.warmupExamples());
      }
      out.writeInt(state.leader());
      out.writeLong(state.examples());
      out.writeLong(state.switches());
      out.writeLong(state.replacements());
      out.writeLong(state.rngState());
      out.writeInt(state.members().size());
      for (MemberState member : state.members()) {
        byte[] snapshot = SnapshotCodec.encode(member.model(), 0);
        out.writeDouble(member.recentLoss());
        out.writeLong(member.bornAt());
        out.writeInt(snapshot.length);
        out.write(snapshot);
      }
      CRC32C crc = new CRC32C();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array stream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a population.
   *
   * @throws SnapshotException saying what is wrong
   */
  public static PopulationState decode(byte[] bytes) {
    if (bytes == null || bytes.length < 12) {
      throw new SnapshotException(
          "not a streamprop population: " + (bytes == null ? "no bytes" : bytes.length + " bytes"));
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (in.getInt(0) != MAGIC) {
      throw new SnapshotException(
          "not a streamprop population: it does not start with SPPO"
              + (in.getInt(0) == SnapshotCodec.MAGIC
                  ? " but with SPRP, a single model's snapshot (decode it with SnapshotCodec)"
                  : ""));
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != in.getInt(bytes.length - 4)) {
      throw new SnapshotException("damaged population: the CRC32C checksum does not match");
    }
    int version = Short.toUnsignedInt(in.getShort(4));
    if (version != VERSION) {
      throw new SnapshotException(
          "population container version "
              + version
              + " is not one this release reads ("
              + VERSION
              + "); upgrade streamprop to read it");
    }
    int flags = Short.toUnsignedInt(in.getShort(6));
    if ((flags & ~FLAG_WARMUP) != 0) {
      throw new SnapshotException(
          "population flags " + Integer.toHexString(flags) + " are not ones this release reads");
    }
    in.position(8);
    in.limit(bytes.length - 4);
    try {
      ModelSpec spec = SpecJson.parse(new String(slice(in, "spec"), StandardCharsets.UTF_8));
      List<Double> rates = new ArrayList<>();
      for (int i = count(in, "rate factors", MAX_MEMBERS); i > 0; i--) {
        rates.add(in.getDouble());
      }
      List<Integer> widths = new ArrayList<>();
      for (int i = count(in, "width factors", MAX_MEMBERS); i > 0; i--) {
        widths.add(in.getInt());
      }
      PopulationPlan plan =
          new PopulationPlan(
              rates,
              widths,
              in.getDouble(),
              in.getLong(),
              in.getDouble(),
              in.getDouble(),
              in.getDouble(),
              in.getDouble(),
              (flags & FLAG_WARMUP) != 0 ? in.getLong() : 0);
      int leader = in.getInt();
      long examples = in.getLong();
      long switches = in.getLong();
      long replacements = in.getLong();
      long rngState = in.getLong();
      List<MemberState> members = new ArrayList<>();
      for (int i = count(in, "members", MAX_MEMBERS); i > 0; i--) {
        double recentLoss = in.getDouble();
        long bornAt = in.getLong();
        ModelState model = SnapshotCodec.decode(slice(in, "member " + members.size()));
        checkMember(spec, plan, model, members.size());
        members.add(new MemberState(model, recentLoss, bornAt));
      }
      if (in.hasRemaining()) {
        throw new SnapshotException(
            "damaged population: " + in.remaining() + " bytes after the last member");
      }
      return new PopulationState(
          spec, plan, members, leader, examples, switches, replacements, rngState);
    } catch (BufferUnderflowException e) {
      throw new SnapshotException("truncated population: it ends inside a field", e);
    } catch (IllegalArgumentException e) { // SpecException included
      throw new SnapshotException("invalid population: " + e.getMessage(), e);
    }
  }

  /**
   * A member learns the population's stream: same task, inputs, outputs, loss and batch size (1
   * during the plan's warm-up).
   */
  private static void checkMember(
      ModelSpec spec, PopulationPlan plan, ModelState member, int index) {
    ModelSpec m = member.spec();
    boolean batch =
        m.batchSize() == spec.batchSize() || (plan.warmupExamples() > 0 && m.batchSize() == 1);
    if (m.learner() != ModelSpec.Learner.SINGLE
        || m.task() != spec.task()
        || m.inputs() != spec.inputs()
        || m.outputs() != spec.outputs()
        || m.loss() != spec.loss()
        || !batch) {
      throw new SnapshotException(
          "invalid population: member "
              + index
              + " is not a single learner of the population's task, inputs, outputs, loss and"
              + " batch size: "
              + SpecJson.write(m));
    }
  }

  private static int count(ByteBuffer in, String what, int max) {
    int n = in.getInt();
    if (n < 0 || n > max) {
      throw new SnapshotException("invalid population: " + what + " count " + n);
    }
    return n;
  }

  private static byte[] slice(ByteBuffer in, String what) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new SnapshotException(
          "truncated population: "
              + what
              + " claims "
              + length
              + " bytes, "
              + in.remaining()
              + " remain");
    }
    byte[] out = new byte[length];
    in.get(out);
    return out;
  }
}
