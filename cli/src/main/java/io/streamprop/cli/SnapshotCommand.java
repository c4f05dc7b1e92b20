package io.streamprop.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The {@code snapshot} command group; {@code snapshot show} decodes a snapshot file. */
@Command(
    name = "snapshot",
    description = "Works with model snapshots (the binary format of the model-snapshots topic).",
    subcommands = {SnapshotShowCommand.class})
final class SnapshotCommand implements Runnable {

  @CommandLine.Spec private CommandSpec command;

  @CommandLine.Mixin private HelpOption help;

  @Override
  public void run() {
    throw new ParameterException(command.commandLine(), "Missing a command: show.");
  }
}
