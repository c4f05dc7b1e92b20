package io.streamprop.learn;

import io.streamprop.spec.ModelSpec;

/**
 * One model that learns online: examples arrive one at a time, are standardized, collected into a
 * mini-batch, and each full mini-batch is first scored (prequential loss and accuracy) and then
 * learned from (forward, loss, backward, optimizer step). Not thread-safe: one model, one thread.
 *
 * <p>This is the one code path shared by the offline command line, the trainer and the tests.
 */
public final class OnlineLearner {

  /** A new model with weights initialized from the spec's seed. */
  public static OnlineLearner create(ModelSpec spec) {
    throw new UnsupportedOperationException("engine not written yet");
  }

  /** Resumes exactly from a state returned by {@link #state()}. */
  public static OnlineLearner restore(ModelState state) {
    throw new UnsupportedOperationException("engine not written yet");
  }

  public ModelSpec spec() {
    throw new UnsupportedOperationException("engine not written yet");
  }

  /**
   * Adds one example to the pending mini-batch; when it is full, runs a step and returns its
   * result, otherwise returns null. Arrays are copied; inputs must already be validated (finite,
   * right width, label in range).
   *
   * @param features the raw (unstandardized) features, length {@code spec.inputs()}
   * @param label class index as a float (classification), or the targets (regression)
   */
  public StepResult learn(float[] features, float[] label) {
    throw new UnsupportedOperationException("engine not written yet");
  }

  /** Examples accepted so far, pending ones included. */
  public long examples() {
    throw new UnsupportedOperationException("engine not written yet");
  }

  /** A deep copy of the complete state (version set by the caller via {@link #setVersion}). */
  public ModelState state() {
    throw new UnsupportedOperationException("engine not written yet");
  }

  public void setVersion(long version) {
    throw new UnsupportedOperationException("engine not written yet");
  }

  /** An immutable, thread-safe predictor of the current weights (inference mode). */
  public Predictor predictor() {
    throw new UnsupportedOperationException("engine not written yet");
  }
}
