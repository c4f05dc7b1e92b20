package io.streamprop.trainer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.streamprop.learn.Ewma;
import io.streamprop.learn.StepResult;
import io.streamprop.learn.population.PopulationLearner;
import java.util.ArrayList;
import java.util.List;

/**
 * The meters of one model. Written by the stream thread that owns the model and by that thread's
 * learning lane (models beyond {@code streamprop.trainer.metrics.max.models} share one instance, so
 * the writers are synchronized), read by the scrape thread (gauges read volatile fields).
 *
 * <p>The prequential loss and accuracy gauges are exponentially weighted over roughly the last
 * {@value #WINDOW_EXAMPLES} examples ({@link Ewma#withWindow}, each step's mean weighing as its
 * examples), bias-corrected: a model's first gauges are the plain means of its first steps. The
 * counters {@code streamprop_prequential_scored_total} and {@code
 * streamprop_prequential_correct_total} give exact accuracy over any window in PromQL.
 *
 * <p>A population ({@code learner: population}) reports its race too, registered at its first
 * report: the served member's index, each member's recent prequential loss (tag {@code member}, the
 * population's own exponentially weighted score that picks the leader), and how often the leader
 * switched and members were replaced (the population's totals, which survive restarts). The
 * prequential gauges above then describe the served member's steps.
 *
 * <p>The per-layer gradient norm follows every step; the weight norm and update ratio follow the
 * steps that measured them (every 16th optimizer step of a learner, see {@link
 * StepResult.LayerStats}) and otherwise keep their last measured value, NaN until the first.
 */
public final class ModelMeters {
  static final double WINDOW_EXAMPLES = 1000;

  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> meters = new ArrayList<>();
  private final Counter trained;
  private final Counter minibatches;
  private final Counter scored;
  private final Counter correct;
  private final Counter skipped;
  private final Counter snapshots;
  private final DistributionSummary snapshotSize;
  private final Ewma loss = Ewma.withWindow(WINDOW_EXAMPLES);
  private final Ewma accuracy = Ewma.withWindow(WINDOW_EXAMPLES);
  private volatile double learningRate = Double.NaN;
  private volatile double version;
  private volatile double examples;
  private LayerGauges[] layers = new LayerGauges[0];
  private volatile double leader = Double.NaN;
  private volatile double averageServed = Double.NaN;
  private volatile double switches;
  private volatile double replacements;
  private volatile double relabelling;
  private volatile double alarms;
  private volatile double[] memberLoss = new double[0];
  private final List<Meter> memberGauges = new ArrayList<>(); // one per member, in member order

  ModelMeters(MeterRegistry registry, String modelId) {
    this.registry = registry;
    this.tags = Tags.of("model", modelId);
    trained = counter("streamprop.examples.trained", "Examples learned (pending batch included)");
    minibatches = counter("streamprop.minibatches", "Mini-batch steps run");
    scored = counter("streamprop.prequential.scored", "Examples scored before learning");
    correct =
        counter("streamprop.prequential.correct", "Scored examples whose top class was right");
    skipped = counter("streamprop.steps.skipped", "Steps skipped for non-finite loss or gradients");
    snapshots = counter("streamprop.snapshots.published", "Snapshots published");
    snapshotSize =
        add(
            DistributionSummary.builder("streamprop.snapshot.size")
                .description("Size of published snapshots")
                .baseUnit("bytes")
                .tags(tags)
                .register(registry));
    gauge("streamprop.prequential.loss", "Prequential loss (EWMA)", loss::value);
    gauge("streamprop.prequential.accuracy", "Prequential accuracy (EWMA)", accuracy::value);
    gauge("streamprop.learning.rate", "Learning rate of the last step", () -> learningRate);
    gauge("streamprop.model.version", "Version of the last published snapshot", () -> version);
    gauge("streamprop.model.examples", "Examples the model has learned", () -> examples);
  }

  private Counter counter(String name, String description) {
    return add(Counter.builder(name).description(description).tags(tags).register(registry));
  }

  private void gauge(String name, String description, java.util.function.DoubleSupplier value) {
    gauge(name, description, tags, value);
  }

  private Gauge gauge(
      String name, String description, Tags gaugeTags, java.util.function.DoubleSupplier value) {
    return add(
        Gauge.builder(name, value, java.util.function.DoubleSupplier::getAsDouble)
            .description(description)
            .tags(gaugeTags)
            .strongReference(true)
            .register(registry));
  }

  private <M extends Meter> M add(M meter) {
    meters.add(meter);
    return meter;
  }

  /** One example learned; {@code totalExamples} is the model's count after it. */
  public synchronized void trained(long totalExamples) {
    trained.increment();
    examples = totalExamples;
  }

