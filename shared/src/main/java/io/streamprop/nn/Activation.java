package io.streamprop.nn;

import io.streamprop.spec.ModelSpec;

/**
 * Element-wise activations, each as a forward/backward pair side by side.
 *
 * <p>{@code forward(z, a, n)} writes {@code a[i] = f(z[i])} for {@code i < n}. {@code backward(z,
 * a, d, n)} turns ∂loss/∂a into ∂loss/∂z in place: {@code d[i] *= f'(z[i])}, using whichever of the
 * saved input {@code z} or output {@code a} gives the derivative most cheaply. Values are computed
 * in double where a transcendental function is involved and rounded once to float.
 *
 * <p>Constants follow PyTorch's defaults: leaky ReLU slope 0.01, ELU alpha 1, GELU exact (erf form,
 * Hendrycks and Gimpel 2016, "Gaussian Error Linear Units").
 */
public enum Activation {
  IDENTITY {
    @Override
    public void forward(float[] z, float[] a, int n) {
      if (z != a) {
        System.arraycopy(z, 0, a, 0, n);
      }
    }

    @Override
    public void backward(float[] z, float[] a, float[] d, int n) {
      // f'(z) = 1
    }
  },

  /** σ(z) = 1/(1+e^-z), evaluated so that e^x never overflows. */
  SIGMOID {
    @Override
    public void forward(float[] z, float[] a, int n) {
      for (int i = 0; i < n; i++) {
        a[i] = (float) sigmoid(z[i]);
      }
    }

    @Override
    public void backward(float[] z, float[] a, float[] d, int n) {
      for (int i = 0; i < n; i++) {
        d[i] *= a[i] * (1f - a[i]); // σ' = σ(1-σ)
      }
    }
  },

  TANH {
    @Override
    public void forward(float[] z, float[] a, int n) {
      for (int i = 0; i < n; i++) {
        a[i] = (float) Math.tanh(z[i]);
      }
    }

    @Override
    public void backward(float[] z, float[] a, float[] d, int n) {
      for (int i = 0; i < n; i++) {
        d[i] *= 1f - a[i] * a[i]; // tanh' = 1 - tanh²
      }
    }
  },

  RELU {
    @Override
    public void forward(float[] z, float[] a, int n) {
      for (int i = 0; i < n; i++) {
        a[i] = Math.max(z[i], 0f);
      }
    }

    /**
     * d stays where z > 0 and becomes +0 elsewhere (0 at the kink, like PyTorch), without a branch:
     * the sign of z is random, so {@code z > 0f ? d : 0f} mispredicts half the time. z > 0 exactly
     * when its bits zb, read as an int, satisfy 0 < zb ≤ 0x7F800000 (positive, non-zero, not NaN;
     * +∞ included), and the mask below is all ones then and 0 otherwise: the same bits as the
     * comparison, for every z and d.
     */
    @Override
    public void backward(float[] z, float[] a, float[] d, int n) {
      for (int i = 0; i < n; i++) {
        int zb = Float.floatToRawIntBits(z[i]);
        int mask = ~((0x7F800000 - zb) >> 31) & (-zb >> 31);
        d[i] = Float.intBitsToFloat(Float.floatToRawIntBits(d[i]) & mask);
      }
    }
  },

  LEAKY_RELU {
    @Override
    public void forward(float[] z, float[] a, int n) {
      for (int i = 0; i < n; i++) {
        a[i] = z[i] > 0f ? z[i] : LEAKY_SLOPE * z[i];
      }
    }

    @Override
    public void backward(float[] z, float[] a, float[] d, int n) {
      for (int i = 0; i < n; i++) {
        d[i] = z[i] > 0f ? d[i] : LEAKY_SLOPE * d[i];
      }
    }
  },

  /** ELU (Clevert, Unterthiner, Hochreiter 2015): z for z > 0, alpha(e^z - 1) otherwise. */
  ELU {
    @Override
    public void forward(float[] z, float[] a, int n) {
      for (int i = 0; i < n; i++) {
        a[i] = z[i] > 0f ? z[i] : (float) (ELU_ALPHA * Math.expm1(z[i]));
      }
    }

    @Override
    public void backward(float[] z, float[] a, float[] d, int n) {
      for (int i = 0; i < n; i++) {
        // for z <= 0: d/dz alpha(e^z - 1) = alpha e^z = a + alpha
        d[i] = z[i] > 0f ? d[i] : d[i] * (a[i] + (float) ELU_ALPHA);
      }
    }
  },

  /** GELU(z) = z Φ(z), Φ the standard normal CDF, computed exactly through erfc. */
  GELU {
    @Override
    public void forward(float[] z, float[] a, int n) {
      for (int i = 0; i < n; i++) {
        a[i] = (float) (z[i] * normalCdf(z[i]));
      }
    }

    @Override
    public void backward(float[] z, float[] a, float[] d, int n) {
      for (int i = 0; i < n; i++) {
        double x = z[i];
        // d/dz z Φ(z) = Φ(z) + z φ(z)
        d[i] = (float) (d[i] * (normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x)));
      }
    }
  };

  /** Negative-side slope of leaky ReLU (PyTorch's default). */
  public static final float LEAKY_SLOPE = 0.01f;

  /** ELU's alpha (PyTorch's default). */
  public static final double ELU_ALPHA = 1.0;

  private static final double INV_SQRT_2PI = 0.3989422804014327;
  private static final double INV_SQRT_2 = 0.7071067811865476;

  /** a = f(z) for the first n elements; a may be z (in place). */
  public abstract void forward(float[] z, float[] a, int n);

  /** d = d ⊙ f'(z), in place; z is the forward input and a its output. */
  public abstract void backward(float[] z, float[] a, float[] d, int n);

  /** The activation a spec names. */
  public static Activation of(ModelSpec.Activation spec) {
    return valueOf(spec.name());
  }

  /** Numerically stable logistic function: never evaluates e^x for positive x. */
  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1.0 / (1.0 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1.0 + e);
  }

  /** Φ(x) = erfc(-x/√2)/2, accurate in both tails. */
  static double normalCdf(double x) {
    return 0.5 * Erf.erfc(-x * INV_SQRT_2);
  }
}
