/**
 * A population of online learners on one stream: variants of a spec (learning rates on a log grid,
 * widths) all learn the same examples in the same order, each is scored prequentially before it
 * learns, the member with the best recent prequential loss is served, and members that fall far
 * behind are replaced by perturbed copies of the leader. {@link
 * io.streamprop.learn.population.PopulationLearner} wraps {@link io.streamprop.learn.OnlineLearner}
 * instances; its complete state is the typed {@link
 * io.streamprop.learn.population.PopulationState}.
 */
package io.streamprop.learn.population;
