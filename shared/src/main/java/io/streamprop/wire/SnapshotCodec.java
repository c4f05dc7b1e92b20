package io.streamprop.wire;

import io.streamprop.learn.state.Counters;
import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.NamedArrays;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecException;
import io.streamprop.spec.SpecJson;
import io.streamprop.spec.SpecLimits;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The binary snapshot format (specified byte by byte in {@code docs/snapshot-format.md}): magic
 * {@code SPRP}, format version, flags, model version, creation time, counters, the spec as JSON,
 * every state array (float32, float64, int64 sections, named by {@link StateCodec}), and a trailing
 * CRC32C of everything before it. All integers are big-endian.
 *
 * <p>Decoding a corrupt, truncated or unknown-format snapshot throws {@link SnapshotException}
 * saying which; it never yields a wrong model. Decoding checks the magic, the checksum, the version
 * and flags, every length against the bytes that remain (so garbage cannot provoke a huge
 * allocation), re-validates the spec, checks the shapes of the arrays whose names the engine
 * defines against the spec, and refuses non-finite values in them.
 *
 * <p>Encoding is deterministic: equal states and the same creation time give identical bytes.
 */
public final class SnapshotCodec {
  private SnapshotCodec() {}

  /** The four bytes every snapshot starts with: ASCII {@code SPRP}. */
  public static final int MAGIC = 0x53505250;

  /**
   * The newest format version this code reads and writes. Format 2 is format 1's layout for a state
   * that holds target statistics ({@code target.*}, a regression model that learns standardized
   * targets): a reader that predates them would decode such a snapshot and predict in standardized
   * units, a wrong model, so it must refuse it as too new instead. Format 3 is the same layout for
   * a spec with raw features ({@code features}): embedding tables ({@code embedding.<k>.weight})
   * and their optimizer slots, the pending bags ({@code pending.ids.<k>}, {@code
   * pending.offsets.<k>}) and the per-column counts of the input statistics ({@code norm.counts});
   * a reader of formats 1 and 2 could not use them. Every other state is written as format 1 or 2
   * as before, which their readers decode unchanged.
   */
  public static final int FORMAT_VERSION = 3;

  /** The format version of states of a spec of numbers with target statistics. */
  static final int FORMAT_VERSION_2 = 2;

  /** The format version of states without target statistics. */
  static final int FORMAT_VERSION_1 = 1;

  /**
   * Flag bit of signed snapshots: a 32-byte HMAC-SHA256 of every byte before it (header with this
   * flag set included), placed just before the checksum. See {@link SigningKey}.
   */
  public static final int FLAG_SIGNED = 0x0001;

  /** Bytes before the spec: magic, version, flags and five int64 fields. */
  static final int HEADER_BYTES = 4 + 2 + 2 + 5 * 8;

  /** The smallest possible snapshot: header, empty spec length, three empty sections, checksum. */
  static final int MIN_BYTES = HEADER_BYTES + 4 + 3 * 4 + 4;

  static final int MAX_NAME_BYTES = 255;

  /** Encodes the state, stamped with the current time; see {@link #encode(ModelState, long)}. */
  public static byte[] encode(ModelState state) {
    return encode(state, System.currentTimeMillis());
  }

  /**
   * Encodes the state. Equal states with the same time give the same bytes.
   *
   * @throws IllegalArgumentException if the state breaks a rule that decoding would enforce (a bad
   *     array name or shape, a non-finite weight, a negative counter, a snapshot above {@link
   *     SpecLimits#MAX_SNAPSHOT_BYTES})
   */
  public static byte[] encode(ModelState state, long createdAtMillis) {
    return encode(state, createdAtMillis, null);
  }

  /**
   * Encodes the state and, when {@code key} is not null, signs it: sets {@link #FLAG_SIGNED} and
   * places the HMAC-SHA256 of all bytes before it just before the checksum. A null key gives the
   * same bytes as {@link #encode(ModelState, long)}.
   *
   * @throws IllegalArgumentException as {@link #encode(ModelState, long)}
   */
  public static byte[] encode(ModelState state, long createdAtMillis, SigningKey key) {
    if (state == null) {
      throw new IllegalArgumentException("state must be given");
    }
    NamedArrays arrays = StateCodec.toArrays(state);
    try {
      StateRules.check(state.spec(), state.counters(), arrays);
    } catch (SnapshotException e) {
      throw new IllegalArgumentException("cannot encode model state: " + e.getMessage(), e);
    }
    return write(state.spec(), state.counters(), arrays, createdAtMillis, key);
  }

