package io.streamprop.learn.population;

import io.streamprop.spec.ModelSpec;
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
 * @param replacements members replaced by a perturbed copy of the leader
 * @param rngState the state of the population's own generator ({@code SplitMix64}), which draws the
 *     perturbations of replacements and the generator states of their copies
 * @param drift the state of its drift detection ({@link DriftResponse}), or null when it has none
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
    DriftState drift) {

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
    this(spec, plan, members, leader, examples, switches, replacements, rngState, null);
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
  }

  /** The served member. */
  public MemberState leaderState() {
    return members.get(leader);
  }
}
