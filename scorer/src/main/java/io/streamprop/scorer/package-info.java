/**
 * The streamprop scorer: an HTTP prediction service that serves the newest snapshot of every model
 * from the snapshot topic, swaps new versions in atomically, and measures the served models' loss
 * on new labels. {@link io.streamprop.scorer.ScorerMain} is the entry point.
 */
package io.streamprop.scorer;
