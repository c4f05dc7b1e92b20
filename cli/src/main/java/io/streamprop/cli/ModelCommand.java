package io.streamprop.cli;

import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.ModelIds;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecException;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.Snapshot;
import io.streamprop.wire.SnapshotException;
import io.streamprop.wire.Snapshots;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code streamprop model create|list|show|retire}: manages models on a cluster through the
 * model-specs topic (compacted; key = model id, value = spec JSON, tombstone = retired), and
 * reports what the trainer has published on the model-snapshots topic (newest version per model).
 */
@Command(
    name = "model",
    description = "Creates, lists, shows and retires models on a Kafka cluster.",
    subcommands = {
      ModelCommand.Create.class,
      ModelCommand.ListModels.class,
      ModelCommand.Show.class,
      ModelCommand.Retire.class
    })
final class ModelCommand implements Runnable {

  @CommandLine.Spec private CommandSpec command;

  @CommandLine.Mixin private HelpOption help;

  @Override
  public void run() {
    throw new ParameterException(
        command.commandLine(), "Missing a command: create, list, show or retire.");
  }

  @Command(name = "create", description = "Publishes a model's spec; the trainer starts it.")
  static final class Create implements Callable<Integer> {
    @CommandLine.Spec private CommandSpec command;
    @CommandLine.Mixin private HelpOption help;
    @CommandLine.Mixin private KafkaOptions kafka;

    @Option(names = "--model", required = true, paramLabel = "ID", description = "The model id.")
    private String model;

    @Option(
        names = "--spec",
        required = true,
        paramLabel = "SPEC.json",
        description = "The model spec (see docs/spec.md).")
    private Path spec;

    @Override
    public Integer call() throws Exception {
      ModelIds.validate(model);
      String json;
      try {
        json = Files.readString(spec, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new UserException(spec + ": no such file");
      }
      // Refuse a bad spec here, with its reason, rather than let the trainer reject it later.
      ModelSpec parsed = SpecJson.parse(json);
      ModelTopics.write(
          kafka.connect(), kafka.topics().specs(), model, json.getBytes(StandardCharsets.UTF_8));
      PrintWriter out = command.commandLine().getOut();
      out.printf(
          Locale.ROOT,
          "model '%s' created: %s, %d inputs, %d outputs (spec written to '%s')%n",
          model,
          parsed.task().name().toLowerCase(Locale.ROOT),
          parsed.inputs(),
          parsed.outputWidth(),
          kafka.topics().specs());
      out.flush();
      return 0;
    }
  }

  @Command(name = "list", description = "Lists the models and their newest snapshots.")
  static final class ListModels implements Callable<Integer> {
    @CommandLine.Spec private CommandSpec command;
    @CommandLine.Mixin private HelpOption help;
    @CommandLine.Mixin private KafkaOptions kafka;

    @Override
    public Integer call() {
      Properties client = kafka.connect();
      Map<String, byte[]> specs = ModelTopics.readLatest(client, kafka.topics().specs());
      Map<String, byte[]> snapshots = ModelTopics.readLatest(client, kafka.topics().snapshots());
      PrintWriter out = command.commandLine().getOut();
      String format = "%-24s %-8s %-14s %6s %8s %12s  %s%n";
      out.printf(
          Locale.ROOT,
          format,
          "MODEL",
          "STATUS",
          "TASK",
          "INPUTS",
          "VERSION",
          "EXAMPLES",
          "SNAPSHOT");
      TreeSet<String> ids = new TreeSet<>(specs.keySet());
      ids.addAll(snapshots.keySet());
      for (String id : ids) {
        byte[] specBytes = specs.get(id);
        Snapshot snapshot = decodeOrNull(snapshots.get(id));
        ModelSpec spec =
            specBytes != null
                ? parseOrNull(specBytes)
                : snapshot == null ? null : snapshot.state().spec();
        ModelState state = snapshot == null ? null : snapshot.state();
        out.printf(
            Locale.ROOT,
            format,
            id,
            specBytes == null ? "retired" : spec == null ? "invalid" : "active",
            spec == null ? "-" : spec.task().name().toLowerCase(Locale.ROOT),
            spec == null ? "-" : Integer.toString(spec.inputs()),
            state == null ? "-" : Long.toString(state.version()),
            state == null ? "-" : Long.toString(state.examples()),
            snapshot == null ? "-" : Instant.ofEpochMilli(snapshot.createdAtMillis()).toString());
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "show", description = "Shows a model's spec and its newest snapshot.")
  static final class Show implements Callable<Integer> {
    @CommandLine.Spec private CommandSpec command;
    @CommandLine.Mixin private HelpOption help;
    @CommandLine.Mixin private KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "ID", description = "The model id.")
    private String model;

    @Override
    public Integer call() {
      Properties client = kafka.connect();
      byte[] spec = ModelTopics.readLatest(client, kafka.topics().specs()).get(model);
      byte[] snapshotBytes = ModelTopics.readLatest(client, kafka.topics().snapshots()).get(model);
      if (spec == null && snapshotBytes == null) {
        throw new UserException(
            "no model '" + model + "' on topic '" + kafka.topics().specs() + "'");
      }
      PrintWriter out = command.commandLine().getOut();
      out.println("model:    " + model);
      out.println(
          "status:   " + (spec == null ? "retired (no spec on the specs topic)" : "active"));
      if (spec != null) {
        out.println("spec:     " + new String(spec, StandardCharsets.UTF_8).strip());
      }
      if (snapshotBytes == null) {
        out.println("snapshot: none yet (the trainer publishes one after its first examples)");
      } else {
        try {
          Snapshot snapshot = Snapshots.served(snapshotBytes);
          ModelState state = snapshot.state();
          out.printf(
              Locale.ROOT,
              "snapshot: version %d, %d examples, %d steps (%d skipped), %,d bytes, written %s%n",
              state.version(),
              state.examples(),
              state.steps(),
              state.skippedSteps(),
              snapshotBytes.length,
              Instant.ofEpochMilli(snapshot.createdAtMillis()));
        } catch (SnapshotException e) {
          out.println("snapshot: unreadable: " + e.getMessage());
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "retire",
      description = "Retires a model (a tombstone on the specs topic); its snapshots stay.")
  static final class Retire implements Callable<Integer> {
    @CommandLine.Spec private CommandSpec command;
    @CommandLine.Mixin private HelpOption help;
    @CommandLine.Mixin private KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "ID", description = "The model id.")
    private String model;

    @Override
    public Integer call() {
      Properties client = kafka.connect();
      Map<String, byte[]> specs = ModelTopics.readLatest(client, kafka.topics().specs());
      if (!specs.containsKey(model)) {
        throw new UserException(
            "no active model '" + model + "' on topic '" + kafka.topics().specs() + "'");
      }
      ModelTopics.write(client, kafka.topics().specs(), model, null);
      command.commandLine().getOut().println("model '" + model + "' retired");
      command.commandLine().getOut().flush();
      return 0;
    }
  }

  private static ModelSpec parseOrNull(byte[] json) {
    try {
      return SpecJson.parse(new String(json, StandardCharsets.UTF_8));
    } catch (SpecException e) {
      return null;
    }
  }

  private static Snapshot decodeOrNull(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return Snapshots.served(bytes);
    } catch (SnapshotException e) {
      return null;
    }
  }
}
