package io.streamprop.learn.population;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.ModelSpec.InputTransform;
import io.streamprop.spec.SpecException;
import java.util.ArrayList;
import java.util.List;

/**
 * How a population is made and run: which variants of the spec it starts with, how recent a
 * member's loss must be to count, and when a member is replaced. A population keeps its plan in its
 * state, so a population resumed by a later release runs on with the plan it started with.
 *
 * <p>Members: for every input transform t ({@link #transforms}: outermost), every width factor w
 * and every rate factor f (innermost), the spec with input transform t, every hidden width × w and
 * the learning rate × f; a variant the spec's limits refuse (too many parameters) is left out. When
 * the spec leaves the transform to the race ({@code auto}), the symlog members take the first width
 * factor only. Every member starts from the spec's own seed (common random numbers: members differ
 * by their learning rate, width and input transform alone), so the member of factors (1, 1) and the
 * spec's transform (none for {@code auto}) is the spec's single learner, bit for bit. Then, when
 * the spec has hidden layers, one linear member per {@link #linearRateFactors linear rate factor},
 * with the first transform.
 *
 * @param rateFactors initial learning rates as multiples of the spec's
 * @param widthFactors initial hidden widths as multiples of the spec's
 * @param lossWindowExamples a member's recent loss is exponentially weighted over about this many
 *     examples: after a mini-batch of n examples with mean loss x, {@code loss += (1 - e^(-n /
 *     window)) · (x - loss)}
 * @param rungExamples every this many examples, members are considered for replacement (a rung of
 *     successive halving); a member younger than one rung is never replaced
 * @param pruneMargin a member of the worse half is replaced when its recent loss exceeds the
 *     leader's by more than this fraction of the leader's
 * @param perturbation a replacement learns at the leader's rate × or ÷ this factor (a fair coin
 *     from the population's generator), kept within [minRateFactor, maxRateFactor] × the spec's
 *     rate
 * @param minRateFactor smallest learning rate a replacement may get, as a multiple of the spec's
 * @param maxRateFactor largest learning rate a replacement may get, as a multiple of the spec's
 * @param warmupExamples for this many first examples every member learns one example at a time
 *     (mini-batch 1, an optimizer step per example), then at the spec's mini-batch size; 0 for
 *     none. A stream's first examples are where one step per example pays most (see {@code
 *     docs/learning-quality.md}); a long stream's throughput is the spec's batch size's
 * @param warmupKeep the steady population's budget, in single steps of the spec's shape: at the
 *     warm-up's end only members of the leader's widths run on, the leader and the best others by
 *     recent loss, as many as this budget holds (a member costs {@link #cost} single steps; the
 *     leader runs on even beyond it). A first rung of successive halving: a wide race while the
 *     stream is young, then a steady population of bounded cost; 0 keeps every member
 * @param averageWindowExamples every member keeps an exponential moving average of its dense
 *     weights over about this many examples ({@link io.streamprop.learn.WeightAverage}) that
 *     predicts each mini-batch before the member learns it and races beside the members: the best
 *     recent loss of members and averages is served; 0 for none
 * @param linearRateFactors learning rates, as multiples of the spec's, of linear members (the spec
 *     without hidden layers) that race in the warm-up only: a linear model learns a stream's first
 *     examples faster than a network does (learning curves cross, Perlich et al. 2003), and it is
 *     served while it leads, but at the warm-up's end only members with hidden layers run on; empty
 *     for none (and none for a spec without hidden layers). Needs a warm-up with a budget
 */
