package io.streamprop.cli;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.PopulationCodec;
import io.streamprop.wire.SnapshotCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Offline training: {@code --epochs} passes over a file, in file order, through the engine's online
 * learner (the trainer's code path), then the complete state written as a binary snapshot that
 * {@code snapshot show} and the scorer read. A spec with {@code learner: population} (an open spec:
 * no {@code optimizer}) trains a {@link PopulationLearner}, as the trainer does, and writes the
 * whole population as the trainer publishes it (a version-2 {@link PopulationCodec} container,
 * unsigned); readers serve its leader.
 *
 * <p>The rows of an unfilled last mini-batch are kept in the snapshot as the pending batch (the
 * next pass, or a resumed training, completes it), just as the trainer keeps them. The snapshot's
 * model version is the number of optimizer steps taken, which only grows.
 */
@Command(
    name = "train",
    description = {
      "Trains a model offline on a data file and writes its snapshot.",
      "Reads FILE in file order, --epochs times, through the engine's online learner and prints",
      "each pass's prequential figures (measured on unseen data in the first pass only);",
      "for a population (the default when the spec gives no optimizer), the members' standings."
    })
final class TrainCommand implements Callable<Integer> {

  @CommandLine.Spec private CommandSpec command;

  @CommandLine.Mixin private HelpOption help;

  @CommandLine.Mixin private DataOptions options;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      defaultValue = "1",
      description = "Passes over the file (default: ${DEFAULT-VALUE}).")
  private int epochs;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "MODEL.snap",
      description = "Where to write the snapshot (replaced atomically).")
  private Path out;

  @Override
  public Integer call() throws Exception {
    if (epochs < 1) {
      throw new CommandLine.ParameterException(
          command.commandLine(), "--epochs must be at least 1, got " + epochs);
    }
    PrintWriter stdout = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    ModelSpec modelSpec = Specs.resolve(options.spec, options.data, err);
    checkWritable(out);
    PopulationLearner population = null;
    OnlineLearner learner = null;
    Pass.Learns learns;
    if (modelSpec.learner() == ModelSpec.Learner.POPULATION) {
      population = PopulationLearner.create(modelSpec);
      learns = Pass.Learns.of(population);
    } else {
      learner = OnlineLearner.create(modelSpec);
      learns = Pass.Learns.of(learner);
    }
    long rows = 0;
    long scored = 0;
    long steps = 0;
    for (int epoch = 1; epoch <= epochs; epoch++) {
      String prefix = "epoch " + epoch + "/" + epochs + ": ";
      Pass pass =
          Pass.run(
              modelSpec, learns, options.data, new Progress(err, options.progressMode), prefix);
      stdout.printf(
          Locale.ROOT,
          "%s%,d examples  %s  %,.0f examples/s%n",
          prefix,
          pass.rows(),
          pass.tally().headline(),
          pass.rowsPerSecond());
      stdout.flush();
      rows += pass.rows();
      scored += pass.tally().examples();
      steps += pass.tally().steps();
    }
    // The model version is the number of steps taken (the members step together), as before.
    ModelState state;
    byte[] bytes;
    if (population != null) {
      bytes = PopulationCodec.encode(population.state(), steps, System.currentTimeMillis(), null);
      state = population.leaderLearner().state().withVersion(steps);
    } else {
      state = learner.state().withVersion(steps);
      bytes = SnapshotCodec.encode(state);
    }
    write(out, bytes);
    long pending = rows - scored;
    stdout.printf(
        Locale.ROOT,
        "wrote %s: %,d bytes, version %d, %,d examples, %,d steps (%d skipped)%s%n",
        out,
        bytes.length,
        state.version(),
        state.examples(),
        state.steps(),
        state.skippedSteps(),
        pending > 0 ? ", " + pending + " examples pending in an unfilled mini-batch" : "");
    if (population != null) {
      Standings.print(stdout, population);
    }
    stdout.flush();
    return 0;
  }

  /** Fails before training, not after, when the snapshot could not be written. */
  static void checkWritable(Path out) {
    Path parent = out.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw UserException.io(out, "create the directory " + parent, e);
    }
    if (!Files.isWritable(parent) || Files.isDirectory(out)) {
      throw new UserException(out + ": cannot write the snapshot there");
    }
  }

  /** Writes to a temporary sibling, then renames: a reader never sees half a snapshot. */
  static void write(Path out, byte[] bytes) {
    Path target = out.toAbsolutePath();
    try {
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
      try {
        Files.write(temp, bytes);
        Files.move(
            temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw UserException.io(out, "write the snapshot", e);
    }
  }
}
