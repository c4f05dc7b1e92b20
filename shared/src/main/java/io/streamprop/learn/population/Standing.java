package io.streamprop.learn.population;

import io.streamprop.spec.ModelSpec;
import java.util.List;

/**
 * One member's place in the race, as the command line, the scorer's metadata and the metrics show
 * it.
 *
 * @param member the member's index
 * @param learningRate its base learning rate
 * @param hidden its hidden widths
 * @param inputTransform what its numeric inputs go through (none or symlog)
 * @param recentLoss its recent prequential loss per example (see {@link MemberState#recentLoss()})
 * @param steps optimizer steps it has taken (a copy of the leader inherits the leader's)
 * @param bornAt the population's example count when it started or was re-seeded
 * @param leader true for the served member
 */
public record Standing(
    int member,
    double learningRate,
    List<Integer> hidden,
    ModelSpec.InputTransform inputTransform,
    double recentLoss,
    long steps,
    long bornAt,
    boolean leader) {}