  /**
   * Lays out a snapshot of named arrays, in their order, without checking them against the spec
   * (what {@link #encode(ModelState, long, SigningKey)} does first).
   *
   * @throws IllegalArgumentException for a bad array name or a snapshot above {@link
   *     SpecLimits#MAX_SNAPSHOT_BYTES}
   */
  static byte[] write(
      ModelSpec modelSpec,
      Counters counters,
      NamedArrays arrays,
      long createdAtMillis,
      SigningKey key) {
    byte[] spec = SpecMemo.json(modelSpec);
    int signatureBytes = key == null ? 0 : SigningKey.SIGNATURE_BYTES;
    long size = HEADER_BYTES + 4L + spec.length + 4 + 4 + 4 + signatureBytes + 4;
    for (Map.Entry<String, float[]> e : arrays.floats().entrySet()) {
      size += 2 + nameBytes(e.getKey()).length + 4 + 4L * e.getValue().length;
    }
    for (Map.Entry<String, double[]> e : arrays.doubles().entrySet()) {
      size += 2 + nameBytes(e.getKey()).length + 4 + 8L * e.getValue().length;
    }
    for (Map.Entry<String, Long> e : arrays.longs().entrySet()) {
      size += 2 + nameBytes(e.getKey()).length + 8;
    }
    if (size > SpecLimits.MAX_SNAPSHOT_BYTES) {
      throw new IllegalArgumentException(
          "snapshot would be "
              + size
              + " bytes, more than SpecLimits.MAX_SNAPSHOT_BYTES = "
              + SpecLimits.MAX_SNAPSHOT_BYTES);
    }
    ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.BIG_ENDIAN);
    out.putInt(MAGIC);
    out.putShort((short) StateRules.formatVersion(modelSpec, arrays));
    out.putShort((short) (key == null ? 0 : FLAG_SIGNED));
    out.putLong(counters.version());
    out.putLong(createdAtMillis);
    out.putLong(counters.examples());
    out.putLong(counters.steps());
    out.putLong(counters.skippedSteps());
    out.putInt(spec.length);
    out.put(spec);

    out.putInt(arrays.floats().size());
    for (Map.Entry<String, float[]> e : arrays.floats().entrySet()) {
      putName(out, e.getKey());
      float[] values = e.getValue();
      out.putInt(values.length);
      out.asFloatBuffer().put(values);
      out.position(out.position() + 4 * values.length);
    }
    out.putInt(arrays.doubles().size());
    for (Map.Entry<String, double[]> e : arrays.doubles().entrySet()) {
      putName(out, e.getKey());
      double[] values = e.getValue();
      out.putInt(values.length);
      out.asDoubleBuffer().put(values);
      out.position(out.position() + 8 * values.length);
    }
    out.putInt(arrays.longs().size());
    for (Map.Entry<String, Long> e : arrays.longs().entrySet()) {
      putName(out, e.getKey());
      out.putLong(e.getValue());
    }
    if (key != null) {
      out.put(key.sign(out.array(), 0, out.position()));
    }
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /**
   * Decodes a snapshot's model state without verifying signatures: a signed snapshot decodes as
   * well as an unsigned one (its signature is skipped, not checked).
   *
   * @throws SnapshotException saying what is wrong and, for an unknown version, what to do
   */
  public static ModelState decode(byte[] bytes) {
    return decodeSnapshot(bytes, null).state();
  }

  /**
   * Decodes a snapshot's model state; with a key, only a snapshot signed with that key decodes.
   *
   * @throws SnapshotException saying what is wrong; {@link SnapshotException#kind()} is {@code
   *     UNSIGNED} or {@code BAD_SIGNATURE} for a signature failure
   */
  public static ModelState decode(byte[] bytes, SigningKey key) {
    return decodeSnapshot(bytes, key).state();
  }

  /** Decodes a snapshot without verifying signatures; see {@link #decode(byte[])}. */
  public static Snapshot decodeSnapshot(byte[] bytes) {
    return decodeSnapshot(bytes, null);
  }

