package io.streamprop.learn;

import io.streamprop.learn.state.BatchNormState;
import io.streamprop.learn.state.DenseState;
import io.streamprop.learn.state.LayerState;
import io.streamprop.nn.BatchNorm;
import io.streamprop.nn.Mlp;
import java.util.ArrayList;
import java.util.List;

/**
 * A network's parameters and batch-norm running statistics as {@link LayerState}s, and back: what
 * the learner exports and restores, and what a predictor loads.
 */
final class NetworkStates {
  private NetworkStates() {}

  /** Copies of every layer's arrays, input side first. */
  static List<LayerState> export(Mlp mlp) {
    float[][] params = mlp.parameters();
    List<LayerState> layers = new ArrayList<>(mlp.layers());
    for (int l = 0; l < mlp.layers(); l++) {
      int w = mlp.weightIndex(l);
      DenseState dense = new DenseState(params[w].clone(), params[w + 1].clone());
      BatchNorm bn = mlp.batchNorm(l);
      BatchNormState batchNorm =
          bn == null
              ? null
              : new BatchNormState(
                  bn.gamma().clone(),
                  bn.beta().clone(),
                  bn.runningMean().clone(),
                  bn.runningVar().clone());
      layers.add(new LayerState(dense, batchNorm));
    }
    return layers;
  }

  /**
   * Copies the layers' arrays into the network (which keeps no reference to them).
   *
   * @throws IllegalArgumentException if the layers do not have the network's shape
   */
  static void load(List<LayerState> layers, Mlp mlp) {
    if (layers.size() != mlp.layers()) {
      throw new IllegalArgumentException(
          "model state has " + layers.size() + " layers, the spec's network " + mlp.layers());
    }
    float[][] params = mlp.parameters();
    for (int l = 0; l < mlp.layers(); l++) {
      LayerState layer = layers.get(l);
      int w = mlp.weightIndex(l);
      copy("layer " + l + " weight", layer.dense().weight(), params[w]);
      copy("layer " + l + " bias", layer.dense().bias(), params[w + 1]);
      BatchNorm bn = mlp.batchNorm(l);
      if ((bn == null) != (layer.batchNorm() == null)) {
        throw new IllegalArgumentException(
            "layer "
                + l
                + (bn == null
                    ? " has batch norm in the model state, not in the spec's network"
                    : " has no batch norm in the model state, the spec's network has one"));
      }
      if (bn != null) {
        copy("layer " + l + " batch-norm gamma", layer.batchNorm().gamma(), bn.gamma());
        copy("layer " + l + " batch-norm beta", layer.batchNorm().beta(), bn.beta());
        copy("layer " + l + " running mean", layer.batchNorm().runningMean(), bn.runningMean());
        copy("layer " + l + " running variance", layer.batchNorm().runningVar(), bn.runningVar());
      }
    }
  }

  private static void copy(String what, float[] from, float[] to) {
    MiniBatch.requireLength(what, from, to.length);
    System.arraycopy(from, 0, to, 0, to.length);
  }
}
