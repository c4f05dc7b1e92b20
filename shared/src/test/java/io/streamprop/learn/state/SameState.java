package io.streamprop.learn.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.wire.StateCodec;
import java.util.Map;

/** Bit-for-bit comparison of model states: spec, counters (not the version), every array. */
public final class SameState {
  private SameState() {}

  /**
   * Every array of both states, by the name the snapshot gives it, in the same order with the same
   * bits (so -0.0 against 0.0, or another NaN, fails too); failures name the array and the index.
   */
  public static void assertSameState(ModelState actual, ModelState expected) {
    assertThat(actual.spec()).isEqualTo(expected.spec());
    assertThat(actual.examples()).as("examples").isEqualTo(expected.examples());
    assertThat(actual.steps()).as("steps").isEqualTo(expected.steps());
    assertThat(actual.skippedSteps()).as("skipped steps").isEqualTo(expected.skippedSteps());
    NamedArrays a = StateCodec.toArrays(actual);
    NamedArrays e = StateCodec.toArrays(expected);
    assertThat(a.floats().keySet()).containsExactlyElementsOf(e.floats().keySet());
    for (Map.Entry<String, float[]> entry : e.floats().entrySet()) {
      float[] want = entry.getValue();
      float[] got = a.floats().get(entry.getKey());
      assertThat(got).as(entry.getKey()).hasSameSizeAs(want);
      for (int i = 0; i < got.length; i++) {
        if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
          throw new AssertionError(
              entry.getKey() + "[" + i + "]: got " + got[i] + ", expected " + want[i]);
        }
      }
    }
    assertThat(a.doubles().keySet()).containsExactlyElementsOf(e.doubles().keySet());
    for (Map.Entry<String, double[]> entry : e.doubles().entrySet()) {
      double[] want = entry.getValue();
      double[] got = a.doubles().get(entry.getKey());
      assertThat(got).as(entry.getKey()).hasSameSizeAs(want);
      for (int i = 0; i < got.length; i++) {
        if (Double.doubleToRawLongBits(got[i]) != Double.doubleToRawLongBits(want[i])) {
          throw new AssertionError(
              entry.getKey() + "[" + i + "]: got " + got[i] + ", expected " + want[i]);
        }
      }
    }
    assertThat(a.longs()).containsExactlyEntriesOf(e.longs());
  }
}