public record PopulationPlan(
    List<Double> rateFactors,
    List<Integer> widthFactors,
    double lossWindowExamples,
    long rungExamples,
    double pruneMargin,
    double perturbation,
    double minRateFactor,
    double maxRateFactor,
    long warmupExamples,
    int warmupKeep,
    double averageWindowExamples,
    List<Double> linearRateFactors) {

  /** A plan without linear members. */
  public PopulationPlan(
      List<Double> rateFactors,
      List<Integer> widthFactors,
      double lossWindowExamples,
      long rungExamples,
      double pruneMargin,
      double perturbation,
      double minRateFactor,
      double maxRateFactor,
      long warmupExamples,
      int warmupKeep,
      double averageWindowExamples) {
    this(
        rateFactors,
        widthFactors,
        lossWindowExamples,
        rungExamples,
        pruneMargin,
        perturbation,
        minRateFactor,
        maxRateFactor,
        warmupExamples,
        warmupKeep,
        averageWindowExamples,
        List.of());
  }

  /** A plan without weight averaging. */
  public PopulationPlan(
      List<Double> rateFactors,
      List<Integer> widthFactors,
      double lossWindowExamples,
      long rungExamples,
      double pruneMargin,
      double perturbation,
      double minRateFactor,
      double maxRateFactor,
      long warmupExamples,
      int warmupKeep) {
    this(
        rateFactors,
        widthFactors,
        lossWindowExamples,
        rungExamples,
        pruneMargin,
        perturbation,
        minRateFactor,
        maxRateFactor,
        warmupExamples,
        warmupKeep,
        0);
  }

  /** A plan without warm-up. */
  public PopulationPlan(
      List<Double> rateFactors,
      List<Integer> widthFactors,
      double lossWindowExamples,
      long rungExamples,
      double pruneMargin,
      double perturbation,
      double minRateFactor,
      double maxRateFactor) {
    this(
        rateFactors,
        widthFactors,
        lossWindowExamples,
        rungExamples,
        pruneMargin,
        perturbation,
        minRateFactor,
        maxRateFactor,
        0,
        0);
  }

  /** A plan whose members all run on after the warm-up. */
  public PopulationPlan(
      List<Double> rateFactors,
      List<Integer> widthFactors,
      double lossWindowExamples,
      long rungExamples,
      double pruneMargin,
      double perturbation,
      double minRateFactor,
      double maxRateFactor,
      long warmupExamples) {
    this(
        rateFactors,
        widthFactors,
        lossWindowExamples,
        rungExamples,
        pruneMargin,
        perturbation,
        minRateFactor,
        maxRateFactor,
        warmupExamples,
        0);
  }

  public PopulationPlan {
    rateFactors = List.copyOf(rateFactors);
    widthFactors = List.copyOf(widthFactors);
    linearRateFactors = List.copyOf(linearRateFactors);
    if (rateFactors.isEmpty() || widthFactors.isEmpty()) {
      throw new IllegalArgumentException("a population needs at least one rate and one width");
    }
    for (double f : rateFactors) {
      if (!(f > 0 && Double.isFinite(f))) {
        throw new IllegalArgumentException("rate factor must be > 0 and finite, got " + f);
      }
    }
    for (double f : linearRateFactors) {
      if (!(f > 0 && Double.isFinite(f))) {
        throw new IllegalArgumentException("linear rate factor must be > 0 and finite, got " + f);
      }
    }
    if (!linearRateFactors.isEmpty() && warmupKeep == 0) {
      throw new IllegalArgumentException(
          "linear members race in the warm-up only: they need a warm-up with a budget");
    }
    for (int w : widthFactors) {
      if (w < 1) {
        throw new IllegalArgumentException("width factor must be >= 1, got " + w);
      }
    }
    if (!(lossWindowExamples >= 1 && Double.isFinite(lossWindowExamples))) {
      throw new IllegalArgumentException("loss window must be >= 1, got " + lossWindowExamples);
    }
    if (rungExamples < 1) {
      throw new IllegalArgumentException("rung must be >= 1 example, got " + rungExamples);
    }
    if (!(pruneMargin >= 0 && Double.isFinite(pruneMargin))) {
      throw new IllegalArgumentException("prune margin must be >= 0, got " + pruneMargin);
    }
    if (!(perturbation >= 1 && Double.isFinite(perturbation))) {
      throw new IllegalArgumentException("perturbation must be >= 1, got " + perturbation);
    }
    if (!(minRateFactor > 0 && maxRateFactor >= minRateFactor && Double.isFinite(maxRateFactor))) {
      throw new IllegalArgumentException(
          "rate bounds must satisfy 0 < min <= max, got " + minRateFactor + ", " + maxRateFactor);
    }
    if (warmupExamples < 0) {
      throw new IllegalArgumentException("warm-up must be >= 0 examples, got " + warmupExamples);
    }
    if (warmupKeep < 0 || (warmupKeep > 0 && warmupExamples == 0)) {
      throw new IllegalArgumentException(
          "members kept after the warm-up must be >= 0, and 0 without a warm-up, got "
              + warmupKeep
              + " with a warm-up of "
              + warmupExamples);
    }
    if (!(averageWindowExamples == 0
        || (averageWindowExamples >= 1 && Double.isFinite(averageWindowExamples)))) {
      throw new IllegalArgumentException(
          "average window must be 0 (none) or >= 1 example, got " + averageWindowExamples);
    }
  }

  /** True when members' weights are averaged ({@link #averageWindowExamples()} > 0). */
  public boolean averages() {
    return averageWindowExamples > 0;
  }

  /** The mini-batch size members learn at after {@code examples} examples. */
  public int batchSize(ModelSpec spec, long examples) {
    return examples < warmupExamples ? 1 : spec.batchSize();
  }

  /** The default plan; its choices are measured in {@code docs/learning-quality.md}. */
  public static PopulationPlan standard() {
    return new PopulationPlan(
        List.of(0.1, 0.3, 1.0),
        List.of(1, 2),
        500,
        2000,
        0.05,
        2,
        0.01,
        10,
        2000,
        6,
        3000,
        List.of(1.0, 3.0, 10.0));
  }

  /** The initial members' specs, in member order (each a single learner). */
  public List<ModelSpec> memberSpecs(ModelSpec spec) {
    int batch = batchSize(spec, 0);
    List<ModelSpec> specs = new ArrayList<>();
    for (InputTransform transform : transforms(spec)) {
      // Symlog members race at the first width factor only: the transform is decided by the
      // warm-up's race as the width is, at a third more of its cost instead of twice it.
      List<Integer> widths =
          spec.inputTransform() == InputTransform.AUTO && transform == InputTransform.SYMLOG
              ? widthFactors.subList(0, 1)
              : widthFactors;
      for (int w : widths) {
        List<Integer> hidden = spec.hidden().stream().map(h -> h * w).toList();
        for (double f : rateFactors) {
          try {
            specs.add(variant(spec, hidden, spec.optimizer().learningRate() * f, batch, transform));
          } catch (SpecException tooLarge) {
            // a wider variant beyond the spec's limits is left out
          }
        }
      }
    }
    if (!spec.hidden().isEmpty()) {
      for (double f : linearRateFactors) {
        specs.add(
            variant(
                spec,
                List.of(),
                spec.optimizer().learningRate() * f,
                batch,
                transforms(spec).get(0)));
      }
    }
    return specs;
  }

  /**
   * The input transforms the members start with: the spec's own, or for {@code auto} none and then
   * symlog. A spec with raw features but no numeric one has only none (symlog would change
   * nothing).
   */
  public static List<InputTransform> transforms(ModelSpec spec) {
    if (spec.inputTransform() != InputTransform.AUTO) {
      return List.of(spec.inputTransform());
    }
    if (spec.hasFeatures() && spec.features().layout().numericCount() == 0) {
      return List.of(InputTransform.NONE);
    }
    return List.of(InputTransform.NONE, InputTransform.SYMLOG);
  }

  /**
   * The spec's own single learner as a starting member: factors 1 and 1, at the first mini-batch
   * size, with the spec's fixed input transform or none for {@code auto}.
   */
  ModelSpec ownMember(ModelSpec spec) {
    return variant(
        spec,
        spec.hidden(),
        spec.optimizer().learningRate(),
        batchSize(spec, 0),
        transforms(spec).get(0));
  }

  /** A member's spec at another base learning rate (its widths, batch and transform kept). */
  static ModelSpec atRate(ModelSpec member, double learningRate) {
    return variant(
        member, member.hidden(), learningRate, member.batchSize(), member.inputTransform());
  }

  /**
   * A member's step cost in single steps of the spec's shape: its dense weights over the spec's
   * (multiply-adds per example, forward and backward alike; embedding tables are sparse and the
   * same in every member).
   */
  public static double cost(ModelSpec member, ModelSpec spec) {
    return (double) member.denseWeights() / spec.denseWeights();
  }

  /**
   * The spec as one learner of these hidden widths, base learning rate, mini-batch size and input
   * transform (never {@code auto}: a member's is fixed).
   */
  static ModelSpec variant(
      ModelSpec spec,
      List<Integer> hidden,
      double learningRate,
      int batchSize,
      InputTransform transform) {
    ModelSpec.OptimizerSpec o = spec.optimizer();
    ModelSpec.OptimizerSpec optimizer =
        new ModelSpec.OptimizerSpec(
            o.name(),
            learningRate,
            o.momentum(),
            o.beta1(),
            o.beta2(),
            o.rho(),
            o.epsilon(),
            o.weightDecay());
    return new ModelSpec(
        spec.task(),
        spec.inputs(),
        spec.featureNames(),
        spec.outputs(),
        hidden,
        spec.activation(),
        spec.init(),
        spec.batchNorm(),
        spec.dropout(),
        spec.loss(),
        spec.huberDelta(),
        optimizer,
        spec.schedule(),
        spec.clipNorm(),
        batchSize,
        spec.standardize(),
        spec.seed(),
        spec.snapshot(),
        spec.classNames(),
        spec.classWeight(),
        spec.features(),
        ModelSpec.Learner.SINGLE,
        transform);
  }
}