  /**
   * Decodes a snapshot: the model state and its creation time. With a key (not null), a snapshot
   * without the signed flag is refused ({@code UNSIGNED}), and one whose HMAC-SHA256 does not
   * verify is refused ({@code BAD_SIGNATURE}); the signature is checked after the checksum and
   * before anything else is parsed. Without a key, a signed snapshot decodes and its signature is
   * ignored.
   *
   * @throws SnapshotException saying what is wrong and, for an unknown version, what to do
   */
  public static Snapshot decodeSnapshot(byte[] bytes, SigningKey key) {
    if (bytes == null) {
      throw new SnapshotException("not a streamprop snapshot: no bytes (null)");
    }
    checkMagic(bytes);
    if (bytes.length > SpecLimits.MAX_SNAPSHOT_BYTES) {
      throw new SnapshotException(
          "snapshot is "
              + bytes.length
              + " bytes, more than the limit of "
              + SpecLimits.MAX_SNAPSHOT_BYTES);
    }
    if (bytes.length < HEADER_BYTES + 8) {
      throw new SnapshotException(
          "truncated snapshot: " + bytes.length + " bytes, the header alone needs " + HEADER_BYTES);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    int version = Short.toUnsignedInt(in.getShort(4));
    // Every format version, present and future, ends with a CRC32C of all bytes before it.
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    boolean checksumOk = (int) crc.getValue() == in.getInt(bytes.length - 4);
    int flags = Short.toUnsignedInt(in.getShort(6));
    boolean signed = (flags & FLAG_SIGNED) != 0;
    int signatureBytes = signed ? SigningKey.SIGNATURE_BYTES : 0;
    if (!checksumOk) {
      if (version >= FORMAT_VERSION_1
          && version <= FORMAT_VERSION
          && runsPastEnd(bytes, bytes.length - 4L - signatureBytes)) {
        throw new SnapshotException(
            "truncated snapshot: its sections need more than its " + bytes.length + " bytes");
      }
      throw new SnapshotException(
          "corrupt snapshot: CRC32C checksum mismatch (" + bytes.length + " bytes)");
    }
    if (version > FORMAT_VERSION) {
      throw new SnapshotException(
          "snapshot written by a newer streamprop (format "
              + version
              + "; this one reads formats 1 to "
              + FORMAT_VERSION
              + "); upgrade streamprop to read it");
    }
    if (version < 1) {
      throw new SnapshotException("corrupt snapshot: format version 0 does not exist");
    }
    if ((flags & ~FLAG_SIGNED) != 0) {
      throw new SnapshotException(
          String.format(
              "snapshot has unknown flags 0x%04x (written by a newer streamprop?); upgrade"
                  + " streamprop to read it",
              flags));
    }
    int end = bytes.length - 4 - signatureBytes;
    if (end < HEADER_BYTES + 4) {
      throw new SnapshotException(
          "truncated snapshot: " + bytes.length + " bytes cannot hold a header and a signature");
    }
    if (key != null) {
      if (!signed) {
        throw new SnapshotException(
            SnapshotException.Kind.UNSIGNED,
            "unsigned snapshot: a signing key is configured, so only snapshots signed with it"
                + " (flag 0x0001, HMAC-SHA256) are accepted; configure the publisher with the"
                + " same key ("
                + SigningKey.CONFIG_KEY
                + ")",
            null);
      }
      byte[] signature = Arrays.copyOfRange(bytes, end, end + SigningKey.SIGNATURE_BYTES);
      if (!key.verify(bytes, 0, end, signature)) {
        throw new SnapshotException(
            SnapshotException.Kind.BAD_SIGNATURE,
            "bad snapshot signature: the HMAC-SHA256 does not verify with the configured key"
                + " (signed with another key, or altered after signing)",
            null);
      }
    }
    try {
      return read(in, end);
    } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new SnapshotException("truncated snapshot: a section runs past the end", e);
    }
  }

  private static void checkMagic(byte[] bytes) {
    byte[] magic = {'S', 'P', 'R', 'P'};
    for (int i = 0; i < Math.min(4, bytes.length); i++) {
      if (bytes[i] != magic[i]) {
        throw new SnapshotException(
            "not a streamprop snapshot: it does not start with the bytes \"SPRP\"");
      }
    }
    if (bytes.length < 4) {
      throw new SnapshotException("truncated snapshot: " + bytes.length + " bytes");
    }
  }

