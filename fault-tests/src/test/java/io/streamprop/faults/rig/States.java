package io.streamprop.faults.rig;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.learn.ModelState;
import java.util.Map;

/** Bit-for-bit comparison of model states (every array, every counter; not the version). */
public final class States {
  private States() {}

  public static void assertSameModel(ModelState actual, ModelState expected) {
    assertThat(actual.spec()).isEqualTo(expected.spec());
    assertThat(actual.examples()).as("examples").isEqualTo(expected.examples());
    assertThat(actual.steps()).as("steps").isEqualTo(expected.steps());
    assertThat(actual.skippedSteps()).as("skipped steps").isEqualTo(expected.skippedSteps());
    assertThat(actual.floats().keySet()).isEqualTo(expected.floats().keySet());
    for (Map.Entry<String, float[]> e : expected.floats().entrySet()) {
      float[] got = actual.floats().get(e.getKey());
      assertThat(got.length).as(e.getKey() + " length").isEqualTo(e.getValue().length);
      for (int i = 0; i < got.length; i++) {
        // Compare bits, so that -0.0 vs 0.0 or a different NaN would fail too.
        if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(e.getValue()[i])) {
          throw new AssertionError(
              e.getKey() + "[" + i + "]: got " + got[i] + ", expected " + e.getValue()[i]);
        }
      }
    }
    assertThat(actual.doubles().keySet()).isEqualTo(expected.doubles().keySet());
    for (Map.Entry<String, double[]> e : expected.doubles().entrySet()) {
      double[] got = actual.doubles().get(e.getKey());
      assertThat(got.length).as(e.getKey() + " length").isEqualTo(e.getValue().length);
      for (int i = 0; i < got.length; i++) {
        if (Double.doubleToRawLongBits(got[i]) != Double.doubleToRawLongBits(e.getValue()[i])) {
          throw new AssertionError(
              e.getKey() + "[" + i + "]: got " + got[i] + ", expected " + e.getValue()[i]);
        }
      }
    }
    assertThat(actual.longs()).isEqualTo(expected.longs());
  }
}
