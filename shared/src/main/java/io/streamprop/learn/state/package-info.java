/**
 * A model's complete state as typed records: {@link io.streamprop.learn.state.ModelState} holds the
 * spec, the {@link io.streamprop.learn.state.Counters}, one {@link
 * io.streamprop.learn.state.LayerState} per dense layer, the input and target {@link
 * io.streamprop.learn.state.NormalizerState}s, and the {@link
 * io.streamprop.learn.state.TrainingState} that only resuming training needs (with the {@link
 * io.streamprop.learn.state.ClassCounts} of balanced class weights). The learner exports and
 * restores it, the predictor builds from it, and {@code io.streamprop.wire.StateCodec} is the one
 * place that maps it to the snapshot's named arrays.
 */
package io.streamprop.learn.state;
