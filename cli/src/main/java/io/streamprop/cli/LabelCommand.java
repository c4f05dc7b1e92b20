package io.streamprop.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code streamprop label}: writes one label record to the labels topic, keyed by the id of the
 * prediction it labels, after checking it as the trainer's join will ({@link LabelRecords}: the id,
 * the weight, the label against the model's spec). The write is idempotent with {@code acks=all}
 * and waits for the acknowledgement.
 */
@Command(
    name = "label",
    description = {
      "Sends the true label of one logged prediction to the labels topic.",
      "The trainer joins it with the prediction of that id and learns from it."
    })
final class LabelCommand implements Callable<Integer> {

  @CommandLine.Spec private CommandSpec command;

  @CommandLine.Mixin private HelpOption help;

  @CommandLine.Mixin private KafkaOptions kafka;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "M",
      description = "The model whose prediction this labels.")
  private String model;

  @Option(
      names = "--id",
      required = true,
      paramLabel = "ID",
      description = "The prediction's id (as the scorer's answer gave it).")
  private String id;

  @Option(
      names = "--label",
      required = true,
      paramLabel = "L",
      description =
          "A class index or class name, a number, or JSON ([1.5, 2] for several targets).")
  private String label;

  @Option(
      names = "--weight",
      paramLabel = "W",
      description = "How much this example counts (a number >= 0; default 1).")
  private String weight;

  @Override
  public Integer call() {
    Properties client = kafka.connect();
    LabelRecords records = new LabelRecords(ModelTopics.readLatest(client, kafka.topics().specs()));
    byte[] value =
        LabelRecords.value(
            LabelRecords.labelJson(label),
            model,
            weight == null ? null : weight.getBytes(StandardCharsets.UTF_8));
    LabelRecords.Label record = records.check(0, id, value);
    ModelTopics.write(client, kafka.topics().labels(), record.id(), record.value());
    PrintWriter out = command.commandLine().getOut();
    out.println(
        "labeled id '"
            + id
            + "' of model '"
            + model
            + "' on '"
            + kafka.topics().labels()
            + "': "
            + new String(value, StandardCharsets.UTF_8));
    out.flush();
    return 0;
  }
}
