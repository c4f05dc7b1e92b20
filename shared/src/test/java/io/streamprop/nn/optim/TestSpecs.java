package io.streamprop.nn.optim;

import io.streamprop.spec.ModelSpec.OptimizerName;
import io.streamprop.spec.ModelSpec.OptimizerSpec;

/**
 * Optimizer specs for tests: the agreed defaults (lr 0.003, momentum 0.9, β1 0.9, β2 0.999, ρ 0.9,
 * ε 1e-8, no weight decay), changed one field at a time.
 */
final class TestSpecs {
  private OptimizerName name;
  private double learningRate = 0.003;
  private double momentum = 0.9;
  private double beta1 = 0.9;
  private double beta2 = 0.999;
  private double rho = 0.9;
  private double epsilon = 1e-8;
  private double weightDecay = 0;

  private TestSpecs(OptimizerName name) {
    this.name = name;
  }

  static TestSpecs optimizer(OptimizerName name) {
    return new TestSpecs(name);
  }

  TestSpecs learningRate(double value) {
    learningRate = value;
    return this;
  }

  TestSpecs momentum(double value) {
    momentum = value;
    return this;
  }

  TestSpecs beta1(double value) {
    beta1 = value;
    return this;
  }

  TestSpecs beta2(double value) {
    beta2 = value;
    return this;
  }

  TestSpecs rho(double value) {
    rho = value;
    return this;
  }

  TestSpecs epsilon(double value) {
    epsilon = value;
    return this;
  }

  TestSpecs weightDecay(double value) {
    weightDecay = value;
    return this;
  }

  OptimizerSpec build() {
    return new OptimizerSpec(name, learningRate, momentum, beta1, beta2, rho, epsilon, weightDecay);
  }
}
