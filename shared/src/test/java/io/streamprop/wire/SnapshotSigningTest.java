package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** Signed snapshots: HMAC-SHA256 under flag bit 0, verified when a key is configured. */
class SnapshotSigningTest {
  private static final ModelSpec SPEC =
      SpecJson.parse("{\"inputs\": 3, \"classes\": 3, \"hidden\": [4], \"batch_size\": 4}");
  private static final long CREATED = 1_790_000_000_000L;
  private static final SigningKey KEY = SigningKey.of(filled(32, (byte) 7));
  private static final SigningKey OTHER_KEY = SigningKey.of(filled(32, (byte) 8));

  private static byte[] filled(int n, byte value) {
    byte[] bytes = new byte[n];
    Arrays.fill(bytes, value);
    return bytes;
  }

  private static ModelState state() {
    return SnapshotFixtures.state(SPEC, 1, 3);
  }

  private static byte[] withChecksum(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    return bytes;
  }

  @Test
  void signedSnapshot_layout_flagSetAnd32MoreBytes() {
    byte[] unsigned = SnapshotCodec.encode(state(), CREATED);
    byte[] signed = SnapshotCodec.encode(state(), CREATED, KEY);

    assertThat(signed).hasSize(unsigned.length + SigningKey.SIGNATURE_BYTES);
    assertThat(ByteBuffer.wrap(signed).getShort(6)).isEqualTo((short) SnapshotCodec.FLAG_SIGNED);
    int end = signed.length - 4 - 32;
    assertThat(Arrays.copyOfRange(signed, end, end + 32)).isEqualTo(KEY.sign(signed, 0, end));
    assertThat(SnapshotCodec.encode(state(), CREATED, null)).isEqualTo(unsigned);
  }

  @Test
  void signedSnapshot_decodedWithTheKey_sameState() {
    byte[] signed = SnapshotCodec.encode(state(), CREATED, KEY);

    Snapshot decoded = SnapshotCodec.decodeSnapshot(signed, KEY);

    assertThat(decoded.createdAtMillis()).isEqualTo(CREATED);
    assertThat(SnapshotCodec.encode(decoded.state(), CREATED, KEY)).isEqualTo(signed);
  }

  @Test
  void signedSnapshot_decodedWithoutKey_signatureIgnored() {
    byte[] signed = SnapshotCodec.encode(state(), CREATED, KEY);

    ModelState decoded = SnapshotCodec.decode(signed);

    assertThat(SnapshotCodec.encode(decoded, CREATED))
        .isEqualTo(SnapshotCodec.encode(state(), CREATED));
  }

  @Test
  void unsignedSnapshot_withKey_refusedAsUnsigned() {
    byte[] unsigned = SnapshotCodec.encode(state(), CREATED);

    assertThatThrownBy(() -> SnapshotCodec.decode(unsigned, KEY))
        .isInstanceOfSatisfying(
            SnapshotException.class,
            e -> assertThat(e.kind()).isEqualTo(SnapshotException.Kind.UNSIGNED))
        .hasMessageStartingWith("unsigned snapshot: a signing key is configured");
  }

  @Test
  void signedWithAnotherKey_refusedAsBadSignature() {
    byte[] signed = SnapshotCodec.encode(state(), CREATED, OTHER_KEY);

    assertThatThrownBy(() -> SnapshotCodec.decode(signed, KEY))
        .isInstanceOfSatisfying(
            SnapshotException.class,
            e -> assertThat(e.kind()).isEqualTo(SnapshotException.Kind.BAD_SIGNATURE))
        .hasMessageStartingWith("bad snapshot signature");
  }

  @Test
  void signedThenAlteredWithFreshChecksum_refusedAsBadSignature() {
    byte[] signed = SnapshotCodec.encode(state(), CREATED, KEY);
    // An attacker bumps the model version and recomputes the CRC: only the HMAC catches it.
    ByteBuffer.wrap(signed).putLong(8, 999);
    withChecksum(signed);

    assertThatThrownBy(() -> SnapshotCodec.decode(signed, KEY))
        .isInstanceOfSatisfying(
            SnapshotException.class,
            e -> assertThat(e.kind()).isEqualTo(SnapshotException.Kind.BAD_SIGNATURE));
  }

  @Test
  void unsignedWithFlagForged_refusedAsBadSignature() {
    byte[] unsigned = SnapshotCodec.encode(state(), CREATED);
    ByteBuffer.wrap(unsigned).putShort(6, (short) SnapshotCodec.FLAG_SIGNED);
    withChecksum(unsigned);

    assertThatThrownBy(() -> SnapshotCodec.decode(unsigned, KEY))
        .isInstanceOfSatisfying(
            SnapshotException.class,
            e -> assertThat(e.kind()).isEqualTo(SnapshotException.Kind.BAD_SIGNATURE));
  }

  @Test
  void damagedSignedSnapshot_refusedAsCorruptBeforeSignature() {
    byte[] signed = SnapshotCodec.encode(state(), CREATED, KEY);
    signed[60] ^= 1;

    assertThatThrownBy(() -> SnapshotCodec.decode(signed, KEY))
        .isInstanceOfSatisfying(
            SnapshotException.class,
            e -> assertThat(e.kind()).isEqualTo(SnapshotException.Kind.INVALID))
        .hasMessageContaining("CRC32C");
  }
}
