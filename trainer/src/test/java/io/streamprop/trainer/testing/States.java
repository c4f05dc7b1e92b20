package io.streamprop.trainer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.NamedArrays;
import io.streamprop.wire.StateCodec;
import java.util.Map;

/**
 * Bit-for-bit comparison of model states (every array, every counter; not the version). Arrays are
 * compared by the name the snapshot gives them ({@link StateCodec}), so a failure names the array.
 */
public final class States {
  private States() {}

  public static void assertSameModel(ModelState actual, ModelState expected) {
    assertThat(actual.spec()).isEqualTo(expected.spec());
    assertThat(actual.examples()).as("examples").isEqualTo(expected.examples());
    assertThat(actual.steps()).as("steps").isEqualTo(expected.steps());
    assertThat(actual.skippedSteps()).as("skipped steps").isEqualTo(expected.skippedSteps());
    NamedArrays got = StateCodec.toArrays(actual);
    NamedArrays want = StateCodec.toArrays(expected);
    assertThat(got.floats().keySet()).isEqualTo(want.floats().keySet());
    for (Map.Entry<String, float[]> e : want.floats().entrySet()) {
      float[] values = got.floats().get(e.getKey());
      assertThat(values.length).as(e.getKey() + " length").isEqualTo(e.getValue().length);
      for (int i = 0; i < values.length; i++) {
        // Compare bits, so that -0.0 vs 0.0 or a different NaN would fail too.
        if (Float.floatToRawIntBits(values[i]) != Float.floatToRawIntBits(e.getValue()[i])) {
          throw new AssertionError(
              e.getKey() + "[" + i + "]: got " + values[i] + ", expected " + e.getValue()[i]);
        }
      }
    }
    assertThat(got.doubles().keySet()).isEqualTo(want.doubles().keySet());
    for (Map.Entry<String, double[]> e : want.doubles().entrySet()) {
      double[] values = got.doubles().get(e.getKey());
      assertThat(values.length).as(e.getKey() + " length").isEqualTo(e.getValue().length);
      for (int i = 0; i < values.length; i++) {
        if (Double.doubleToRawLongBits(values[i]) != Double.doubleToRawLongBits(e.getValue()[i])) {
          throw new AssertionError(
              e.getKey() + "[" + i + "]: got " + values[i] + ", expected " + e.getValue()[i]);
        }
      }
    }
    assertThat(got.longs()).isEqualTo(want.longs());
  }
}
