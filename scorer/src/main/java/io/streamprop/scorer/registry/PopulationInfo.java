package io.streamprop.scorer.registry;

import io.streamprop.learn.population.Standing;
import io.streamprop.spec.ModelSpec;
import java.util.List;

/**
 * Which member of a population a served model is, and why ({@code GET /v1/models/{m}}).
 *
 * @param member the served (leading) member's index, or the member whose weight average is served
 * @param average true when that member's weight average is served, not the member itself
 * @param learningRate its base learning rate
 * @param hidden its hidden widths
 * @param inputTransform what its numeric inputs go through (none or symlog)
 * @param reason one line: its recent loss against the next best member's ({@code
 *     io.streamprop.learn.population.ServedModel#reason()})
 * @param standings every member's standing, in member order
 * @param switches times the served member changed
 * @param replacements members replaced by a copy of the leader (perturbed, or relabelled)
 * @param driftAlarms changes of the stream its drift detection signalled (0 without detection)
 */
public record PopulationInfo(
    int member,
    boolean average,
    double learningRate,
    List<Integer> hidden,
    ModelSpec.InputTransform inputTransform,
    String reason,
    List<Standing> standings,
    long switches,
    long replacements,
    long driftAlarms) {
  public PopulationInfo {
    hidden = List.copyOf(hidden);
    standings = List.copyOf(standings);
  }
}
