package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * What the codec remembers between snapshots (the spec's JSON, the answers of its name patterns)
 * changes no byte and no answer: it only spares work.
 */
class SnapshotMemoTest {
  private static final ModelSpec SMALL =
      SpecJson.parse("{\"inputs\": 8, \"classes\": 2, \"hidden\": [16], \"batch_size\": 4}");

  @Test
  void rememberedSpecJson_isWhatSpecJsonWrites_forEverySpecInstance() {
    for (int i = 0; i < 3 * SpecMemo.SLOTS; i++) {
      ModelSpec spec = SpecJson.parse("{\"inputs\": " + (1 + i % 7) + ", \"classes\": 2}");
      byte[] expected = SpecJson.write(spec).getBytes(StandardCharsets.UTF_8);
      assertThat(SpecMemo.json(spec)).isEqualTo(expected);
      assertThat(SpecMemo.json(spec)).isEqualTo(expected);
    }
  }

  @Test
  void decodingEqualSpecs_givesOneSpecInstance_andTheSameStateAsEncoded() {
    ModelState state = SnapshotFixtures.state(SMALL, 1, 3);
    byte[] a = SnapshotCodec.encode(state, 1L);
    byte[] b = SnapshotCodec.encode(state, 2L);
    ModelState first = SnapshotCodec.decode(a);
    ModelState second = SnapshotCodec.decode(b);
    assertThat(second.spec()).isSameAs(first.spec()).isEqualTo(SMALL);
    assertThat(SnapshotCodec.encode(second, 1L)).isEqualTo(a);
  }

  @Test
  void aSpecThatDoesNotParse_isRefusedEveryTime_notRemembered() {
    byte[] good = SnapshotCodec.encode(SnapshotFixtures.state(SMALL, 1, 3), 1L);
    String json = SpecJson.write(SMALL);
    // Same length, an invalid value: the checksum is fixed up so only the spec is wrong.
    String invalid = json.replaceFirst("\"inputs\": ?8", "\"inputs\":0");
    assertThat(invalid).isNotEqualTo(json);
    byte[] bad = replace(good, json, invalid.length() < json.length() ? invalid + " " : invalid);
    for (int attempt = 0; attempt < 2; attempt++) {
      assertThatThrownBy(() -> SnapshotCodec.decode(bad))
          .isInstanceOf(SnapshotException.class)
          .hasMessageContaining("invalid spec");
    }
    assertThat(SnapshotCodec.decode(good).spec()).isEqualTo(SMALL);
  }

  /** The bytes with one same-length run replaced and the checksum recomputed. */
  private static byte[] replace(byte[] bytes, String from, String to) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = text.indexOf(from);
    assertThat(at).isPositive();
    assertThat(to).hasSameSizeAs(from);
    byte[] out = bytes.clone();
    System.arraycopy(to.getBytes(StandardCharsets.ISO_8859_1), 0, out, at, to.length());
    CRC32C crc = new CRC32C();
    crc.update(out, 0, out.length - 4);
    ByteBuffer.wrap(out).putInt(out.length - 4, (int) crc.getValue());
    return out;
  }

  @Test
  void validName_agreesWithThePattern_onRandomStrings() {
    Pattern name = Pattern.compile("[A-Za-z0-9._-]{1,255}");
    SplittableRandom random = new SplittableRandom(19);
    String alphabet = "aZ09._-/ é\u0000+";
    for (int i = 0; i < 20_000; i++) {
      int length = random.nextInt(4) == 0 ? 250 + random.nextInt(10) : random.nextInt(6);
      StringBuilder s = new StringBuilder();
      for (int k = 0; k < length; k++) {
        s.append(alphabet.charAt(random.nextInt(random.nextInt(5) == 0 ? alphabet.length() : 7)));
      }
      String candidate = s.toString();
      assertThat(StateRules.validName(candidate))
          .as("\"%s\"", candidate)
          .isEqualTo(name.matcher(candidate).matches());
    }
    assertThat(StateRules.validName(null)).isFalse();
  }

  @Test
  void namePattern_answersAsItsRegex_beforeAndAfterItsMemoIsFull() {
    Pattern regex = Pattern.compile("optim\\.(0|[1-9]\\d{0,5})\\.([A-Za-z0-9_]+)");
    NamePattern optim = new NamePattern(regex.pattern());
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < NamePattern.MAX_REMEMBERED + 100; i++) {
        String name =
            i % 3 == 0 ? "optim." + i + ".m" : i % 3 == 1 ? "optim.0" + i + ".v" : "x" + i;
        var m = regex.matcher(name);
        if (m.matches()) {
          assertThat(optim.groups(name)).containsExactly(m.group(1), m.group(2));
        } else {
          assertThat(optim.groups(name)).as(name).isNull();
        }
        assertThat(optim.matches(name)).isEqualTo(m.matches());
      }
    }
  }
}
