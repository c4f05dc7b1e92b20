package io.streamprop.learn.population;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.StepResult;
import io.streamprop.learn.state.LayerState;
import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.TrainingState;
import io.streamprop.nn.SplitMix64;
import io.streamprop.spec.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A population's answer to a sudden change of its stream ({@link DriftPlan}): it watches the served
 * member's prequential error with a {@link PageHinkley} test and, on an alarm, re-starts every
 * member but the leader so that the race can switch to whichever relearns fastest. Not thread-safe;
 * it belongs to one {@link PopulationLearner}.
 *
 * <p>Why these reactions: after the labels change meaning, the hidden features still serve and a
 * fresh output layer relearns its read-out in a few hundred examples, faster than a network that
 * has to unlearn confident wrong answers; after the inputs change, the old features may not serve
 * at all and a network from scratch is the faster learner. Fresh Adam moments restore the large
 * early steps of bias correction (Kingma and Ba 2015). The leader stays, so a false alarm costs
 * only the relearning members' time.
 */
final class DriftResponse {
  private final DriftPlan plan;
  private final PageHinkley test;
  private long blockErrors;
  private long blockExamples;
  private long alarms;
  private long alarmAt;
  private Relabelling relabel; // null: none in progress
  private double errorBefore; // the test's mean before its last value: read only at an alarm

  DriftResponse(DriftState s) {
    this.plan = s.plan();
    this.test = new PageHinkley(s.plan(), s.count(), s.mean(), s.sum());
    this.blockErrors = s.blockErrors();
    this.blockExamples = s.blockExamples();
    this.alarms = s.alarms();
    this.alarmAt = s.alarmAt();
    this.relabel =
        s.relabel() == null ? null : new Relabelling(s.relabel(), plan.relabelPerClass());
  }

  DriftState state() {
    return new DriftState(
        plan,
        test.count(),
        test.mean(),
        test.sum(),
        blockErrors,
        blockExamples,
        alarms,
        alarmAt,
        relabel == null ? null : copyOf(relabel.state()));
  }

  private static RelabelState copyOf(RelabelState r) {
    return new RelabelState(r.copy(), r.counts().clone(), r.errorBefore()); // the copy is frozen
  }

  /**
   * After an alarm, with a plan that relabels: a frozen copy of the leader starts counting ({@link
   * Relabelling}); a relabelling in progress is dropped.
   */
  void startRelabelling(OnlineLearner leader) {
    relabel =
        plan.relabels() ? Relabelling.start(leader, errorBefore, plan.relabelPerClass()) : null;
  }

  /** Counts an accepted example for the relabelling in progress, if any. */
  void countForRelabelling(float[] features, int[][] ids, float[] label) {
    if (relabel != null) {
      relabel.count(features, ids, label);
    }
  }

  /**
   * When the relabelling in progress has counted enough and its re-ordered answers undo the change
   * (their error rate on the counted examples is within the detector's tolerance δ of the served
   * member's mean error rate before the alarm), the worst member but the leader by recent loss (NaN
   * the worst) is replaced by the re-ordered copy ({@link Relabelling#relabelled}) with a fresh
   * recent loss and age. Either way no relabelling is in progress afterwards. Returns the replaced
   * member's index, or -1 when none was replaced.
   */
  int joinRelabelled(
      ModelSpec spec,
      PopulationPlan populationPlan,
      OnlineLearner[] learners,
      double[] recentLoss,
      long[] bornAt,
      int leader,
      long examples,
      SplitMix64 rng) {
    if (relabel == null || !relabel.complete()) {
      return -1;
    }
    RelabelState r = relabel.state();
    int member = -1;
    for (int i : WarmupHalving.bestFirst(recentLoss)) {
      member = i != leader ? i : member; // the last one: the worst
    }
    if (member < 0 || r.reorderedError() > r.errorBefore() + plan.tolerance()) {
      relabel = null; // not a relabelling: the inputs changed, or too little is known
      return -1;
    }
    ModelSpec copySpec = r.copy().spec();
    int batch = learners[member].spec().batchSize();
    ModelSpec fresh =
        PopulationPlan.variant(
            spec,
            copySpec.hidden(),
            copySpec.optimizer().learningRate(),
            batch,
            copySpec.inputTransform());
    double base = spec.optimizer().learningRate();
    learners[member] =
        OnlineLearner.restore(
            relabel.relabelled(
                spec,
                base * populationPlan.minRateFactor(),
                base * populationPlan.maxRateFactor(),
                batch,
                OnlineLearner.create(reseeded(fresh, rng.nextLong())).state()));
    recentLoss[member] = recentLoss[leader]; // as a replacement: it leads once it does better
    bornAt[member] = examples;
    relabel = null;
    return member;
  }

