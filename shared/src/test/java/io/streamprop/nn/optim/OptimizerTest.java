package io.streamprop.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.streamprop.spec.ModelSpec.OptimizerName;
import io.streamprop.spec.ModelSpec.OptimizerSpec;
import io.streamprop.spec.ModelSpec.ScheduleName;
import io.streamprop.spec.ModelSpec.ScheduleSpec;
import io.streamprop.spec.SpecException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour every optimizer shares: it minimizes, it resumes exactly, it refuses bad input. */
class OptimizerTest {

  /** A learning rate at which each optimizer converges on {@link Quadratic} in 3000 steps. */
  static double stableRate(OptimizerName name) {
    return switch (name) {
      case SGD -> 0.2;
      case MOMENTUM, NESTEROV -> 0.05;
      case ADAGRAD -> 0.5;
      case RMSPROP -> 0.01;
      case ADAM, ADAMW -> 0.1;
    };
  }

  /**
   * f(p) = ½ Σ a_i (p_i − c_i)², a convex quadratic with curvatures a_i in [0.5, 4] (condition
   * number 8), over two tensors so that tensor boundaries are exercised. Its gradient is a_i (p_i −
   * c_i) and its minimum 0 at p = c.
   */
  static final class Quadratic {
    final float[][] curvature = new float[2][];
    final float[][] centre = new float[2][];

    Quadratic(long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      int[] sizes = {6, 3};
      for (int t = 0; t < 2; t++) {
        curvature[t] = new float[sizes[t]];
        centre[t] = new float[sizes[t]];
        for (int i = 0; i < sizes[t]; i++) {
          curvature[t][i] = (float) random.nextDouble(0.5, 4.0);
          centre[t][i] = (float) random.nextDouble(-3.0, 3.0);
        }
      }
    }

    int[] sizes() {
      return new int[] {centre[0].length, centre[1].length};
    }

    double loss(float[][] params) {
      double sum = 0;
      for (int t = 0; t < params.length; t++) {
        for (int i = 0; i < params[t].length; i++) {
          double d = params[t][i] - centre[t][i];
          sum += 0.5 * curvature[t][i] * d * d;
        }
      }
      return sum;
    }

    void gradient(float[][] params, float[][] dParams) {
      for (int t = 0; t < params.length; t++) {
        for (int i = 0; i < params[t].length; i++) {
          dParams[t][i] = curvature[t][i] * (params[t][i] - centre[t][i]);
        }
      }
    }
  }

  static float[][] zeros(int[] sizes) {
    float[][] out = new float[sizes.length][];
    for (int t = 0; t < sizes.length; t++) {
      out[t] = new float[sizes[t]];
    }
    return out;
  }

