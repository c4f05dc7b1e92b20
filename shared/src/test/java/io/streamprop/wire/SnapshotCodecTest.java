package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.learn.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.spec.SpecLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class SnapshotCodecTest {

  private static final ModelSpec SMALL =
      SpecJson.parse(
          "{\"feature_names\": [\"a\", \"b\", \"c\"], \"classes\": 3, \"hidden\": [4],"
              + " \"batch_norm\": true, \"batch_size\": 4}");
  private static final ModelSpec REGRESSION =
      SpecJson.parse(
          "{\"inputs\": 5, \"task\": \"regression\", \"targets\": 2, \"hidden\": [6, 3]}");
  private static final long CREATED = 1_790_000_000_000L;

  private static byte[] smallSnapshot() {
    return SnapshotCodec.encode(SnapshotFixtures.state(SMALL, 1, 3), CREATED);
  }

  /** Recomputes the trailing checksum, so that a test can reach the checks behind it. */
  private static byte[] withChecksum(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    return bytes;
  }

  private static void assertSameState(ModelState actual, ModelState expected) {
    assertThat(actual.spec()).isEqualTo(expected.spec());
    assertThat(actual.version()).isEqualTo(expected.version());
    assertThat(actual.examples()).isEqualTo(expected.examples());
    assertThat(actual.steps()).isEqualTo(expected.steps());
    assertThat(actual.skippedSteps()).isEqualTo(expected.skippedSteps());
    assertThat(actual.floats().keySet()).containsExactlyElementsOf(expected.floats().keySet());
    for (Map.Entry<String, float[]> e : expected.floats().entrySet()) {
      float[] got = actual.floats().get(e.getKey());
      assertThat(got.length).as(e.getKey()).isEqualTo(e.getValue().length);
      for (int i = 0; i < got.length; i++) {
        assertThat(Float.floatToRawIntBits(got[i]))
            .as("%s[%d]", e.getKey(), i)
            .isEqualTo(Float.floatToRawIntBits(e.getValue()[i]));
      }
    }
    assertThat(actual.doubles().keySet()).containsExactlyElementsOf(expected.doubles().keySet());
    for (Map.Entry<String, double[]> e : expected.doubles().entrySet()) {
      assertThat(actual.doubles().get(e.getKey())).as(e.getKey()).containsExactly(e.getValue());
    }
    assertThat(actual.longs()).containsExactlyEntriesOf(expected.longs());
  }

  @Test
  void state_encodedThenDecoded_bitExact() {
    for (ModelSpec spec : new ModelSpec[] {SMALL, REGRESSION}) {
      ModelState state = SnapshotFixtures.state(spec, 3, 2);
      state.floats().get("dense.0.weight")[0] = -0.0f;
      state.floats().get("dense.0.weight")[1] = Float.MIN_VALUE;
      state.floats().get("dense.0.weight")[2] = Float.MAX_VALUE;

      Snapshot back = SnapshotCodec.decodeSnapshot(SnapshotCodec.encode(state, CREATED));

      assertSameState(back.state(), state);
      assertThat(back.createdAtMillis()).isEqualTo(CREATED);
    }
  }

  @Test
  void encodedSize_staysWithinTheSpecsUpperBound() {
    for (ModelSpec spec : new ModelSpec[] {SMALL, REGRESSION}) {
      ModelState full = SnapshotFixtures.state(spec, 2, spec.batchSize() - 1);

      assertThat((long) SnapshotCodec.encode(full, CREATED).length)
          .isLessThanOrEqualTo(SpecLimits.snapshotBytesUpperBound(spec));
    }
  }

  @Test
  void equalStates_encode_toIdenticalBytes() {
    byte[] a = SnapshotCodec.encode(SnapshotFixtures.state(REGRESSION, 9, 1), CREATED);
    byte[] b = SnapshotCodec.encode(SnapshotFixtures.state(REGRESSION, 9, 1), CREATED);

    assertThat(a).isEqualTo(b);
    assertThat(SnapshotCodec.encode(SnapshotCodec.decode(a), CREATED)).isEqualTo(a);
  }

  @Test
  void header_laidOutAsDocumented() {
    byte[] bytes = smallSnapshot();
    ByteBuffer in = ByteBuffer.wrap(bytes);

    assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("SPRP");
    assertThat(in.getShort(4)).isEqualTo((short) 1);
    assertThat(in.getShort(6)).isEqualTo((short) 0);
    assertThat(in.getLong(8)).isEqualTo(5); // model version
    assertThat(in.getLong(16)).isEqualTo(CREATED);
    assertThat(in.getLong(24)).isEqualTo(1234); // examples
    assertThat(in.getLong(32)).isEqualTo(77); // steps
    assertThat(in.getLong(40)).isEqualTo(2); // skipped
    int specLength = in.getInt(48);
    assertThat(new String(bytes, 52, specLength, StandardCharsets.UTF_8))
        .isEqualTo(SpecJson.write(SMALL));
  }

  @Test
  void everySingleByteFlip_detected() {
    byte[] good = smallSnapshot();
    for (int i = 0; i < good.length; i++) {
      for (int mask : new int[] {0x01, 0x80, 0xff}) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) mask;
        int at = i;
        assertThatThrownBy(() -> SnapshotCodec.decode(bad))
            .as("byte %d ^ 0x%02x", at, mask)
            .isInstanceOf(SnapshotException.class);
      }
    }
  }

  @Test
  void flipInsideTheBody_reported_asCorrupt() {
    byte[] bad = smallSnapshot();
    bad[bad.length - 20] ^= 1;

    assertThatThrownBy(() -> SnapshotCodec.decode(bad)).hasMessageStartingWith("corrupt snapshot");
  }

  @Test
  void everyTruncation_detected_andMostlyReportedAsTruncated() {
    byte[] good = smallSnapshot();
    int saidTruncated = 0;
    for (int length = 0; length < good.length; length++) {
      byte[] cut = Arrays.copyOf(good, length);
      try {
        SnapshotCodec.decode(cut);
        throw new AssertionError("decoded a snapshot cut to " + length + " bytes");
      } catch (SnapshotException e) {
        if (e.getMessage().startsWith("truncated")) {
          saidTruncated++;
        }
      }
    }
    // Cutting a few bytes from the end only removes checksum bytes: the sections still fit.
    assertThat(saidTruncated).isGreaterThanOrEqualTo(good.length - 4);
  }

  @Test
  void notASnapshot_reported_assuch() {
    assertThatThrownBy(
            () -> SnapshotCodec.decode("{\"features\": [1]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SnapshotException.class)
        .hasMessageStartingWith("not a streamprop snapshot");
    assertThatThrownBy(() -> SnapshotCodec.decode(null)).hasMessageStartingWith("not a streamprop");
  }

  @Test
  void newerFormatVersion_reported_withUpgradeAdvice() {
    byte[] bytes = smallSnapshot();
    ByteBuffer.wrap(bytes).putShort(4, (short) 3);

    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(bytes)))
        .isInstanceOf(SnapshotException.class)
        .hasMessage(
            "snapshot written by a newer streamprop (format 3; this one reads formats 1 to 2);"
                + " upgrade streamprop to read it");
  }

  @Test
  void targetStatistics_writtenAsFormatTwo_othersStayFormatOne() {
    ModelState withTargets = SnapshotFixtures.state(REGRESSION, 5, 1);
    ModelState legacy = SnapshotFixtures.state(REGRESSION, 5, 1);
    for (String name : new String[] {"target.count", "target.mean", "target.m2"}) {
      legacy.doubles().remove(name);
    }

    byte[] two = SnapshotCodec.encode(withTargets, CREATED);
    byte[] one = SnapshotCodec.encode(legacy, CREATED);

    assertThat(ByteBuffer.wrap(two).getShort(4)).isEqualTo((short) 2);
    assertThat(ByteBuffer.wrap(one).getShort(4)).isEqualTo((short) 1);
    assertThat(ByteBuffer.wrap(smallSnapshot()).getShort(4)).isEqualTo((short) 1);
    assertSameState(SnapshotCodec.decode(two), withTargets);
    assertSameState(SnapshotCodec.decode(one), legacy);
  }

  @Test
  void formatVersionThatDisagreesWithTargetStatistics_refused() {
    byte[] two = SnapshotCodec.encode(SnapshotFixtures.state(REGRESSION, 5, 1), CREATED);
    ByteBuffer.wrap(two).putShort(4, (short) 1);
    byte[] one = smallSnapshot();
    ByteBuffer.wrap(one).putShort(4, (short) 2);

    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(two)))
        .isInstanceOf(SnapshotException.class)
        .hasMessage(
            "corrupt snapshot: format 1 cannot hold target statistics (target.count,"
                + " target.mean, target.m2)");
    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(one)))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("format 2 must hold target statistics");
  }

  @Test
  void badTargetStatistics_refused_onEncode() {
    ModelState wrongLength = SnapshotFixtures.state(REGRESSION, 1, 0);
    wrongLength.doubles().put("target.mean", new double[3]);
    ModelState partial = SnapshotFixtures.state(REGRESSION, 1, 0);
    partial.doubles().remove("target.m2");
    ModelState infinite = SnapshotFixtures.state(REGRESSION, 1, 0);
    infinite.doubles().get("target.m2")[1] = Double.POSITIVE_INFINITY;
    ModelState classification = SnapshotFixtures.state(SMALL, 1, 0);
    classification.doubles().put("target.count", new double[] {1});
    classification.doubles().put("target.mean", new double[3]);
    classification.doubles().put("target.m2", new double[3]);

    assertThatThrownBy(() -> SnapshotCodec.encode(wrongLength, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target.mean: expected 2 values for the spec, got 3");
    assertThatThrownBy(() -> SnapshotCodec.encode(partial, 0))
        .hasMessageContaining("it has 2 of the target statistics");
    assertThatThrownBy(() -> SnapshotCodec.encode(infinite, 0))
        .hasMessageContaining("target.m2[1] is Infinity");
    assertThatThrownBy(() -> SnapshotCodec.encode(classification, 0))
        .hasMessageContaining(
            "target.count: target statistics need a regression spec with standardize true, the"
                + " spec has task classification");
  }

  @Test
  void unknownFlags_refused() {
    byte[] unknown = smallSnapshot();
    ByteBuffer.wrap(unknown).putShort(6, (short) 0x0100);

    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(unknown)))
        .hasMessageContaining("unknown flags 0x0100");
  }

  @Test
  void arrayThatDoesNotMatchTheSpec_refused_onDecode() {
    // Same-length edit of the embedded spec: hidden [4] becomes hidden [5].
    byte[] bytes = smallSnapshot();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\"hidden\":[4]");
    bytes[at + "\"hidden\":[".length()] = '5';

    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(bytes)))
        .isInstanceOf(SnapshotException.class)
        .hasMessage(
            "snapshot does not match its spec: dense.0.weight: expected 15 values for the spec, got"
                + " 12");
  }

  @Test
  void invalidSpecInside_refused_onDecode() {
    byte[] bytes = smallSnapshot();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\"classes\":3");
    bytes[at + "\"classes\":".length()] = '1';

    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(bytes)))
        .hasMessageStartingWith("snapshot holds an invalid spec: classes: must be in 2..10000");
  }

  @Test
  void badStates_refused_onEncode() {
    ModelState wrongShape = SnapshotFixtures.state(SMALL, 1, 0);
    wrongShape.floats().put("dense.1.bias", new float[4]);
    ModelState nan = SnapshotFixtures.state(SMALL, 1, 0);
    nan.floats().get("optim.0.v")[3] = Float.NaN;
    ModelState missing = SnapshotFixtures.state(SMALL, 1, 0);
    missing.floats().remove("bn.0.running_var");
    ModelState extraLayer = SnapshotFixtures.state(SMALL, 1, 0);
    extraLayer.floats().put("dense.2.bias", new float[3]);
    ModelState badName = SnapshotFixtures.state(SMALL, 1, 0);
    badName.longs().put("rng state", 1L);
    ModelState optimLength = SnapshotFixtures.state(SMALL, 1, 0);
    optimLength.floats().put("optim.2.m", new float[12]); // tensor 2 is bn.0.gamma: 4 values
    ModelState optimIndex = SnapshotFixtures.state(SMALL, 1, 0);
    optimIndex.floats().put("optim.6.m", new float[3]);
    ModelState pending = SnapshotFixtures.state(SMALL, 1, 0);
    pending.floats().put("pending.features", new float[4]);

    assertThatThrownBy(() -> SnapshotCodec.encode(wrongShape, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dense.1.bias: expected 3 values for the spec, got 4");
    assertThatThrownBy(() -> SnapshotCodec.encode(nan, 0))
        .hasMessageContaining("optim.0.v[3] is NaN");
    assertThatThrownBy(() -> SnapshotCodec.encode(missing, 0))
        .hasMessageContaining("bn.0.running_var is missing");
    assertThatThrownBy(() -> SnapshotCodec.encode(extraLayer, 0))
        .hasMessageContaining("the spec has 2 dense layers");
    assertThatThrownBy(() -> SnapshotCodec.encode(badName, 0)).hasMessageContaining("rng state");
    assertThatThrownBy(() -> SnapshotCodec.encode(optimLength, 0))
        .hasMessageContaining("optim.2.m: expected 4 values for the spec, got 12");
    assertThatThrownBy(() -> SnapshotCodec.encode(optimIndex, 0))
        .hasMessageContaining("optim.6.m: the spec has 6 parameter tensors (0..5)");
    assertThatThrownBy(() -> SnapshotCodec.encode(pending, 0))
        .hasMessageContaining("pending.features: expected a multiple of 3");
  }

  @Test
  void unknownArrays_carried_unchecked() {
    ModelState state = SnapshotFixtures.state(REGRESSION, 4, 0);
    Map<String, double[]> doubles = new LinkedHashMap<>(state.doubles());
    doubles.put("loss.ema", new double[] {Double.POSITIVE_INFINITY, 0.5});
    ModelState extended =
        new ModelState(state.spec(), 1, 0, 0, 0, state.floats(), doubles, state.longs());

    assertSameState(SnapshotCodec.decode(SnapshotCodec.encode(extended, 0)), extended);
  }

  @Test
  void randomGarbage_refused_withSnapshotExceptionOnly() {
    SplittableRandom random = new SplittableRandom(5);
    byte[] good = smallSnapshot();
    for (int round = 0; round < 5000; round++) {
      byte[] bytes;
      if (round % 2 == 0) {
        bytes = new byte[random.nextInt(200)];
        for (int i = 0; i < bytes.length; i++) {
          bytes[i] = (byte) random.nextInt(256);
        }
        if (bytes.length >= 6 && random.nextBoolean()) {
          System.arraycopy(good, 0, bytes, 0, 6); // magic and version, so the checks go deeper
        }
      } else {
        bytes = good.clone();
        for (int k = 0; k < 1 + random.nextInt(3); k++) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
      }
      if (bytes.length >= 4 && random.nextBoolean()) {
        withChecksum(bytes); // valid checksum: only the structural checks stand between
      }
      try {
        SnapshotCodec.decode(bytes);
      } catch (SnapshotException e) {
        assertThat(e.getMessage()).isNotBlank();
      } catch (RuntimeException e) {
        throw new AssertionError("round " + round + " threw " + e, e);
      }
    }
  }

  @Test
  void forgedLengths_refused_withoutHugeAllocations() {
    byte[] bytes = smallSnapshot();
    ByteBuffer.wrap(bytes).putInt(48, 0x7fffffff); // spec length

    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(bytes)))
        .hasMessageStartingWith("truncated snapshot: spec needs 2147483647 bytes");
  }
}
