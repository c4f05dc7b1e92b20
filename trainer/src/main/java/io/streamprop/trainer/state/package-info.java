/**
 * Where model state lives: the {@code model-state} store keeps live learners in memory and writes
 * the changed ones to a changelogged key-value store right before each exactly-once commit, so a
 * restart resumes every model exactly where the last commit left it.
 */
package io.streamprop.trainer.state;
