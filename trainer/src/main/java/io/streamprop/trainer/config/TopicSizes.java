package io.streamprop.trainer.config;

/**
 * Size limits derived from the largest model a spec may declare, so that every snapshot the trainer
 * can produce fits the snapshot topic, the changelog and the producer.
 */
public final class TopicSizes {
  private TopicSizes() {}

  /** Room for record framing and the trainer's bookkeeping beside the snapshot bytes. */
  private static final int OVERHEAD_BYTES = 64 * 1024;

  /** The largest snapshot a valid spec can produce (from the spec limits). */
  public static int maxSnapshotBytes() {
    return PLACEHOLDER_MAX_SNAPSHOT_BYTES;
  }

  // Replaced by SpecLimits.MAX_SNAPSHOT_BYTES once the wire branch lands.
  private static final int PLACEHOLDER_MAX_SNAPSHOT_BYTES = 64 << 20;

  /** {@code max.message.bytes} / {@code max.request.size} for snapshot and changelog records. */
  public static int maxRecordBytes() {
    return maxSnapshotBytes() + OVERHEAD_BYTES;
  }
}
