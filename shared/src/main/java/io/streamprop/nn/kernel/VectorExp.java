package io.streamprop.nn.kernel;

import static io.streamprop.nn.kernel.FloatExp.LN2_HI;
import static io.streamprop.nn.kernel.FloatExp.LN2_LO;
import static io.streamprop.nn.kernel.FloatExp.LOG2E;
import static io.streamprop.nn.kernel.FloatExp.MIN;
import static io.streamprop.nn.kernel.FloatExp.P0;
import static io.streamprop.nn.kernel.FloatExp.P1;
import static io.streamprop.nn.kernel.FloatExp.P2;
import static io.streamprop.nn.kernel.FloatExp.P3;
import static io.streamprop.nn.kernel.FloatExp.P4;
import static io.streamprop.nn.kernel.FloatExp.P5;
import static io.streamprop.nn.kernel.FloatExp.ROUND;
import static io.streamprop.nn.kernel.FloatExp.ROUND_BITS;
import static io.streamprop.nn.kernel.VectorProducts.LANES;
import static io.streamprop.nn.kernel.VectorProducts.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/** {@link FloatExp#exp(float)} on vectors of lanes: the same steps, the same bits. */
final class VectorExp {
  private VectorExp() {}

  /**
   * a[i] = {@link FloatExp#exp(float)}(a[i]) for i < n; the elements past the last full vector go
   * through the scalar function.
   */
  static void exp(float[] a, int n) {
    int i = 0;
    for (; i + LANES <= n; i += LANES) {
      final FloatVector x = FloatVector.fromArray(SPECIES, a, i);
      final VectorMask<Float> under = x.compare(VectorOperators.LT, MIN);
      final FloatVector t = x.mul(LOG2E).add(ROUND);
      final FloatVector scale =
          t.reinterpretAsInts()
              .sub(ROUND_BITS - 127)
              .lanewise(VectorOperators.LSHL, 23)
              .reinterpretAsFloats();
      final FloatVector fn = t.sub(ROUND);
      FloatVector r = x.sub(fn.mul(LN2_HI));
      r = r.sub(fn.mul(LN2_LO));
      final FloatVector z = r.mul(r);
      FloatVector y = r.mul(P0).add(P1);
      y = y.mul(r).add(P2);
      y = y.mul(r).add(P3);
      y = y.mul(r).add(P4);
      y = y.mul(r).add(P5);
      y = y.mul(z).add(r).add(1f);
      y.mul(scale).blend(0f, under).intoArray(a, i);
    }
    for (; i < n; i++) {
      a[i] = FloatExp.exp(a[i]);
    }
  }
}