  private static Snapshot read(ByteBuffer in, int end) {
    in.position(8);
    long modelVersion = in.getLong();
    long createdAt = in.getLong();
    long examples = in.getLong();
    long steps = in.getLong();
    long skipped = in.getLong();
    int specLength = length(in, end, 1, "spec");
    byte[] specBytes = new byte[specLength];
    in.get(specBytes);
    ModelSpec spec;
    try {
      spec = SpecMemo.parse(specBytes, json -> SpecJson.parse(strictUtf8(json, "spec")));
    } catch (SpecException e) {
      throw new SnapshotException("snapshot holds an invalid spec: " + e.getMessage(), e);
    }

    int floatCount = count(in, end, 2 + 1 + 4, "float arrays");
    Map<String, float[]> floats = new LinkedHashMap<>();
    for (int i = 0; i < floatCount; i++) {
      String name = readName(in, end, floats);
      float[] values = new float[length(in, end, 4, name)];
      in.asFloatBuffer().get(values);
      in.position(in.position() + 4 * values.length);
      floats.put(name, values);
    }
    int doubleCount = count(in, end, 2 + 1 + 4, "double arrays");
    Map<String, double[]> doubles = new LinkedHashMap<>();
    for (int i = 0; i < doubleCount; i++) {
      String name = readName(in, end, doubles);
      double[] values = new double[length(in, end, 8, name)];
      in.asDoubleBuffer().get(values);
      in.position(in.position() + 8 * values.length);
      doubles.put(name, values);
    }
    int longCount = count(in, end, 2 + 1 + 8, "longs");
    Map<String, Long> longs = new LinkedHashMap<>();
    for (int i = 0; i < longCount; i++) {
      String name = readName(in, end, longs);
      need(in, end, 8, name);
      longs.put(name, in.getLong());
    }
    if (in.position() != end) {
      throw new SnapshotException(
          "corrupt snapshot: "
              + (end - in.position())
              + " unexpected bytes after the last section");
    }
    Counters counters = new Counters(modelVersion, examples, steps, skipped);
    NamedArrays arrays = new NamedArrays(floats, doubles, longs);
    StateRules.check(spec, counters, arrays);
    int version = Short.toUnsignedInt(in.getShort(4));
    int expected = StateRules.formatVersion(spec, arrays);
    if (expected != version) {
      if (expected == FORMAT_VERSION || version == FORMAT_VERSION) {
        throw new SnapshotException(
            "corrupt snapshot: format "
                + version
                + (version == FORMAT_VERSION ? " needs" : " cannot hold")
                + " a spec with raw features; this one is format "
                + expected);
      }
      throw new SnapshotException(
          "corrupt snapshot: format "
              + version
              + (version == FORMAT_VERSION_1 ? " cannot hold" : " must hold")
              + " target statistics ("
              + String.join(", ", StateCodec.TARGET_ARRAYS)
              + ")");
    }
    ModelState state = StateCodec.fromArrays(spec, counters, arrays);
    return new Snapshot(state, createdAt);
  }

  /**
   * Walks the section lengths of a format-1 snapshot without allocating: true if they need more
   * bytes than there are (the snapshot was cut short), false if they fit.
   */
  private static boolean runsPastEnd(byte[] bytes, long end) {
    long pos = HEADER_BYTES;
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    if (pos + 4 > end) {
      return true;
    }
    pos += 4 + Integer.toUnsignedLong(in.getInt((int) pos));
    int[] elementBytes = {4, 8, 0};
    for (int section = 0; section < 3; section++) {
      if (pos + 4 > end) {
        return true;
      }
      long count = Integer.toUnsignedLong(in.getInt((int) pos));
      pos += 4;
      for (long i = 0; i < count; i++) {
        if (pos + 2 > end) {
          return true;
        }
        pos += 2 + Short.toUnsignedInt(in.getShort((int) pos));
        if (elementBytes[section] == 0) {
          pos += 8;
        } else {
          if (pos + 4 > end) {
            return true;
          }
          pos += 4 + elementBytes[section] * Integer.toUnsignedLong(in.getInt((int) pos));
        }
      }
    }
    return pos > end;
  }

  private static void need(ByteBuffer in, int end, long bytes, String what) {
    if (bytes > end - in.position()) {
      throw new SnapshotException(
          "truncated snapshot: "
              + what
              + " needs "
              + bytes
              + " bytes, only "
              + (end - in.position())
              + " remain");
    }
  }

  /** A u32 element count whose elements ({@code elementBytes} each) must fit before the end. */
  private static int length(ByteBuffer in, int end, int elementBytes, String what) {
    need(in, end, 4, what + " length");
    long length = Integer.toUnsignedLong(in.getInt());
    need(in, end, length * elementBytes, what);
    return (int) length;
  }

  /** A u32 entry count; each entry takes at least {@code minEntryBytes}. */
  private static int count(ByteBuffer in, int end, int minEntryBytes, String what) {
    need(in, end, 4, what + " count");
    long count = Integer.toUnsignedLong(in.getInt());
    need(in, end, count * minEntryBytes, count + " " + what);
    return (int) count;
  }

  private static String readName(ByteBuffer in, int end, Map<String, ?> seen) {
    need(in, end, 2, "array name length");
    int length = Short.toUnsignedInt(in.getShort());
    need(in, end, length, "array name");
    String name = ArrayNames.read(in.array(), in.arrayOffset() + in.position(), length);
    if (name == null) { // not a valid name: say why
      byte[] raw = new byte[length];
      in.get(raw);
      name = strictUtf8(raw, "array name");
      StateRules.checkName(name);
    } else {
      in.position(in.position() + length);
    }
    if (seen.containsKey(name)) {
      throw new SnapshotException("corrupt snapshot: array \"" + name + "\" appears twice");
    }
    return name;
  }

  private static String strictUtf8(byte[] raw, String what) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      throw new SnapshotException("corrupt snapshot: " + what + " is not valid UTF-8", e);
    }
  }

  private static byte[] nameBytes(String name) {
    return ArrayNames.bytes(name);
  }

  private static void putName(ByteBuffer out, String name) {
    byte[] raw = nameBytes(name);
    out.putShort((short) raw.length);
    out.put(raw);
  }
}
