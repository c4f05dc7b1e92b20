package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ArrayNamesTest {
  @Test
  void aNameReadTwice_isOneString_andItsBytesAreItsAscii() {
    byte[] snapshot = "xxdense.0.weightyy".getBytes(StandardCharsets.US_ASCII);
    String first = ArrayNames.read(snapshot, 2, 14);
    String second = ArrayNames.read(snapshot.clone(), 2, 14);
    assertThat(first).isEqualTo("dense.0.weight").isSameAs(second);
    assertThat(ArrayNames.bytes(first)).containsExactly("dense.0.weight".getBytes());
    assertThat(StateCodec.denseWeightName(0)).isSameAs(StateCodec.denseWeightName(0));
    assertThat(StateCodec.denseWeightName(64)).isEqualTo("dense.64.weight");
    assertThat(StateCodec.optimName(3, "m")).isEqualTo("optim.3.m");
    assertThat(StateCodec.optimName(3, "other")).isEqualTo("optim.3.other");
  }

  @Test
  void invalidNames_areNotRemembered_theCallerReportsThem() {
    byte[] bad = "dense 0".getBytes(StandardCharsets.US_ASCII);
    assertThat(ArrayNames.read(bad, 0, bad.length)).isNull();
    assertThat(ArrayNames.read(new byte[] {(byte) 0xC3, (byte) 0xA9}, 0, 2)).isNull();
    assertThat(ArrayNames.read(new byte[0], 0, 0)).isNull();
    assertThatThrownBy(() -> ArrayNames.bytes("dense 0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[A-Za-z0-9._-]");
  }
}
