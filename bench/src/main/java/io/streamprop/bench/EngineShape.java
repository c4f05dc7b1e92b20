package io.streamprop.bench;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The three network shapes of issue 2: ReLU hidden layers, softmax cross-entropy output, Adam.
 * {@code bench/engine_pytorch.py} builds the very same shapes; keep the two in step.
 *
 * <ul>
 *   <li>S = 10 → [32] → 2 (a small tabular stream)
 *   <li>M = 54 → [64, 32] → 7 (covertype-sized)
 *   <li>L = 784 → [256, 128] → 10 (MNIST-sized)
 * </ul>
 */
public enum EngineShape {
  S(10, List.of(32), 2),
  M(54, List.of(64, 32), 7),
  L(784, List.of(256, 128), 10);

  private final int inputs;
  private final List<Integer> hidden;
  private final int classes;

  EngineShape(int inputs, List<Integer> hidden, int classes) {
    this.inputs = inputs;
    this.hidden = hidden;
    this.classes = classes;
  }

  public int inputs() {
    return inputs;
  }

  public List<Integer> hidden() {
    return hidden;
  }

  public int classes() {
    return classes;
  }

  /**
   * The spec JSON of this shape at the given mini-batch size. Every hyper-parameter that affects
   * the work of a step is written out, so that defaults retuned later do not change what is
   * measured, and so that the step matches PyTorch's {@code zero_grad, forward, cross_entropy,
   * backward, Adam.step}: no gradient clipping, no input standardization, no batch norm, no
   * dropout, no weight decay.
   */
  public String specJson(int batchSize) {
    String widths = hidden.stream().map(String::valueOf).collect(Collectors.joining(", "));
    return """
        {"task": "classification", "inputs": %d, "classes": %d, "hidden": [%s],
         "activation": "relu", "init": "auto", "batch_norm": false, "dropout": 0,
         "loss": "softmax_cross_entropy",
         "optimizer": {"name": "adam", "learning_rate": 0.003, "beta1": 0.9, "beta2": 0.999,
                       "epsilon": 1e-8, "weight_decay": 0},
         "schedule": {"name": "constant", "warmup_steps": 0},
         "clip_norm": 0, "batch_size": %d, "standardize": false, "seed": 42}
        """
        .formatted(inputs, classes, widths, batchSize);
  }

  /** The validated spec of {@link #specJson}. */
  public ModelSpec spec(int batchSize) {
    return SpecJson.parse(specJson(batchSize));
  }
}
