package io.streamprop.trainer.config;

import io.streamprop.spec.SpecLimits;

/**
 * Size limits derived from the largest model a spec may declare ({@link SpecLimits}), so that every
 * snapshot the trainer can produce fits the snapshot topic, the {@code model-state} changelog and
 * the producer.
 */
public final class TopicSizes {
  private TopicSizes() {}

  /**
   * {@code max.message.bytes} / {@code max.request.size} for snapshot and changelog records: the
   * largest snapshot plus room for framing (and the trainer's 22-byte header in the changelog).
   */
  public static int maxRecordBytes() {
    return SpecLimits.MAX_SNAPSHOT_RECORD_BYTES;
  }
}
