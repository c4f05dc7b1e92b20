package io.streamprop.trainer.state;

import io.streamprop.learn.OnlineLearner;

/**
 * One model as the trainer holds it between commits: the live {@link TrainedModel} (one {@link
 * OnlineLearner} or a population of them) plus the snapshot bookkeeping that must survive restarts
 * (the last published version, how many examples it covered). Mutable, owned by one stream thread;
 * its learner is lent to that thread's learning lane between the stream thread's drains.
 */
public final class LiveModel {
  private TrainedModel learner;
  private long version;
  private long examplesAtSnapshot;
  private long examplesGiven;
  private long lastSnapshotMillis;
  private boolean dirty;
  private byte[] publishedBytes;
  private Runnable onDirty;
  private Object specSeen;

  /**
   * @param learner the model
   * @param version the version of the last published snapshot (0: none yet)
   * @param examplesAtSnapshot {@code learner.examples()} when that snapshot was taken
   * @param lastSnapshotMillis wall-clock time of that snapshot (or of the model's creation)
   */
  public LiveModel(
      TrainedModel learner, long version, long examplesAtSnapshot, long lastSnapshotMillis) {
    this.learner = learner;
    this.version = version;
    this.examplesAtSnapshot = examplesAtSnapshot;
    this.lastSnapshotMillis = lastSnapshotMillis;
    this.examplesGiven = learner.examples();
  }

  /** A model of one learner. */
  public LiveModel(
      OnlineLearner learner, long version, long examplesAtSnapshot, long lastSnapshotMillis) {
    this(new SingleModel(learner), version, examplesAtSnapshot, lastSnapshotMillis);
  }

  /** What is trained: one learner or a population. */
  public TrainedModel trained() {
    return learner;
  }

  /**
   * The one learner of a single-learner model.
   *
   * @throws IllegalStateException for a population (use {@link #trained()})
   */
  public OnlineLearner learner() {
    if (learner instanceof SingleModel single) {
      return single.learner();
    }
    throw new IllegalStateException("the model is a population, not one learner");
  }

  /** Swaps in a learner that continues this one (same examples): an in-place spec update. */
  public void updateLearner(TrainedModel updated) {
    this.learner = updated;
    this.examplesGiven = updated.examples();
    markDirty();
  }

  /** Replaces the learner by a new one (a spec that changed the shape); versions continue. */
  public void replaceLearner(TrainedModel replacement, long nowMillis) {
    this.learner = replacement;
    this.examplesGiven = replacement.examples();
    this.examplesAtSnapshot = examplesGiven;
    this.lastSnapshotMillis = nowMillis;
    markDirty();
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

  /**
   * Counts one example given to the learner, and marks the model dirty. The learner may learn it
   * later, on a learning lane; the count is the stream thread's, so that it can tell when a
   * snapshot is due without reading the learner while it learns.
   */
  public void given() {
    examplesGiven++;
    markDirty();
  }

  /** Examples given to the learner ({@link #given}) since the last snapshot. */
  public long unpublishedExamples() {
    return examplesGiven - examplesAtSnapshot;
  }

  /**
   * Records a published snapshot of version {@code version}: {@code snapshot} holds the whole state
   * as it is now ({@link TrainedModel#snapshot}), so until the model changes again the store writes
   * these bytes instead of encoding it a second time ({@link #publishedBytes}).
   */
  public void published(long publishedVersion, long nowMillis, byte[] snapshot) {
    this.version = publishedVersion;
    this.examplesAtSnapshot = examplesGiven;
    this.lastSnapshotMillis = nowMillis;
    markDirty();
    this.publishedBytes = snapshot;
  }

  /**
   * The last published snapshot's bytes while the model has not changed since: the same state as
   * {@link TrainedModel#storedState} of the current version, differing only in its creation time
   * and signature, which the store does not read. Null once the model changed or was written.
   */
  byte[] publishedBytes() {
    return publishedBytes;
  }

  /** The model changed since it was last written to the changelogged store. */
  public boolean dirty() {
    return dirty;
  }

  /** Called after every change to the model (it also forgets {@link #publishedBytes}). */
  public void markDirty() {
    publishedBytes = null;
    if (!dirty) {
      dirty = true;
      if (onDirty != null) {
        onDirty.run();
      }
    }
  }

  /** Written to the store: the published bytes are not needed again (nor held beside the model). */
  void markClean() {
    dirty = false;
    publishedBytes = null;
  }

  /** What to tell when the model becomes dirty (its store; null: nobody). */
  void onDirty(Runnable listener) {
    this.onDirty = listener;
  }
}
