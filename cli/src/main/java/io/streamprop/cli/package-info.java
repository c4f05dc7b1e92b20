/**
 * The {@code streamprop} command line: offline {@code train} and prequential {@code evaluate} on
 * data files, {@code snapshot show}, and the entry points of the services. Every command learns
 * through {@link io.streamprop.learn.OnlineLearner}, the very code path the trainer runs; this
 * package only reads files, prints, and maps errors to exit codes.
 */
package io.streamprop.cli;
