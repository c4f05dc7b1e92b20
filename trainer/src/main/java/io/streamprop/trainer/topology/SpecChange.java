package io.streamprop.trainer.topology;

import io.streamprop.features.FeatureSchema;
import io.streamprop.spec.ModelSpec;
import java.util.Objects;

/**
 * What an updated spec does to a live model.
 *
 * <ul>
 *   <li>{@link #NONE}: the spec is equal; nothing happens.
 *   <li>{@link #IN_PLACE}: only training hyper-parameters changed (optimizer numbers such as the
 *       learning rate, the schedule, clipping, dropout, the Huber delta, the class weights, the
 *       snapshot policy, whether a raw-features schema is closed): the model keeps its weights,
 *       optimizer moments, normalizer and pending mini-batch, and trains on with the new values.
 *   <li>{@link #RESTART}: anything that shapes the network or how it begins changed (task, inputs,
 *       feature names, raw features (their names, kinds, buckets, widths, limits, hash seed),
 *       outputs, class names, hidden widths, activation, initialization, batch norm, loss,
 *       optimizer kind, mini-batch size, standardization, input transform, seed, learner): the
 *       model starts from scratch with the new spec, and its snapshot versions continue upwards
 *       from the old ones.
 * </ul>
 */
enum SpecChange {
  NONE,
  IN_PLACE,
  RESTART;

  static SpecChange between(ModelSpec old, ModelSpec updated) {
    if (old.equals(updated)) {
      return NONE;
    }
    boolean sameShape =
        old.task() == updated.task()
            && old.inputs() == updated.inputs()
            && Objects.equals(old.featureNames(), updated.featureNames())
            && sameFeatures(old.features(), updated.features())
            && old.outputs() == updated.outputs()
            && Objects.equals(old.classNames(), updated.classNames())
            && Objects.equals(old.hidden(), updated.hidden())
            && old.activation() == updated.activation()
            && old.init() == updated.init()
            && old.batchNorm() == updated.batchNorm()
            && old.loss() == updated.loss()
            && old.optimizer().name() == updated.optimizer().name()
            && old.batchSize() == updated.batchSize()
            && old.standardize() == updated.standardize()
            && old.inputTransform() == updated.inputTransform()
            && old.seed() == updated.seed()
            && old.learner() == updated.learner();
    return sameShape ? IN_PLACE : RESTART;
  }

  /** Same raw features and hash: the same inputs from every event ({@code closed_schema} aside). */
  private static boolean sameFeatures(FeatureSchema old, FeatureSchema updated) {
    if (old == null || updated == null) {
      return old == updated;
    }
    return old.features().equals(updated.features()) && old.hashSeed() == updated.hashSeed();
  }
}
