/**
 * The one-command demo ({@code streamprop demo}): a real Kafka broker, the trainer, the scorer and
 * a paced producer of a bundled real dataset, all in one process, with a live status line. It uses
 * the services' own building blocks ({@code TrainerApp}, {@code Scorer}, {@code LocalKafka}), so
 * what the demo shows is what a deployment runs.
 */
package io.streamprop.demo;
