package io.streamprop.trainer.state;

import io.streamprop.learn.OnlineLearner;

/**
 * One model as the trainer holds it between commits: the live {@link OnlineLearner} plus the
 * snapshot bookkeeping that must survive restarts (the last published version, how many examples it
 * covered). Mutable, owned by one stream thread.
 */
public final class LiveModel {
  private OnlineLearner learner;
  private long version;
  private long examplesAtSnapshot;
  private long lastSnapshotMillis;
  private boolean dirty;
  private Object specSeen;

  /**
   * @param learner the model
   * @param version the version of the last published snapshot (0: none yet)
   * @param examplesAtSnapshot {@code learner.examples()} when that snapshot was taken
   * @param lastSnapshotMillis wall-clock time of that snapshot (or of the model's creation)
   */
  public LiveModel(
      OnlineLearner learner, long version, long examplesAtSnapshot, long lastSnapshotMillis) {
    this.learner = learner;
    this.version = version;
    this.examplesAtSnapshot = examplesAtSnapshot;
    this.lastSnapshotMillis = lastSnapshotMillis;
  }

  public OnlineLearner learner() {
    return learner;
  }

  /** Swaps in a learner that continues this one (same examples): an in-place spec update. */
  public void updateLearner(OnlineLearner updated) {
    this.learner = updated;
    this.dirty = true;
  }

  /** Replaces the learner by a new one (a spec that changed the shape); versions continue. */
  public void replaceLearner(OnlineLearner replacement, long nowMillis) {
    this.learner = replacement;
    this.examplesAtSnapshot = replacement.examples();
    this.lastSnapshotMillis = nowMillis;
    this.dirty = true;
  }

  /**
   * The spec instance last checked against this model: a fast identity test spares comparing specs
   * field by field on every example.
   */
  public Object specSeen() {
    return specSeen;
  }

  public void specSeen(Object spec) {
    this.specSeen = spec;
  }

  public long version() {
    return version;
  }

  public long examplesAtSnapshot() {
    return examplesAtSnapshot;
  }

  public long lastSnapshotMillis() {
    return lastSnapshotMillis;
  }

  /** Examples learned since the last snapshot. */
  public long unpublishedExamples() {
    return learner.examples() - examplesAtSnapshot;
  }

  /** Records a published snapshot of version {@code version}. */
  public void published(long publishedVersion, long nowMillis) {
    this.version = publishedVersion;
    this.examplesAtSnapshot = learner.examples();
    this.lastSnapshotMillis = nowMillis;
    this.dirty = true;
  }

  /** The model changed since it was last written to the changelogged store. */
  public boolean dirty() {
    return dirty;
  }

  public void markDirty() {
    dirty = true;
  }

  void markClean() {
    dirty = false;
  }
}