  /** A completed mini-batch step. */
  public synchronized void step(StepResult step, boolean classification) {
    minibatches.increment();
    if (step.skipped()) {
      skipped.increment();
    }
    int n = step.examples();
    scored.increment(n);
    double meanLoss = step.lossSum() / n;
    if (Double.isFinite(meanLoss)) {
      loss.add(meanLoss, n);
    }
    if (classification) {
      correct.increment(step.correct());
      accuracy.add((double) step.correct() / n, n);
    }
    learningRate = step.learningRate();
    StepResult.LayerStats[] stats = step.layers();
    if (stats != null) {
      if (layers.length < stats.length) {
        registerLayers(stats.length);
      }
      for (int i = stats.length; i < layers.length; i++) {
        layers[i].clear(); // the served network has fewer layers (a population's linear member)
      }
      for (int i = 0; i < stats.length; i++) {
        layers[i].gradientNorm = stats[i].gradientNorm();
        if (stats[i].weightsMeasured()) {
          // The learner measures the weights on a sample of its steps: keep the last figures.
          layers[i].weightNorm = stats[i].weightNorm();
          layers[i].updateRatio = stats[i].updateRatio();
        }
      }
    }
  }

  /** The race of a population, after a step or a restore. */
  public synchronized void population(PopulationLearner population) {
    int size = population.size();
    if (memberLoss.length != size) {
      registerPopulation(size);
    }
    double[] losses = new double[size];
    for (int i = 0; i < size; i++) {
      losses[i] = population.recentLoss(i);
    }
    memberLoss = losses;
    leader = population.servedMember();
    averageServed = population.averageServed() ? 1 : 0;
    switches = population.switches();
    replacements = population.replacements();
    alarms = population.alarms();
    relabelling = population.relabelling() ? 1 : 0;
  }

  /**
   * Registers the population's meters on its first report, then keeps one loss gauge per member:
   * members dropped at the end of the warm-up take their series with them.
   */
  private void registerPopulation(int size) {
    if (memberGauges.isEmpty()) {
      gauge("streamprop.population.leader", "Index of the served member", () -> leader);
      gauge(
          "streamprop.population.average.served",
          "1 when the served member's weight average is served, not the member itself",
          () -> averageServed);
      gauge(
          "streamprop.population.relabelling",
          "1 while a frozen copy of the leader counts examples for a relabelling",
          () -> relabelling);
      add(
          FunctionCounter.builder("streamprop.population.switches", this, m -> m.switches)
              .description("Times the served member of the population changed")
              .tags(tags)
              .register(registry));
      add(
          FunctionCounter.builder("streamprop.population.replacements", this, m -> m.replacements)
              .description("Members replaced by a copy of the leader: perturbed, or relabelled")
              .tags(tags)
              .register(registry));
      add(
          FunctionCounter.builder("streamprop.population.drift.alarms", this, m -> m.alarms)
              .description("Changes of the stream the population's drift detection signalled")
              .tags(tags)
              .register(registry));
    }
    while (memberGauges.size() > size) {
      Meter dropped = memberGauges.remove(memberGauges.size() - 1);
      meters.remove(dropped);
      registry.remove(dropped);
    }
    for (int i = memberGauges.size(); i < size; i++) {
      int member = i;
      memberGauges.add(
          gauge(
              "streamprop.population.member.loss",
              "Recent prequential loss of a population member (the score that picks the leader)",
              tags.and("member", Integer.toString(member)),
              () -> {
                double[] losses = memberLoss;
                return member < losses.length ? losses[member] : Double.NaN;
              }));
    }
    memberLoss = new double[size];
  }

  /**
   * Gauges for layers up to {@code count}, keeping those registered: the registry keeps a gauge's
   * first value function for its name and tags, so a layer's gauges read one holder for good.
   */
  private void registerLayers(int count) {
    int registered = layers.length;
    layers = java.util.Arrays.copyOf(layers, count);
    for (int i = registered; i < count; i++) {
      LayerGauges layer = new LayerGauges();
      layers[i] = layer;
      Tags layerTags = tags.and("layer", Integer.toString(i));
      gauge(
          "streamprop.gradient.norm",
          "L2 norm of dLoss/dWeight of a dense layer",
          layerTags,
          () -> layer.gradientNorm);
      gauge(
          "streamprop.weight.norm",
          "L2 norm of a dense layer's weights after the last measured step (every 16th)",
          layerTags,
          () -> layer.weightNorm);
      gauge(
          "streamprop.update.ratio",
          "|update| / |weights| of a dense layer in the last measured step (every 16th)",
          layerTags,
          () -> layer.updateRatio);
    }
  }

  /** A snapshot of {@code bytes} bytes published as {@code publishedVersion}. */
  public synchronized void snapshot(long publishedVersion, int bytes) {
    snapshots.increment();
    snapshotSize.record(bytes);
    version = publishedVersion;
  }

  /** The version of the model now held (e.g. after a restart, before any new snapshot). */
  public synchronized void version(long currentVersion, long totalExamples) {
    version = currentVersion;
    examples = totalExamples;
  }

  synchronized void remove() {
    for (Meter meter : meters) {
      registry.remove(meter);
    }
    meters.clear();
  }

  private static final class LayerGauges {
    volatile double gradientNorm = Double.NaN;
    volatile double weightNorm = Double.NaN;
    volatile double updateRatio = Double.NaN;

    /** No such layer in the served network: no figures. */
    void clear() {
      gradientNorm = Double.NaN;
      weightNorm = Double.NaN;
      updateRatio = Double.NaN;
    }
  }
}
