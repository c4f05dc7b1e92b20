/**
 * The join of delayed labels with logged predictions: {@link io.streamprop.trainer.join.LabelJoin}
 * turns a label and the prediction it labels into an example for the model's ordinary training
 * path, exactly once ({@code docs/topics.md}, "The join").
 */
package io.streamprop.trainer.join;
