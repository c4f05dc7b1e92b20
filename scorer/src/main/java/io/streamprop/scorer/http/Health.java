package io.streamprop.scorer.http;

/** What {@code /health/live} and {@code /health/ready} report. */
public interface Health {

  /** True while the process works (its snapshot consumer is running). */
  boolean live();

  /**
   * True once the snapshot topic has been read up to its end offsets as of start (or as of when it
   * appeared); false while it does not exist.
   */
  boolean ready();

  /** A sentence about the state, for people reading the health responses. */
  String detail();
}
