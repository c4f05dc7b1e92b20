package io.streamprop.learn.population;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.StepResult;
import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.TrainingState;
import io.streamprop.nn.SplitMix64;
import io.streamprop.spec.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A population of {@link OnlineLearner}s on one stream that serves whichever member has predicted
 * best recently. Not thread-safe: one population, one thread.
 *
 * <p>Every example goes to every member, in member order; the members share one mini-batch size (1
 * during the plan's warm-up, {@link PopulationPlan#warmupExamples()}, then the spec's), so they
 * step together, and each step is scored prequentially by each member before it learns ({@link
 * StepResult}). Then, in order:
 *
 * <ol>
 *   <li><b>scores</b>: each member's recent loss folds in the mean loss of its batch, exponentially
 *       weighted over the plan's window ({@link PopulationPlan#lossWindowExamples()});
 *   <li><b>selection</b> ("follow the leader" on recent prequential loss): the served member
 *       changes when another member's recent loss is strictly lower (the lowest index wins a tie
 *       among challengers);
 *   <li><b>replacement</b>, when the step completes a rung of the plan's length: each member of the
 *       worse half (by recent loss) that is at least a rung old and whose recent loss is more than
 *       the plan's margin above the leader's, or not finite, is replaced by a copy of the leader
 *       (weights, optimizer moments, statistics) learning at the leader's rate × or ÷ the plan's
 *       perturbation: successive halving's budget (Jamieson and Talwalkar 2016; Hyperband, Li et
 *       al. 2017) moves to the leader's neighbourhood, as in population-based training (Jaderberg
 *       et al. 2017); the member count, and so a step's cost, stays constant.
 * </ol>
 *
 * <p>{@link #learn} returns the step result of the member that was served <em>before</em> the step:
 * the population's own prequential score, what a scorer of the previous leader would have scored.
 *
 * <p>Deterministic: members start from the spec's seed ({@link PopulationPlan}); the population's
 * own generator starts from {@code seed ^ SEED_MIX} and draws only at replacements. The same spec,
 * plan and examples in the same order give a bit-identical {@link PopulationState}.
 */
public final class PopulationLearner {
  /** Mixed into the spec's seed for the population's own generator (ASCII "POPULATN"). */
  static final long SEED_MIX = 0x504F50554C41544EL;

  private final ModelSpec spec;
  private final PopulationPlan plan;
  private final SplitMix64 rng;
  private OnlineLearner[] learners; // fewer after a warm-up that keeps the best members
  private double[] recentLoss;
  private long[] bornAt;
  private StepResult[] steps; // each member's step of the current example, reused
  private final double lossWeight; // of one mini-batch in a member's recent loss
  private final DriftResponse drift; // null: no drift detection
  private Averages averages; // null: the plan averages no weights
  private int leader;
  private int served; // leader, or members + i for member i's average
  private long examples;
  private long switches;
  private long replacements;

  private PopulationLearner(
      ModelSpec spec, PopulationPlan plan, SplitMix64 rng, int members, DriftState drift) {
    this.spec = spec;
    this.plan = plan;
    this.rng = rng;
    this.learners = new OnlineLearner[members];
    this.recentLoss = new double[members];
    this.bornAt = new long[members];
    this.steps = new StepResult[members];
    // StrictMath: the same bits on every JVM.
    this.lossWeight = 1 - StrictMath.exp(-spec.batchSize() / plan.lossWindowExamples());
    this.drift = drift == null ? null : new DriftResponse(drift);
  }

  /** A new population of the spec with the standard plan. */
  public static PopulationLearner create(ModelSpec spec) {
    return create(spec, PopulationPlan.standard());
  }

  /**
   * A new population of the spec with the plan and, for classification, the standard drift
   * detection ({@link DriftPlan#standard()}).
   */
  public static PopulationLearner create(ModelSpec spec, PopulationPlan plan) {
    return create(
        spec, plan, spec.task() == ModelSpec.Task.CLASSIFICATION ? DriftPlan.standard() : null);
  }

  /**
   * A new population of the spec: one new {@link OnlineLearner} per member of the plan, with drift
   * detection of the given plan (null: none). The first served member is the spec's own learner
   * (factors 1 and 1) when the plan has it, else member 0.
   */
  public static PopulationLearner create(ModelSpec spec, PopulationPlan plan, DriftPlan drift) {
    List<ModelSpec> specs = plan.memberSpecs(spec);
    PopulationLearner population =
        new PopulationLearner(
            spec,
            plan,
            new SplitMix64(spec.seed() ^ SEED_MIX),
            specs.size(),
            drift == null ? null : DriftState.start(drift));
    // The spec's own single learner (at mini-batch 1 during a warm-up).
    ModelSpec own = plan.ownMember(spec);
    for (int i = 0; i < specs.size(); i++) {
      population.learners[i] = OnlineLearner.create(specs.get(i));
      population.recentLoss[i] = Double.NaN;
      if (specs.get(i).equals(own)) {
        population.leader = i;
      }
    }
    population.served = population.leader;
    if (plan.averages() && !population.learners[0].hasEmbeddingTables()) {
      population.averages = Averages.start(population.learners, plan.averageWindowExamples());
    }
    return population;
  }

  /**
   * Resumes exactly from a state returned by {@link #state()} (or decoded from its snapshot).
   *
   * @throws IllegalArgumentException if a member's state does not fit its spec's model
   */
  public static PopulationLearner restore(PopulationState state) {
    List<MemberState> members = state.members();
    PopulationLearner population =
        new PopulationLearner(
            state.spec(),
            state.plan(),
            new SplitMix64(state.rngState()),
            members.size(),
            state.drift());
    for (int i = 0; i < members.size(); i++) {
      population.learners[i] = OnlineLearner.restore(members.get(i).model());
      population.recentLoss[i] = members.get(i).recentLoss();
      population.bornAt[i] = members.get(i).bornAt();
    }
    population.leader = state.leader();
    population.served = state.served();
    if (state.plan().averages() && !members.isEmpty() && members.get(0).average() != null) {
      population.averages = Averages.restore(members, state.plan().averageWindowExamples());
    }
    population.examples = state.examples();
    population.switches = state.switches();
    population.replacements = state.replacements();
    return population;
  }

  /**
   * This population under an updated spec that keeps the shape ({@code learner: population}, same
   * task, inputs, hidden widths, optimizer kind, batch size, seed): members keep their weights,
   * optimizer moments, widths and their learning rates relative to the spec's, and take every other
   * hyper-parameter (schedule, clipping, dropout, snapshot policy ...) from the new spec.
   */
  public PopulationLearner withSpec(ModelSpec updated) {
    return restore(state().withSpec(updated));
  }

  /** Deep copies of everything the population holds (members at version 0). */
  public PopulationState state() {
    List<MemberState> members = new ArrayList<>(learners.length);
    for (int i = 0; i < learners.length; i++) {
      AverageState average = averages == null ? null : averages.state(i);
      members.add(new MemberState(learners[i].state(), recentLoss[i], bornAt[i], average));
    }
    return new PopulationState(
        spec,
        plan,
        members,
        leader,
        examples,
        switches,
        replacements,
        rng.state(),
        drift == null ? null : drift.state(),
        served);
  }

  /**
   * Gives one example to every member; when their mini-batch is full, each steps, then scores,
   * selection and replacement follow. Returns the step result of the member served before the step,
   * or null when no step ran. A bad example throws {@link IllegalArgumentException}; none changes.
   *
   * @param features the raw features, length {@code spec.inputs()}
   * @param label class index as a float (classification), or the targets (regression)
   */
  public StepResult learn(float[] features, float[] label) {
    return learn(features, label, 1f);
  }

  /** {@link #learn(float[], float[])} for an example of the given weight (1 is the plain one). */
  public StepResult learn(float[] features, float[] label, float weight) {
    Averages.attach(averages, learners);
    for (int i = 0; i < learners.length; i++) {
      steps[i] = learners[i].learn(features, label, weight);
    }
    return afterExample(features, null, label);
  }

  /**
   * {@link #learn(float[], float[])} for a spec with raw {@code features}: one featurized example
   * ({@link io.streamprop.features.FeatureRow}) of the given weight to every member.
   */
  public StepResult learn(float[] dense, int[][] ids, float[] label, float weight) {
    Averages.attach(averages, learners);
    for (int i = 0; i < learners.length; i++) {
      steps[i] = learners[i].learn(dense, ids, label, weight);
    }
    return afterExample(dense, ids, label);
  }

  /**
   * Scores the members' steps of the example just given (which every member accepted), then selects
   * and prunes; a relabelling in progress counts the example.
   */
  private StepResult afterExample(float[] features, int[][] ids, float[] label) {
    if (drift != null) {
      drift.countForRelabelling(features, ids, label);
    }
    int n = learners.length;
    StepResult result = null;
    for (int i = 0; i < n; i++) {
      StepResult step = steps[i];
      steps[i] = null;
      if (step != null) {
        score(i, step);
        if (i == served) {
          result = step;
        } else if (served == n + i) {
          result = averages.scored(i, step);
        }
      }
    }
    examples++;
    if (result != null) {
      select();
      long rung = plan.rungExamples();
      boolean halving = examples == plan.warmupExamples() && plan.warmupKeep() > 0;
      if (examples / rung > (examples - result.examples()) / rung && !halving) {
        replaceLaggards(); // a warm-up's halving is that rung's replacement
      }
      if (examples == plan.warmupExamples()) {
        endWarmup();
      }
      if (drift != null) {
        afterDriftCheck(result);
      }
    }
    return result;
  }

  /** The served step to the drift test; an alarm re-starts members and starts a relabelling. */
  private void afterDriftCheck(StepResult step) {
    boolean alarm = drift.observe(step, examples);
    if (alarm) { // the relabelled copy and the re-started members take the kept shape
      int shape = WarmupHalving.shapeLeader(learners, recentLoss, leader);
      drift.startRelabelling(learners[shape]);
      DriftResponse.react(spec, learners, recentLoss, bornAt, leader, shape, examples, rng);
    }
    int joined =
        drift.joinRelabelled(spec, plan, learners, recentLoss, bornAt, leader, examples, rng);
    if (joined >= 0) {
      replacements++;
      if (averages != null) {
        averages.restart(joined, learners[joined]);
      }
    }
    if (alarm || drift.relearnedAt(examples)) { // members may change shape; then they relearned
      Averages.restart(averages, learners);
      served = leader; // restarted averages have no score yet
    }
    int batch = drift.batchSize(plan, spec, examples);
    for (int i = 0; i < learners.length; i++) {
      learners[i] = DriftResponse.withBatch(learners[i], batch);
    }
  }

  /** Folds a step's mean prequential loss into member i's recent loss (and its average's). */
  private void score(int i, StepResult step) {
    double x = step.lossSum() / step.examples();
    double window =
        drift == null ? plan.lossWindowExamples() : drift.lossWindow(plan, examples + 1);
    double weight =
        step.examples() == spec.batchSize() && window == plan.lossWindowExamples()
            ? lossWeight
            : 1 - StrictMath.exp(-step.examples() / window);
    recentLoss[i] = MemberState.fold(recentLoss[i], x, weight);
    if (averages != null) {
      averages.score(i, step, weight);
    }
  }

  /** Follow the leader: a strictly lower recent loss takes over, the lowest index first. */
  private void select() {
    int best = leader;
    for (int i = 0; i < learners.length; i++) {
      if (ServedModel.less(recentLoss[i], recentLoss[best])) {
        best = i;
      }
    }
    if (best != leader) {
      leader = best;
      switches++;
    }
    serve();
  }

  /** Serves the leader, or an average of strictly lower recent loss ({@link Averages}). */
  private void serve() {
    served = leader;
    double best = recentLoss[leader];
    boolean open = // not while members step every example: the warm-up, relearning after an alarm
        averages != null
            && examples >= plan.warmupExamples()
            && (drift == null || !drift.relearning(examples));
    for (int i = 0; open && i < learners.length; i++) {
      if (ServedModel.less(averages.recentLoss(i), best)) {
        served = learners.length + i;
        best = averages.recentLoss(i);
      }
    }
  }

  private void replaceLaggards() {
    Integer[] order = WarmupHalving.bestFirst(recentLoss);
    double bar = recentLoss[leader] * (1 + plan.pruneMargin());
    for (int k = (order.length + 1) / 2; k < order.length; k++) {
      int i = order[k];
      boolean old = examples - bornAt[i] >= plan.rungExamples();
      boolean behind = !(recentLoss[i] <= bar); // NaN and +∞ are behind
      if (i != leader && old && behind) {
        replace(i);
      }
    }
  }

  /** Member i becomes a copy of the leader learning at a perturbed rate. */
  private void replace(int i) {
    ModelState lead = learners[leader].state();
    ModelSpec leadSpec = lead.spec();
    double base = spec.optimizer().learningRate();
    double rate = leadSpec.optimizer().learningRate();
    rate = (rng.nextLong() & 1) == 0 ? rate * plan.perturbation() : rate / plan.perturbation();
    rate = Math.min(Math.max(rate, base * plan.minRateFactor()), base * plan.maxRateFactor());
    TrainingState t = lead.training();
    TrainingState training =
        new TrainingState(
            t.optimizer(), t.pending(), rng.nextLong(), t.prequentialLoss(), t.classCounts());
    ModelState copy =
        new ModelState(
            PopulationPlan.atRate(leadSpec, rate),
            lead.counters(),
            lead.layers(),
            lead.inputNormalizer(),
            lead.targetNormalizer(),
            training,
            lead.carried(),
            lead.embeddings());
    learners[i] = OnlineLearner.restore(copy);
    if (averages != null) {
      averages.copy(leader, i, learners[i]);
    }
    recentLoss[i] = recentLoss[leader];
    bornAt[i] = examples;
    replacements++;
  }

  /**
   * The end of the warm-up: with a {@link PopulationPlan#warmupKeep()} budget only the best members
   * of the leader's widths run on ({@link #keepBest}), a linear leader handing over to the best
   * member with hidden layers; all go on at the spec's batch size.
   */
  private void endWarmup() {
    if (plan.warmupKeep() > 0) {
      keepBest(plan.warmupKeep());
    }
    for (int i = 0; i < learners.length; i++) {
      learners[i] = DriftResponse.withBatch(learners[i], spec.batchSize());
    }
  }

  /** Only the members {@link WarmupHalving} keeps within the budget run on, in member order. */
  private void keepBest(int budget) {
    int shape = WarmupHalving.shapeLeader(learners, recentLoss, leader);
    switches += shape == leader ? 0 : 1; // a linear leader hands over
    boolean[] kept = WarmupHalving.kept(learners, recentLoss, shape, budget, spec);
    int[] keep = IntStream.range(0, kept.length).filter(i -> kept[i]).toArray();
    OnlineLearner[] all = learners;
    double[] loss = recentLoss;
    long[] born = bornAt;
    learners = Arrays.stream(keep).mapToObj(i -> all[i]).toArray(OnlineLearner[]::new);
    recentLoss = Arrays.stream(keep).mapToDouble(i -> loss[i]).toArray();
    bornAt = Arrays.stream(keep).mapToLong(i -> born[i]).toArray();
    steps = new StepResult[keep.length];
    leader = Arrays.binarySearch(keep, shape); // always kept
    if (averages != null) {
      averages.keep(kept, keep.length);
    }
    serve();
  }

  /** Every member's standing, in member order. */
  public List<Standing> standings() {
    List<Standing> out = new ArrayList<>(learners.length);
    for (int i = 0; i < learners.length; i++) {
      ModelSpec s = learners[i].spec();
      out.add(
          new Standing(
              i,
              s.optimizer().learningRate(),
              s.hidden(),
              s.inputTransform(),
              recentLoss[i],
              learners[i].steps(),
              bornAt[i],
              i == servedMember()));
    }
    return out;
  }

  /** The served state (the leader's, or a member's with its averaged weights) and why. */
  public ServedModel served() {
    int m = servedMember();
    ModelState state = learners[m].state();
    return averageServed()
        ? new ServedModel(averages.served(m, state), m, averages.recentLoss(m), standings())
        : new ServedModel(state, m, standings());
  }

  /** True when an average of a member's weights is served, not a member itself. */
  public boolean averageServed() {
    return served >= learners.length;
  }

  /** The member served: itself, or its weight average ({@link #averageServed}). */
  public int servedMember() {
    return served % learners.length;
  }

  public ModelSpec spec() {
    return spec;
  }

  public PopulationPlan plan() {
    return plan;
  }

  /** The member of the lowest recent loss: served, unless an average of lower loss is. */
  public int leader() {
    return leader;
  }

  /** The served member's learner (read it; learning goes through {@link #learn}). */
  public OnlineLearner leaderLearner() {
    return learners[leader];
  }

  /** Member i's learner (read it; learning goes through {@link #learn}). */
  OnlineLearner member(int i) {
    return learners[i];
  }

  public int size() {
    return learners.length;
  }

  /** Member i's recent prequential loss per example (see {@link MemberState#recentLoss()}). */
  public double recentLoss(int member) {
    return recentLoss[member];
  }

  /** Examples accepted so far, pending ones included. */
  public long examples() {
    return examples;
  }

  /** Times the served member changed. */
  public long switches() {
    return switches;
  }

  /** Members replaced by a copy of the leader: perturbed at a rung, or relabelled. */
  public long replacements() {
    return replacements;
  }

  /** True while a frozen copy of the leader counts examples for a {@link Relabelling}. */
  public boolean relabelling() {
    return drift != null && drift.relabelling();
  }

  /** Changes of the stream the drift detection signalled (0 without drift detection). */
  public long alarms() {
    return drift == null ? 0 : drift.alarms();
  }
}
