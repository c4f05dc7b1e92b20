package io.streamprop.learn.population;

import io.streamprop.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The complete state of a population, enough to resume it bit for bit: what its snapshot carries
 * ({@code io.streamprop.wire.PopulationCodec}).
 *
 * @param spec the population's spec (the user's, {@code learner: population})
 * @param plan how members are made, scored and replaced
 * @param members every member, in member order
 * @param leader the index of the served member
 * @param examples examples accepted (every member has accepted the same ones)
 * @param switches times the served member changed
 * @param replacements members replaced by a copy of the leader (perturbed, or relabelled)
 * @param rngState the state of the population's own generator ({@code SplitMix64}), which draws the
 *     perturbations of replacements and the generator states of their copies
 * @param drift the state of its drift detection ({@link DriftResponse}), or null when it has none
 * @param served what is served: the leader's index, or the member count plus i for member i's
 *     average of its weights ({@link PopulationPlan#averageWindowExamples()})
 */
public record PopulationState(
    ModelSpec spec,
    PopulationPlan plan,
    List<MemberState> members,
    int leader,
    long examples,
    long switches,
    long replacements,
    long rngState,
    DriftState drift,
    int served) {

  /** The state of a population that serves its leader. */
  public PopulationState(
      ModelSpec spec,
      PopulationPlan plan,
      List<MemberState> members,
      int leader,
      long examples,
      long switches,
      long replacements,
      long rngState,
      DriftState drift) {
    this(spec, plan, members, leader, examples, switches, replacements, rngState, drift, leader);
  }

  /** The state of a population without drift detection. */
  public PopulationState(
      ModelSpec spec,
      PopulationPlan plan,
      List<MemberState> members,
      int leader,
      long examples,
      long switches,
      long replacements,
      long rngState) {
    this(spec, plan, members, leader, examples, switches, replacements, rngState, null, leader);
  }

  public PopulationState {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(plan, "plan");
    members = List.copyOf(members);
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a population has at least one member");
    }
    if (leader < 0 || leader >= members.size()) {
      throw new IllegalArgumentException(
          "leader must be a member index in [0, " + members.size() + "), got " + leader);
    }
    int candidates = plan.averages() ? 2 * members.size() : members.size();
    if (served < 0 || served >= candidates || (!plan.averages() && served != leader)) {
      throw new IllegalArgumentException(
          "served must be the leader "
              + leader
              + (plan.averages()
                  ? " or an average in [" + members.size() + ", " + candidates + ")"
                  : "")
              + ", got "
              + served);
    }
    if (served >= members.size() && members.get(served - members.size()).average() == null) {
      throw new IllegalArgumentException(
          "served is the average of member " + (served - members.size()) + ", which has none");
    }
  }

  /**
   * This state under an updated spec that keeps the shape ({@code learner: population}, same task,
   * inputs, hidden widths, optimizer kind, batch size, seed): members keep their weights, averages,
   * optimizer moments, widths and their learning rates relative to the spec's, and take every other
   * hyper-parameter (schedule, clipping, dropout, snapshot policy ...) from the new spec.
   */
  public PopulationState withSpec(ModelSpec updated) {
    double ratio =
        updated.optimizer().learningRate() / spec.optimizer().learningRate(); // 1 if unchanged
    List<MemberState> updatedMembers = new ArrayList<>(members.size());
    for (MemberState m : members) {
      ModelSpec own = m.model().spec();
      double rate =
          ratio == 1 ? own.optimizer().learningRate() : own.optimizer().learningRate() * ratio;
      ModelSpec memberSpec =
          PopulationPlan.variant(
              updated, own.hidden(), rate, own.batchSize(), own.inputTransform());
      updatedMembers.add(
          new MemberState(m.model().withSpec(memberSpec), m.recentLoss(), m.bornAt(), m.average()));
    }
    return new PopulationState(
        updated,
        plan,
        updatedMembers,
        leader,
        examples,
        switches,
        replacements,
        rngState,
        drift,
        served);
  }

  /** The served member. */
  public MemberState leaderState() {
    return members.get(leader);
  }
}
