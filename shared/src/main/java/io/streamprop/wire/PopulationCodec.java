package io.streamprop.wire;

import io.streamprop.learn.population.AverageState;
import io.streamprop.learn.population.DriftState;
import io.streamprop.learn.population.MemberState;
import io.streamprop.learn.population.PopulationPlan;
import io.streamprop.learn.population.PopulationState;
import io.streamprop.learn.population.ServedModel;
import io.streamprop.learn.population.Standing;
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
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The binary form of a whole population ({@link PopulationState}): a container of its members'
 * ordinary snapshots ({@link SnapshotCodec}) and the population's own bookkeeping. Big-endian, laid
 * out in {@code docs/snapshot-format.md}:
 *
 * <pre>
 * int32   magic "SPPO"
 * uint16  container version (1 or 2), uint16 flags (bit 0: signed, version 2 only; bit 1: the
 *         plan has a warm-up; bit 2: the plan keeps fewer members after its warm-up; bit 3: the
 *         population detects drift; bit 4: members' weights are averaged; bit 5: the drift
 *         section has a relabelling part; bit 6: the plan has linear members; other bits 0)
 * int64   model version, int64 created at (epoch ms)      -- version 2 only
 * int32   spec length, then the population's spec as canonical JSON (UTF-8)
 * plan    rates, widths, window, rung, margins and rate bounds; with flag bit 1 the warm-up, with
 *         flag bit 2 the budget kept after it, with flag bit 4 the average window, with flag bit 6
 *         the linear members' rate factors ({@link PopulationPlanCodec})
 * drift   with flag bit 3 only: the drift plan and detector ({@link PopulationDriftCodec})
 * int32   leader; int64 examples, switches, replacements, generator state; with flag bit 4 int32
 *         served (the leader, or members + i for member i's average)
 * int32   members; per member: float64 recent loss, int64 born at, int32 length, its snapshot
 *         (format of SnapshotCodec, version 0, created at 0, unsigned); with flag bit 4 its
 *         average ({@link PopulationAverageCodec})
 * 32      HMAC-SHA256 of every byte before it                -- version 2 with flag bit 0 only
 * int32   CRC32C of every byte before it
 * </pre>
 *
 * Version 1 ({@link #encode(PopulationState)}) is the bare state; version 2 ({@link
 * #encode(PopulationState, long, long, SigningKey)}) is what the trainer publishes and stores: it
 * adds the model version and creation time a snapshot carries, and may be signed. Encoding is
 * deterministic for a given creation time. Decoding refuses anything damaged, truncated or
 * inconsistent with a {@link SnapshotException} saying what; {@link #decodeServed} reads only what
 * a scorer serves (the leader's snapshot and every member's bookkeeping), skipping the other
 * members' bytes by their lengths.
 */
public final class PopulationCodec {
  private PopulationCodec() {}

  /** The four bytes a population starts with: ASCII {@code SPPO}. */
  public static final int MAGIC = 0x5350504F;

  /** The newest container version this code reads and writes. */
  public static final int VERSION = 2;

  /** The bare container: no model version, creation time or signature. */
  public static final int VERSION_1 = 1;

  /** Flag bit: the plan's warm-up follows its max rate factor (absent, the warm-up is 0). */
  static final int FLAG_WARMUP = 0x0002;

  /** Flag bit: the plan's budget of members kept after its warm-up follows (absent, 0: all). */
  static final int FLAG_KEEP = 0x0004;

  /** Flag bit: the drift section follows the plan (absent, the population detects no drift). */
  static final int FLAG_DRIFT = 0x0008;

  /** Flag bit: members' averages follow (plan window, served, per member; absent, none). */
  static final int FLAG_AVERAGE = 0x0010;

  /** Flag bit: the drift section ends with its relabelling part ({@link PopulationDriftCodec}). */
  static final int FLAG_RELABEL = 0x0020;

  /** Flag bit: the plan's linear members' rate factors follow its average window (absent, none). */
  static final int FLAG_LINEAR = 0x0040;

  /** Most members a population may hold. */
  public static final int MAX_MEMBERS = 64;

  /** A population as published: its state, model version and creation time. */
  public record Published(PopulationState state, long version, long createdAtMillis) {}

  /**
   * What a scorer serves from a published population.
   *
   * @param version the model version (the leader's state carries it too)
   * @param createdAtMillis when the trainer encoded it, 0 if unknown
   * @param spec the population's spec (the user's)
   * @param served the leader's state (at {@code version}), its index and every member's standing
   * @param examples examples the population accepted
   * @param switches times the served member changed
   * @param replacements members replaced by a copy of the leader (perturbed, or relabelled)
   */
  public record Served(
      long version,
      long createdAtMillis,
      ModelSpec spec,
      ServedModel served,
      long examples,
      long switches,
      long replacements,
      long alarms) {}

  /**
   * Encodes the bare population (container version 1); equal states give equal bytes.
   *
   * @throws IllegalArgumentException if a member's state cannot be encoded
   */
  public static byte[] encode(PopulationState state) {
    return write(state, VERSION_1, 0, 0, null);
  }

  /**
   * Encodes the population as a snapshot (container version 2) of model version {@code version},
   * created at {@code createdAtMillis}, signed when {@code key} is not null.
   *
   * @throws IllegalArgumentException if a member's state cannot be encoded
   */
  public static byte[] encode(
      PopulationState state, long version, long createdAtMillis, SigningKey key) {
    if (version < 0) {
      throw new IllegalArgumentException("model version must be >= 0, got " + version);
    }
    return write(state, VERSION, version, createdAtMillis, key);
  }

  private static byte[] write(
      PopulationState state, int container, long version, long createdAtMillis, SigningKey key) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeShort(container);
      // A plan without warm-up is written as before warm-ups existed, bit for bit.
      boolean drift = state.drift() != null;
      boolean average = state.plan().averages();
      out.writeShort(
          (key == null ? 0 : SnapshotCodec.FLAG_SIGNED)
              | PopulationPlanCodec.flags(state.plan())
              | (drift ? FLAG_DRIFT : 0)
              | (drift && PopulationDriftCodec.relabels(state.drift()) ? FLAG_RELABEL : 0));
      if (container >= VERSION) {
        out.writeLong(version);
        out.writeLong(createdAtMillis);
      }
      byte[] spec = SpecJson.write(state.spec()).getBytes(StandardCharsets.UTF_8);
      out.writeInt(spec.length);
      out.write(spec);
      PopulationPlanCodec.write(out, state.plan());
      if (drift) {
        PopulationDriftCodec.write(out, state.drift());
      }
      out.writeInt(state.leader());
      out.writeLong(state.examples());
      out.writeLong(state.switches());
      out.writeLong(state.replacements());
      out.writeLong(state.rngState());
      if (average) {
        out.writeInt(state.served());
      }
      out.writeInt(state.members().size());
      for (MemberState member : state.members()) {
        byte[] snapshot = SnapshotCodec.encode(member.model(), 0);
        out.writeDouble(member.recentLoss());
        out.writeLong(member.bornAt());
        out.writeInt(snapshot.length);
        out.write(snapshot);
        if (average) {
          PopulationAverageCodec.write(out, member.average());
        }
      }
      out.flush();
      if (key != null) {
        byte[] signed = bytes.toByteArray();
        out.write(key.sign(signed, 0, signed.length));
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
   * Decodes a population of either container version, without verifying signatures.
   *
   * @throws SnapshotException saying what is wrong
   */
  public static PopulationState decode(byte[] bytes) {
    return decodePublished(bytes, null).state();
  }

  /**
   * Decodes a population with its model version and creation time (both 0 for version 1); with a
   * key, only a version-2 container signed with that key decodes.
   *
   * @throws SnapshotException saying what is wrong ({@code UNSIGNED}, {@code BAD_SIGNATURE} for a
   *     signature failure)
   */
  public static Published decodePublished(byte[] bytes, SigningKey key) {
    Header header = header(bytes, key);
    ByteBuffer in = header.body;
    try {
      ModelSpec spec =
          SpecJson.parse(new String(PopulationBytes.slice(in, "spec"), StandardCharsets.UTF_8));
      PopulationPlan plan = PopulationPlanCodec.read(in, header.flags);
      DriftState drift = header.drift ? PopulationDriftCodec.read(in, header.relabel) : null;
      int leader = in.getInt();
      long examples = in.getLong();
      long switches = in.getLong();
      long replacements = in.getLong();
      long rngState = in.getLong();
      int served = header.average ? in.getInt() : leader;
      List<MemberState> members = new ArrayList<>();
      for (int i = PopulationBytes.count(in, "members", MAX_MEMBERS); i > 0; i--) {
        double recentLoss = in.getDouble();
        long bornAt = in.getLong();
        ModelState model =
            SnapshotCodec.decode(PopulationBytes.slice(in, "member " + members.size()));
        checkMember(spec, plan.warmupExamples() > 0 || drift != null, model, members.size());
        AverageState average = header.average ? PopulationAverageCodec.read(in) : null;
        members.add(new MemberState(model, recentLoss, bornAt, average));
      }
      PopulationBytes.noneLeft(in);
      return new Published(
          new PopulationState(
              spec,
              plan,
              members,
              leader,
              examples,
              switches,
              replacements,
              rngState,
              drift,
              served),
          header.version,
          header.createdAtMillis);
    } catch (BufferUnderflowException e) {
      throw new SnapshotException("truncated population: it ends inside a field", e);
    } catch (IllegalArgumentException e) { // SpecException included
      throw new SnapshotException("invalid population: " + e.getMessage(), e);
    }
  }

  /**
   * Decodes what a scorer serves: the population's spec and bookkeeping, the leader's complete
   * snapshot (at the container's model version), and of every other member only its recent loss,
   * age, steps and spec (from its snapshot's header); the rest of their bytes is skipped by length.
   * The container's checksum (and signature, with a key) covers every byte all the same.
   *
   * @throws SnapshotException saying what is wrong
   */
  public static Served decodeServed(byte[] bytes, SigningKey key) {
    Header header = header(bytes, key);
    ByteBuffer in = header.body;
    try {
      ModelSpec spec =
          SpecJson.parse(new String(PopulationBytes.slice(in, "spec"), StandardCharsets.UTF_8));
      PopulationPlanCodec.skip(in, header.flags);
      long alarms = header.drift ? PopulationDriftCodec.read(in, header.relabel).alarms() : 0;
      int leader = in.getInt();
      long examples = in.getLong();
      long switches = in.getLong();
      long replacements = in.getLong();
      in.getLong(); // the generator's state
      int served = header.average ? in.getInt() : leader;
      int count = PopulationBytes.count(in, "members", MAX_MEMBERS);
      int member = served >= count ? served - count : served; // the served network's member
      if (leader < 0 || leader >= count || served < 0 || served >= 2 * count) {
        throw new SnapshotException(
            "invalid population: leader " + leader + ", served " + served + " of " + count);
      }
      ModelState lead = null;
      double averageLoss = Double.NaN;
      List<Standing> standings = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        double recentLoss = in.getDouble();
        long bornAt = in.getLong();
        byte[] snapshot = PopulationBytes.slice(in, "member " + i);
        ModelSpec memberSpec;
        long steps;
        if (i == member) {
          lead = SnapshotCodec.decode(snapshot).withVersion(header.version);
          checkMember(spec, header.warmup || header.drift, lead, i);
          memberSpec = lead.spec();
          steps = lead.steps();
          if (served >= count) {
            AverageState average = PopulationAverageCodec.read(in);
            if (average == null) {
              throw new SnapshotException(
                  "invalid population: the served average of member " + i + " is absent");
            }
            lead = average.applyTo(lead);
            averageLoss = average.recentLoss();
          } else if (header.average) {
            PopulationAverageCodec.skip(in);
          }
        } else {
          memberSpec = memberSpec(snapshot, i);
          steps = ByteBuffer.wrap(snapshot).getLong(STEPS_OFFSET);
          if (header.average) {
            PopulationAverageCodec.skip(in);
          }
        }
        standings.add(
            new Standing(
                i,
                memberSpec.optimizer().learningRate(),
                memberSpec.hidden(),
                memberSpec.inputTransform(),
                recentLoss,
                steps,
                bornAt,
                i == leader));
      }
      PopulationBytes.noneLeft(in);
      return new Served(
          header.version,
          header.createdAtMillis,
          spec,
          new ServedModel(lead, member, averageLoss, standings),
          examples,
          switches,
          replacements,
          alarms);
    } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new SnapshotException("truncated population: it ends inside a field", e);
    } catch (IllegalArgumentException e) { // SpecException included
      throw new SnapshotException("invalid population: " + e.getMessage(), e);
    }
  }

  /** Offsets in a member's snapshot header ({@link SnapshotCodec}): steps, spec length, spec. */
  private static final int STEPS_OFFSET = 32;

  private static final int SPEC_LENGTH_OFFSET = 48;

  /** A member's spec from its snapshot's header, without decoding its arrays. */
  private static ModelSpec memberSpec(byte[] snapshot, int index) {
    if (snapshot.length < SPEC_LENGTH_OFFSET + 4
        || ByteBuffer.wrap(snapshot).getInt() != SnapshotCodec.MAGIC) {
      throw new SnapshotException(
          "invalid population: member " + index + " is not a streamprop snapshot");
    }
    int length = ByteBuffer.wrap(snapshot).getInt(SPEC_LENGTH_OFFSET);
    if (length < 0 || length > snapshot.length - SPEC_LENGTH_OFFSET - 4) {
      throw new SnapshotException(
          "truncated population: member " + index + "'s spec claims " + length + " bytes");
    }
    return SpecJson.parse(
        new String(snapshot, SPEC_LENGTH_OFFSET + 4, length, StandardCharsets.UTF_8));
  }

  /**
   * The checked container header; {@code body} is positioned at the spec, limited before the end.
   */
  private record Header(
      long version,
      long createdAtMillis,
      int flags,
      boolean warmup,
      boolean drift,
      boolean average,
      boolean relabel,
      ByteBuffer body) {}

  private static Header header(byte[] bytes, SigningKey key) {
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
    if (version < VERSION_1 || version > VERSION) {
      throw new SnapshotException(
          "population container version "
              + version
              + " is not one this release reads (1 to "
              + VERSION
              + "); upgrade streamprop to read it");
    }
    int flags = Short.toUnsignedInt(in.getShort(6));
    boolean signed = (flags & SnapshotCodec.FLAG_SIGNED) != 0 && version >= VERSION;
    int known =
        FLAG_WARMUP
            | FLAG_KEEP
            | FLAG_LINEAR
            | FLAG_DRIFT
            | FLAG_AVERAGE
            | ((flags & FLAG_DRIFT) != 0 ? FLAG_RELABEL : 0)
            | (version >= VERSION ? SnapshotCodec.FLAG_SIGNED : 0);
    if ((flags & ~known) != 0) {
      throw new SnapshotException(
          String.format(
              "population has unknown flags 0x%04x for container version %d; upgrade streamprop"
                  + " to read it",
              flags, version));
    }
    int headerBytes = version >= VERSION ? 24 : 8;
    int end = bytes.length - 4 - (signed ? SigningKey.SIGNATURE_BYTES : 0);
    if (end < headerBytes) {
      throw new SnapshotException(
          "truncated population: " + bytes.length + " bytes cannot hold its header");
    }
    if (key != null) {
      if (!signed) {
        throw new SnapshotException(
            SnapshotException.Kind.UNSIGNED,
            "unsigned population snapshot: a signing key is configured, so only snapshots signed"
                + " with it are accepted; configure the publisher with the same key ("
                + SigningKey.CONFIG_KEY
                + ")",
            null);
      }
      byte[] signature = Arrays.copyOfRange(bytes, end, end + SigningKey.SIGNATURE_BYTES);
      if (!key.verify(bytes, 0, end, signature)) {
        throw new SnapshotException(
            SnapshotException.Kind.BAD_SIGNATURE,
            "bad population snapshot signature: the HMAC-SHA256 does not verify with the"
                + " configured key (signed with another key, or altered after signing)",
            null);
      }
    }
    long modelVersion = version >= VERSION ? in.getLong(8) : 0;
    long createdAt = version >= VERSION ? in.getLong(16) : 0;
    if (modelVersion < 0) {
      throw new SnapshotException("invalid population: model version " + modelVersion);
    }
    in.position(headerBytes);
    in.limit(end);
    return new Header(
        modelVersion,
        createdAt,
        flags,
        (flags & FLAG_WARMUP) != 0,
        (flags & FLAG_DRIFT) != 0,
        (flags & FLAG_AVERAGE) != 0,
        (flags & FLAG_RELABEL) != 0,
        in);
  }

  /**
   * A member learns the population's stream: same task, inputs, outputs, loss and batch size (or 1,
   * when the plan has a warm-up or the population relearns after a drift alarm), and the
   * population's input transform unless the population races them ({@code auto}).
   */
  private static void checkMember(ModelSpec spec, boolean warmup, ModelState member, int index) {
    ModelSpec m = member.spec();
    boolean batch = m.batchSize() == spec.batchSize() || (warmup && m.batchSize() == 1);
    if (m.learner() != ModelSpec.Learner.SINGLE
        || m.task() != spec.task()
        || m.inputs() != spec.inputs()
        || m.outputs() != spec.outputs()
        || m.loss() != spec.loss()
        || !batch
        || (spec.inputTransform() != ModelSpec.InputTransform.AUTO
            && m.inputTransform() != spec.inputTransform())) {
      throw new SnapshotException(
          "invalid population: member "
              + index
              + " is not a single learner of the population's task, inputs, outputs, loss, batch"
              + " size and input transform: "
              + SpecJson.write(m));
    }
  }
}
