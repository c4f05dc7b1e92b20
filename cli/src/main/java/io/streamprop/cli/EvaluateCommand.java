package io.streamprop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.spec.ModelSpec;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Prequential evaluation: a new model reads the file once, in order; each mini-batch is first
 * scored and then learned from, so every figure is measured on examples the model had not seen.
 *
 * <p>The trailing rows that fill no complete mini-batch are neither scored nor learned: they wait
 * in the learner, exactly as they would wait for more data in the trainer. The output says how
 * many; {@code examples} counts the scored ones.
 */
@Command(
    name = "evaluate",
    description = {
      "Prequential evaluation (test, then train) of a new model on a data file.",
      "One pass in file order; each mini-batch is scored before the model learns from it.",
      "Prints accuracy (classification) or MSE (regression), mean loss and examples/second;",
      "for a population (the default when the spec gives no optimizer), the members' standings."
    })
final class EvaluateCommand implements Callable<Integer> {

  @CommandLine.Spec private CommandSpec command;

  @CommandLine.Mixin private HelpOption help;

  @CommandLine.Mixin private DataOptions options;

  @Option(
      names = "--json",
      description = "Print the figures as one JSON object, the last line on stdout.")
  private boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    ModelSpec modelSpec = Specs.resolve(options.spec, options.data, err);
    Progress progress = new Progress(err, options.progressMode);
    PopulationLearner population = null;
    Pass pass;
    if (modelSpec.learner() == ModelSpec.Learner.POPULATION) {
      population = PopulationLearner.create(modelSpec);
      pass = Pass.run(modelSpec, Pass.Learns.of(population), options.data, progress, "");
    } else {
      pass = Pass.run(OnlineLearner.create(modelSpec), options.data, progress, "");
    }
    Tally tally = pass.tally();
    long pending = pass.rows() - tally.examples();
    if (tally.examples() == 0) {
      throw new UserException(
          options.data
              + ": "
              + pass.rows()
              + " examples fill no mini-batch of batch_size "
              + modelSpec.batchSize()
              + ", so nothing was scored");
    }
    if (json) {
      out.println(toJson(tally, pass, pending, population));
    } else {
      out.printf(
          Locale.ROOT,
          "%s: %,d examples scored prequentially%s%n",
          options.data,
          tally.examples(),
          pending > 0 ? " (" + pending + " more wait in an unfilled mini-batch)" : "");
      out.printf(
          Locale.ROOT,
          "%s  %,.0f examples/s%s%n",
          tally.headline(),
          pass.rowsPerSecond(),
          tally.skippedSteps() > 0
              ? "  (" + tally.skippedSteps() + " steps skipped: loss or gradients not finite)"
              : "");
      if (population != null) {
        Standings.print(out, population);
      }
    }
    out.flush();
    return 0;
  }

  static String toJson(Tally tally, Pass pass, long pending, PopulationLearner population)
      throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode node = mapper.createObjectNode();
    node.put("examples", tally.examples());
    if (tally.classification()) {
      node.put("accuracy", tally.accuracy());
    } else {
      node.put("mse", tally.mse());
    }
    node.put("loss", tally.meanLoss());
    node.put("examples_per_second", pass.rowsPerSecond());
    node.put("pending", pending);
    node.put("steps", tally.steps());
    node.put("skipped_steps", tally.skippedSteps());
    node.put("seconds", pass.seconds());
    if (population != null) {
      Standings.putJson(node, population);
    }
    return mapper.writeValueAsString(node);
  }
}