  static float[][] deepCopy(float[][] arrays) {
    float[][] out = new float[arrays.length][];
    for (int t = 0; t < arrays.length; t++) {
      out[t] = arrays[t].clone();
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(OptimizerName.class)
  void convexQuadratic_threeThousandSteps_lossFallsBelowOneMillionthOfStart(OptimizerName name) {
    Quadratic f = new Quadratic(7);
    OptimizerSpec spec = TestSpecs.optimizer(name).learningRate(stableRate(name)).build();
    Optimizer optimizer = Optimizers.create(spec, f.sizes());
    // An inverse-time decay lets the adaptive methods settle instead of hovering at ±lr.
    LearningRateSchedule schedule =
        LearningRateSchedule.of(new ScheduleSpec(ScheduleName.INVERSE_TIME, 0, 100, 1.0));
    float[][] params = zeros(f.sizes());
    float[][] grads = zeros(f.sizes());
    boolean[] decay = {true, false};
    double start = f.loss(params);

    for (long t = 1; t <= 3000; t++) {
      f.gradient(params, grads);
      optimizer.step(params, grads, decay, (float) schedule.rate(t, spec.learningRate()));
    }

    assertThat(f.loss(params)).as("loss after 3000 steps").isLessThan(start * 1e-6);
  }

  @ParameterizedTest
  @EnumSource(OptimizerName.class)
  void stateSavedMidRun_restoredIntoFreshOptimizer_continuesBitIdentically(OptimizerName name) {
    Quadratic f = new Quadratic(11);
    OptimizerSpec spec =
        TestSpecs.optimizer(name).learningRate(stableRate(name)).weightDecay(0.01).build();
    boolean[] decay = {true, false};
    Optimizer original = Optimizers.create(spec, f.sizes());
    float[][] params = zeros(f.sizes());
    float[][] grads = zeros(f.sizes());
    for (int t = 0; t < 17; t++) {
      f.gradient(params, grads);
      original.step(params, grads, decay, 0.7f * (float) spec.learningRate());
    }

    OptimizerState saved = original.state();
    Optimizer resumed = Optimizers.create(spec, f.sizes());
    resumed.restore(saved);
    float[][] resumedParams = deepCopy(params);
    float[][] resumedGrads = zeros(f.sizes());
    for (int t = 0; t < 23; t++) {
      f.gradient(params, grads);
      original.step(params, grads, decay, (float) spec.learningRate());
      f.gradient(resumedParams, resumedGrads);
      resumed.step(resumedParams, resumedGrads, decay, (float) spec.learningRate());
    }

    assertThat(resumed.steps()).isEqualTo(original.steps()).isEqualTo(40);
    for (int t = 0; t < params.length; t++) {
      // float[] equality in AssertJ compares bit patterns (Float.floatToIntBits).
      assertThat(resumedParams[t]).as("tensor %d", t).isEqualTo(params[t]);
    }
    OptimizerState a = original.state();
    OptimizerState b = resumed.state();
    assertThat(b.slots()).isEqualTo(a.slots());
    for (int p = 0; p < a.tensors(); p++) {
      for (String slot : a.slots()) {
        assertThat(b.moment(p, slot)).as("%d.%s", p, slot).isEqualTo(a.moment(p, slot));
      }
    }
  }

  static Stream<Arguments> slotNames() {
    return Stream.of(
        Arguments.of(OptimizerName.SGD, List.of()),
        Arguments.of(OptimizerName.MOMENTUM, List.of("velocity")),
        Arguments.of(OptimizerName.NESTEROV, List.of("velocity")),
        Arguments.of(OptimizerName.ADAGRAD, List.of("sum")),
        Arguments.of(OptimizerName.RMSPROP, List.of("square_avg")),
        Arguments.of(OptimizerName.ADAM, List.of("m", "v")),
        Arguments.of(OptimizerName.ADAMW, List.of("m", "v")));
  }

  @ParameterizedTest
  @MethodSource("slotNames")
  void freshOptimizer_state_slotsPerTensorInOrderWithZeros(
      OptimizerName name, List<String> expected) {
    Optimizer optimizer = Optimizers.create(TestSpecs.optimizer(name).build(), new int[] {5, 2});

    OptimizerState state = optimizer.state();

    assertThat(state.slots()).containsExactlyElementsOf(expected);
    assertThat(state.tensors()).isEqualTo(2);
    for (String slot : expected) {
      assertThat(state.moment(0, slot)).as("0.%s", slot).hasSize(5).containsOnly(0f);
      assertThat(state.moment(1, slot)).as("1.%s", slot).hasSize(2).containsOnly(0f);
    }
    assertThat(state.steps()).isZero();
  }

  @Test
  void stateReturned_mutatedByCaller_optimizerUnaffected() {
    Optimizer adam =
        Optimizers.create(TestSpecs.optimizer(OptimizerName.ADAM).build(), new int[] {3});
    adam.state().moment(0, "m")[0] = 42f;

    assertThat(adam.state().moment(0, "m")).containsOnly(0f);
  }

  private static OptimizerState state(long steps, List<String> slots, float[]... perSlot) {
    return new OptimizerState(steps, slots, new float[][][] {perSlot});
  }

  @Test
  void restoredArrays_mutatedByCaller_optimizerUnaffected() {
    Optimizer adam =
        Optimizers.create(TestSpecs.optimizer(OptimizerName.ADAM).build(), new int[] {2});
    OptimizerState saved = state(9, List.of("m", "v"), new float[] {1f, 2f}, new float[] {3f, 4f});
    adam.restore(saved);

    saved.moment(0, "m")[0] = 42f;

    assertThat(adam.state().moment(0, "m")).containsExactly(1f, 2f);
    assertThat(adam.steps()).isEqualTo(9);
  }

  @Test
  void restore_otherSlots_refusedNamingThemAndStateUntouched() {
    Optimizer adam =
        Optimizers.create(TestSpecs.optimizer(OptimizerName.ADAM).build(), new int[] {2});
    OptimizerState saved =
        state(3, List.of("m", "velocity"), new float[] {1f, 2f}, new float[] {3f, 4f});

    assertThatThrownBy(() -> adam.restore(saved))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keeps the slots [m, v] per tensor, the state has [m, velocity]");
    assertThat(adam.state().moment(0, "m")).containsOnly(0f);
    assertThat(adam.steps()).isZero();
  }

  @Test
  void restore_wrongLength_refusedNamingSlotAndLengths() {
    Optimizer momentum =
        Optimizers.create(TestSpecs.optimizer(OptimizerName.MOMENTUM).build(), new int[] {2, 3});
    OptimizerState saved =
        new OptimizerState(
            1, List.of("velocity"), new float[][][] {{new float[2]}, {new float[4]}});

    assertThatThrownBy(() -> momentum.restore(saved))
        .hasMessageContaining("tensor 1, slot velocity")
        .hasMessageContaining("length 4")
        .hasMessageContaining("expected 3");
    assertThat(momentum.state().moment(0, "velocity")).containsOnly(0f);
  }

  @Test
  void restore_extraSlotOrOtherTensorCount_refused() {
    Optimizer sgd =
        Optimizers.create(TestSpecs.optimizer(OptimizerName.SGD).build(), new int[] {2});

    assertThatThrownBy(() -> sgd.restore(state(1, List.of("m"), new float[2])))
        .hasMessageContaining("Sgd keeps the slots [] per tensor, the state has [m]");
    assertThatThrownBy(() -> sgd.restore(new OptimizerState(1, List.of(), new float[2][0][])))
        .hasMessageContaining("the state covers 2 parameter tensors, this optimizer steps 1");
  }

  @Test
  void restore_negativeSteps_refused() {
    Optimizer sgd =
        Optimizers.create(TestSpecs.optimizer(OptimizerName.SGD).build(), new int[] {2});

    assertThatThrownBy(() -> sgd.restore(state(-1, List.of()))).hasMessageContaining("-1");
  }

  @ParameterizedTest
  @EnumSource(OptimizerName.class)
  void zeroGradient_decayFlagOff_parametersUnchanged(OptimizerName name) {
    Optimizer optimizer =
        Optimizers.create(
            TestSpecs.optimizer(name).learningRate(0.1).weightDecay(0.5).build(), new int[] {3});
    float[][] params = {{1.5f, -2f, 0.25f}};

    optimizer.step(params, new float[][] {new float[3]}, new boolean[] {false}, 0.1f);

    assertThat(params[0]).containsExactly(1.5f, -2f, 0.25f);
  }

  @ParameterizedTest
  @EnumSource(OptimizerName.class)
  void zeroGradient_decayFlagOn_everyWeightShrinksInMagnitude(OptimizerName name) {
    Optimizer optimizer =
        Optimizers.create(
            TestSpecs.optimizer(name).learningRate(0.1).weightDecay(0.5).build(), new int[] {3});
    float[] before = {1.5f, -2f, 0.75f};
    float[][] params = {before.clone()};

    optimizer.step(params, new float[][] {new float[3]}, new boolean[] {true}, 0.1f);

    for (int i = 0; i < before.length; i++) {
      assertThat(Math.abs(params[0][i])).as("|param[%d]|", i).isLessThan(Math.abs(before[i]));
      assertThat(Math.signum(params[0][i]))
          .as("sign of param[%d]", i)
          .isEqualTo(Math.signum(before[i]));
    }
  }

  @Test
  void sgdWithWeightDecay_oneStep_isCoupledL2Penalty() {
    Optimizer sgd =
        Optimizers.create(
            TestSpecs.optimizer(OptimizerName.SGD).learningRate(0.1).weightDecay(0.5).build(),
            new int[] {1});
    float[][] params = {{2f}};

    sgd.step(params, new float[][] {{1f}}, new boolean[] {true}, 0.1f);

    // g = 1 + 0.5·2 = 2; p = 2 − 0.1·2 = 1.8
    assertThat(params[0][0]).isEqualTo(1.8f);
  }

  @Test
  void adamWAndAdam_sameDecay_differInHowDecayIsApplied() {
    // With a zero gradient Adam's coupled decay is normalized by √v (a step of about lr), while
    // AdamW's decoupled decay shrinks by exactly lr·wd·p.
    float[][] adamParams = {{2f}};
    float[][] adamWParams = {{2f}};
    Optimizers.create(
            TestSpecs.optimizer(OptimizerName.ADAM).learningRate(0.1).weightDecay(0.01).build(),
            new int[] {1})
        .step(adamParams, new float[][] {{0f}}, new boolean[] {true}, 0.1f);
    Optimizers.create(
            TestSpecs.optimizer(OptimizerName.ADAMW).learningRate(0.1).weightDecay(0.01).build(),
            new int[] {1})
        .step(adamWParams, new float[][] {{0f}}, new boolean[] {true}, 0.1f);

    assertThat(adamParams[0][0]).isCloseTo(1.9f, offset(1e-5f));
    assertThat(adamWParams[0][0]).isEqualTo((float) (2 * (1 - 0.1 * 0.01)));
  }

  @Test
  void optimizersCreate_eachName_buildsItsClass() {
    int[] sizes = {1};
    assertThat(Optimizers.create(TestSpecs.optimizer(OptimizerName.SGD).build(), sizes))
        .isInstanceOf(Sgd.class);
    assertThat(Optimizers.create(TestSpecs.optimizer(OptimizerName.MOMENTUM).build(), sizes))
        .isInstanceOf(Momentum.class);
    assertThat(Optimizers.create(TestSpecs.optimizer(OptimizerName.NESTEROV).build(), sizes))
        .isInstanceOf(Nesterov.class);
    assertThat(Optimizers.create(TestSpecs.optimizer(OptimizerName.ADAGRAD).build(), sizes))
        .isInstanceOf(AdaGrad.class);
    assertThat(Optimizers.create(TestSpecs.optimizer(OptimizerName.RMSPROP).build(), sizes))
        .isInstanceOf(RmsProp.class);
    assertThat(Optimizers.create(TestSpecs.optimizer(OptimizerName.ADAM).build(), sizes))
        .isInstanceOf(Adam.class);
    assertThat(Optimizers.create(TestSpecs.optimizer(OptimizerName.ADAMW).build(), sizes))
        .isInstanceOf(AdamW.class);
  }

  static Stream<Arguments> invalidHyperParameters() {
    return Stream.of(
        Arguments.of(
            TestSpecs.optimizer(OptimizerName.SGD).learningRate(0),
            "optimizer.learning_rate",
            "0.0"),
        Arguments.of(
            TestSpecs.optimizer(OptimizerName.ADAM).learningRate(-0.1),
            "optimizer.learning_rate",
            "-0.1"),
        Arguments.of(
            TestSpecs.optimizer(OptimizerName.ADAM).learningRate(Double.NaN),
            "optimizer.learning_rate",
            "NaN"),
        Arguments.of(
            TestSpecs.optimizer(OptimizerName.SGD).learningRate(Double.POSITIVE_INFINITY),
            "optimizer.learning_rate",
            "Infinity"),
        Arguments.of(
            TestSpecs.optimizer(OptimizerName.SGD).weightDecay(-0.01),
            "optimizer.weight_decay",
            "-0.01"),
        Arguments.of(
            TestSpecs.optimizer(OptimizerName.ADAMW).weightDecay(Double.NaN),
            "optimizer.weight_decay",
            "NaN"),
        Arguments.of(
            TestSpecs.optimizer(OptimizerName.MOMENTUM).momentum(1.0), "optimizer.momentum", "1.0"),
        Arguments.of(
            TestSpecs.optimizer(OptimizerName.MOMENTUM).momentum(-0.5),
            "optimizer.momentum",
            "-0.5"),
        Arguments.of(
            TestSpecs.optimizer(OptimizerName.NESTEROV).momentum(0), "optimizer.momentum", "0.0"),
        Arguments.of(
            TestSpecs.optimizer(OptimizerName.NESTEROV).momentum(1.2), "optimizer.momentum", "1.2"),
        Arguments.of(
            TestSpecs.optimizer(OptimizerName.ADAGRAD).epsilon(0), "optimizer.epsilon", "0.0"),
        Arguments.of(TestSpecs.optimizer(OptimizerName.RMSPROP).rho(1.0), "optimizer.rho", "1.0"),
        Arguments.of(TestSpecs.optimizer(OptimizerName.RMSPROP).rho(-0.1), "optimizer.rho", "-0.1"),
        Arguments.of(
            TestSpecs.optimizer(OptimizerName.RMSPROP).epsilon(-1e-8),
            "optimizer.epsilon",
            "-1.0E-8"),
        Arguments.of(TestSpecs.optimizer(OptimizerName.ADAM).beta1(1.0), "optimizer.beta1", "1.0"),
        Arguments.of(
            TestSpecs.optimizer(OptimizerName.ADAM).beta2(-0.001), "optimizer.beta2", "-0.001"),
        Arguments.of(TestSpecs.optimizer(OptimizerName.ADAMW).beta2(1.5), "optimizer.beta2", "1.5"),
        Arguments.of(
            TestSpecs.optimizer(OptimizerName.ADAMW).epsilon(Double.NaN),
            "optimizer.epsilon",
            "NaN"));
  }

  @ParameterizedTest
  @MethodSource("invalidHyperParameters")
  void invalidHyperParameter_create_refusedNamingFieldAndValue(
      TestSpecs spec, String field, String value) {
    assertThatThrownBy(() -> Optimizers.create(spec.build(), new int[] {4}))
        .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining("got " + value);
    assertThatThrownBy(() -> Optimizers.validate(spec.build()))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining(field);
  }

  @Test
  void hyperParameterOfAnotherOptimizer_notChecked() {
    // β1 only means something to Adam; SGD must not refuse a spec because of it.
    Optimizers.validate(TestSpecs.optimizer(OptimizerName.SGD).beta1(7).build());
  }

  @Test
  void step_wrongTensorCount_refused() {
    Optimizer sgd =
        Optimizers.create(TestSpecs.optimizer(OptimizerName.SGD).build(), new int[] {2, 2});

    assertThatThrownBy(
            () ->
                sgd.step(
                    new float[][] {new float[2]},
                    new float[][] {new float[2]},
                    new boolean[] {true},
                    0.1f))
        .hasMessageContaining("expected 2 parameter tensors");
  }

  @Test
  void step_gradientOfWrongLength_refusedAndNothingUpdated() {
    Optimizer sgd =
        Optimizers.create(TestSpecs.optimizer(OptimizerName.SGD).build(), new int[] {2, 2});
    float[][] params = {{1f, 1f}, {1f, 1f}};

    assertThatThrownBy(
            () ->
                sgd.step(params, new float[][] {{1f, 1f}, {1f}}, new boolean[] {true, true}, 0.1f))
        .hasMessageContaining("tensor 1");
    assertThat(params[0]).containsExactly(1f, 1f);
    assertThat(sgd.steps()).isZero();
  }

  @Test
  void step_nonFiniteLearningRate_refused() {
    Optimizer sgd =
        Optimizers.create(TestSpecs.optimizer(OptimizerName.SGD).build(), new int[] {1});

    assertThatThrownBy(
            () ->
                sgd.step(
                    new float[][] {{1f}}, new float[][] {{1f}}, new boolean[] {true}, Float.NaN))
        .hasMessageContaining("NaN");
  }

  @ParameterizedTest
  @EnumSource(OptimizerName.class)
  void step_afterWarmUp_allocatesNothing(OptimizerName name) {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    assertThat(threads.isThreadAllocatedMemoryEnabled())
        .as("the JVM must count allocations, or this test proves nothing")
        .isTrue();
    Quadratic f = new Quadratic(3);
    Optimizer optimizer =
        Optimizers.create(
            TestSpecs.optimizer(name).learningRate(stableRate(name)).weightDecay(0.01).build(),
            f.sizes());
    float[][] params = zeros(f.sizes());
    float[][] grads = zeros(f.sizes());
    boolean[] decay = {true, false};
    for (int t = 0; t < 20_000; t++) {
      optimizer.step(params, grads, decay, 0.01f);
    }

    long before = threads.getThreadAllocatedBytes(thread);
    for (int t = 0; t < 100_000; t++) {
      f.gradient(params, grads);
      optimizer.step(params, grads, decay, 0.01f);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    // A single array per step would be >= 1.6 MB here; the slack covers the MXBean call itself.
    assertThat(allocated).as("bytes allocated by 100,000 steps").isLessThan(16_384);
  }

  @ParameterizedTest
  @EnumSource(
      value = OptimizerName.class,
      names = {"ADAM", "ADAMW"})
  void adamStep_earlyAndLate_sameBitsAsTheFullFormula(OptimizerName name) {
    // From t ≈ 16,600 on (β2 0.999), √(1 − β2ᵗ) rounds to 1f and the update leaves out the
    // division by it (x / 1f is x): the bits must stay those of the formula with the division.
    OptimizerSpec spec =
        TestSpecs.optimizer(name)
            .learningRate(0.003)
            .weightDecay(name == OptimizerName.ADAMW ? 0.01 : 0)
            .build();
    SplittableRandom random = new SplittableRandom(9);
    for (long t : new long[] {100, 16_000, 20_001, 5_000_000}) {
      int n = 37;
      float[] param = new float[n];
      float[] grad = new float[n];
      float[] m = new float[n];
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        param[i] = (float) random.nextDouble(-1, 1);
        grad[i] = (float) random.nextDouble(-1, 1);
        m[i] = (float) random.nextDouble(-0.1, 0.1);
        v[i] = (float) random.nextDouble(0, 0.01);
      }
      Optimizer adam = Optimizers.create(spec, new int[] {n});
      adam.restore(state(t - 1, List.of("m", "v"), m.clone(), v.clone()));
      float[] actual = param.clone();
      adam.step(new float[][] {actual}, new float[][] {grad}, new boolean[] {true}, 0.003f);

      double lr = 0.003f;
      float negStepSize = (float) -(lr / (1 - Math.pow(spec.beta1(), t)));
      float biasCorrection2Sqrt = (float) Math.sqrt(1 - Math.pow(spec.beta2(), t));
      assertThat(biasCorrection2Sqrt == 1f).as("t=%d", t).isEqualTo(t > 16_000);
      float shrink = (float) (1 - lr * spec.weightDecay());
      for (int i = 0; i < n; i++) {
        float p = name == OptimizerName.ADAMW ? param[i] * shrink : param[i];
        float mi = m[i] * (float) spec.beta1() + (float) (1 - spec.beta1()) * grad[i];
        float vi = v[i] * (float) spec.beta2() + (float) (1 - spec.beta2()) * grad[i] * grad[i];
        float denom = (float) Math.sqrt(vi) / biasCorrection2Sqrt + (float) spec.epsilon();
        p += negStepSize * mi / denom;
        assertThat(Float.floatToRawIntBits(actual[i]))
            .as("t=%d, element %d", t, i)
            .isEqualTo(Float.floatToRawIntBits(p));
      }
    }
  }
}
