package io.streamprop.nn.kernel;

/**
 * What a kernel sees of a dense layer {@code output = input · weight + bias}: its sizes and its
 * live parameter and gradient arrays, all flat and row-major. The layer owns the arrays and the
 * optimizer updates them in place; a kernel reads them (and writes the gradients) but never
 * replaces them.
 *
 * @param weight (inFeatures, outFeatures)
 * @param bias (outFeatures)
 * @param dWeight ∂loss/∂weight (inFeatures, outFeatures), or null for a layer that only predicts
 * @param dBias ∂loss/∂bias (outFeatures), null with dWeight
 */
public record DenseParameters(
    int inFeatures, int outFeatures, float[] weight, float[] bias, float[] dWeight, float[] dBias) {

  public DenseParameters {
    if (weight.length != inFeatures * outFeatures || bias.length != outFeatures) {
      throw new IllegalArgumentException(
          "weight and bias must be ("
              + inFeatures
              + ", "
              + outFeatures
              + ") and ("
              + outFeatures
              + "), got "
              + weight.length
              + " and "
              + bias.length
              + " floats");
    }
    if ((dWeight == null) != (dBias == null)) {
      throw new IllegalArgumentException("dWeight and dBias come together or not at all");
    }
  }

  /** False for a layer that only predicts. */
  public boolean training() {
    return dWeight != null;
  }
}