  /**
   * Adds the served member's step to the block; when the block is full, its error rate goes to the
   * test. True on an alarm, which is counted at the population's example count {@code examples}.
   */
  boolean observe(StepResult served, long examples) {
    blockErrors += served.examples() - served.correct();
    blockExamples += served.examples();
    if (blockExamples < plan.blockExamples()) {
      return false;
    }
    double errorRate = blockErrors / (double) blockExamples;
    blockErrors = 0;
    blockExamples = 0;
    errorBefore = test.mean();
    if (!test.add(errorRate)) {
      return false;
    }
    alarms++;
    alarmAt = examples;
    return true;
  }

  /**
   * True when the relearning after an alarm ended with the step ending after this many examples.
   */
  boolean relearnedAt(long examples) {
    return alarmAt >= 0 && examples == alarmAt + plan.relearnExamples();
  }

  /** True while the members relearn at mini-batch 1 after an alarm. */
  boolean relearning(long examples) {
    return alarmAt >= 0 && examples < alarmAt + plan.relearnExamples();
  }

  /** The recent-loss window for a step ending after {@code examples} examples. */
  double lossWindow(PopulationPlan populationPlan, long examples) {
    return relearning(examples - 1)
        ? plan.relearnWindowExamples()
        : populationPlan.lossWindowExamples();
  }

  /** The mini-batch size members learn the next example at, after {@code examples} examples. */
  int batchSize(PopulationPlan populationPlan, ModelSpec spec, long examples) {
    return relearning(examples) ? 1 : populationPlan.batchSize(spec, examples);
  }

  long alarms() {
    return alarms;
  }

  boolean relabelling() {
    return relabel != null;
  }

  /**
   * The reaction to an alarm: every member but the leader, the worst first by recent loss, is
   * re-started in the shape of member {@code shape} (the leader, unless the leader is a linear
   * member of the warm-up), alternately from that member with a fresh output layer and from
   * scratch, at the spec's learning rate with fresh optimizer moments and a generator seeded from
   * {@code rng}; every recent loss starts over and every member's age is reset.
   */
  static void react(
      ModelSpec spec,
      OnlineLearner[] learners,
      double[] recentLoss,
      long[] bornAt,
      int leader,
      int shape,
      long examples,
      SplitMix64 rng) {
    Integer[] order = new Integer[learners.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // Worst first; NaN and +∞ are the worst; a stable sort, so ties keep member order.
    Arrays.sort(
        order,
        Comparator.comparingDouble((Integer i) -> Double.isNaN(recentLoss[i]) ? 0 : 1)
            .thenComparingDouble(i -> -recentLoss[i]));
    ModelState lead = learners[shape].state();
    int k = 0;
    for (int i : order) {
      if (i == leader) {
        continue;
      }
      ModelSpec memberSpec =
          PopulationPlan.variant(
              spec,
              lead.spec().hidden(),
              spec.optimizer().learningRate(),
              lead.spec().batchSize(),
              lead.spec().inputTransform());
      ModelState fresh = OnlineLearner.create(reseeded(memberSpec, rng.nextLong())).state();
      learners[i] =
          OnlineLearner.restore(
              k % 2 == 0 ? newReadOut(memberSpec, lead, fresh) : fresh.withSpec(memberSpec));
      bornAt[i] = examples;
      k++;
    }
    Arrays.fill(recentLoss, Double.NaN);
  }

  /**
   * The leader's hidden layers, normalizers and counters under a fresh output layer and moments.
   */
  private static ModelState newReadOut(ModelSpec memberSpec, ModelState lead, ModelState fresh) {
    List<LayerState> layers = new ArrayList<>(lead.layers());
    int out = layers.size() - 1;
    layers.set(out, fresh.layers().get(out));
    TrainingState t = fresh.training();
    return new ModelState(
        memberSpec,
        lead.counters(),
        layers,
        lead.inputNormalizer(),
        lead.targetNormalizer(),
        new TrainingState(
            t.optimizer(), t.pending(), t.rngState(), Double.NaN, lead.training().classCounts()),
        lead.carried(),
        lead.embeddings());
  }

  /** Member i's learner at mini-batch {@code batch} (the same learner if it already is). */
  static OnlineLearner withBatch(OnlineLearner learner, int batch) {
    ModelSpec s = learner.spec();
    if (s.batchSize() == batch) {
      return learner;
    }
    ModelState state = learner.state();
    return OnlineLearner.restore(
        state.withSpec(
            PopulationPlan.variant(
                s, s.hidden(), s.optimizer().learningRate(), batch, s.inputTransform())));
  }

  /** The spec with another seed (the fresh member's initial weights and generator). */
  static ModelSpec reseeded(ModelSpec s, long seed) {
    return new ModelSpec(
        s.task(),
        s.inputs(),
        s.featureNames(),
        s.outputs(),
        s.hidden(),
        s.activation(),
        s.init(),
        s.batchNorm(),
        s.dropout(),
        s.loss(),
        s.huberDelta(),
        s.optimizer(),
        s.schedule(),
        s.clipNorm(),
        s.batchSize(),
        s.standardize(),
        seed,
        s.snapshot(),
        s.classNames(),
        s.classWeight(),
        s.features(),
        s.learner(),
        s.inputTransform());
  }
}
