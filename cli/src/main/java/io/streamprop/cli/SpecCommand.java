package io.streamprop.cli;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Prints a complete spec, every field written out: the one inferred from a data file (a starting
 * point to edit), or a spec file validated and completed with its defaults.
 */
@Command(
    name = "spec",
    description = {
      "Prints the complete spec that train and evaluate would use.",
      "Inferred from --data, or read from --spec and validated; JSON with every default written out."
    })
final class SpecCommand implements Callable<Integer> {

  @CommandLine.Spec private CommandSpec command;

  @CommandLine.Mixin private HelpOption help;

  @CommandLine.ArgGroup(multiplicity = "1")
  private Source source;

  static final class Source {
    @Option(names = "--data", paramLabel = "FILE", description = "Infer the spec from this file.")
    Path data;

    @Option(names = "--spec", paramLabel = "SPEC.json", description = "Validate this spec.")
    Path spec;
  }

  @Override
  public Integer call() {
    ModelSpec spec =
        source.spec != null ? Specs.read(source.spec) : DataReader.infer(source.data).spec();
    command.commandLine().getOut().println(SpecJson.writePretty(spec));
    command.commandLine().getOut().flush();
    return 0;
  }
}
