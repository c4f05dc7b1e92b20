package io.streamprop.cli;

import io.streamprop.data.SpecInference;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Prints a complete spec, every field written out: the one inferred from a data file (a starting
 * point to edit), or a spec file validated and completed with its defaults. For an inferred spec it
 * also says why: one line on the task and, for raw features, one line per feature on its kind
 * ({@link SpecInference.Inference#featureReasons()}), on stderr so that stdout stays one JSON
 * document, or after the JSON on stdout with {@code --explain}.
 */
@Command(
    name = "spec",
    description = {
      "Prints the complete spec that train and evaluate would use.",
      "Inferred from --data, or read from --spec and validated; JSON with every default written out.",
      "For --data, why each choice was made goes to stderr (to stdout after the JSON: --explain)."
    })
final class SpecCommand implements Callable<Integer> {

  @CommandLine.Spec private CommandSpec command;

  @CommandLine.Mixin private HelpOption help;

  @CommandLine.ArgGroup(multiplicity = "1")
  private Source source;

  @Option(
      names = "--explain",
      description =
          "Print why the task and each feature's kind were chosen on stdout, after the spec.")
  private boolean explain;

  static final class Source {
    @Option(names = "--data", paramLabel = "FILE", description = "Infer the spec from this file.")
    Path data;

    @Option(names = "--spec", paramLabel = "SPEC.json", description = "Validate this spec.")
    Path spec;
  }

  @Override
  public Integer call() {
    PrintWriter out = command.commandLine().getOut();
    if (source.spec != null) {
      out.println(SpecJson.writePretty(Specs.read(source.spec)));
      out.flush();
      return 0;
    }
    SpecInference.Inference inference = DataReader.infer(source.data);
    ModelSpec spec = inference.spec();
    out.println(SpecJson.writePretty(spec));
    out.flush();
    PrintWriter why = explain ? out : command.commandLine().getErr();
    why.println("task: " + inference.reason());
    for (String reason : inference.featureReasons()) {
      why.println("features." + reason);
    }
    why.flush();
    PrintWriter err = command.commandLine().getErr();
    NumericHints.warnings(source.data, inference).forEach(err::println);
    err.flush();
    return 0;
  }
}
