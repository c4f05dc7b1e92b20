package io.streamprop.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.learn.state.BatchNormState;
import io.streamprop.learn.state.LayerState;
import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.NamedArrays;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.Snapshot;
import io.streamprop.wire.SnapshotException;
import io.streamprop.wire.Snapshots;
import io.streamprop.wire.StateCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Decodes a snapshot and shows its spec, version and counters, the arrays it holds (by the names
 * the snapshot gives them, {@link StateCodec}), and with {@code --weights} every dense layer's
 * weight and bias.
 *
 * <p>The {@code --json} document (described in {@code docs/cli.md}) carries the spec as an object
 * that is exactly what {@code --spec} accepts: written by {@link SpecJson#write}, so feeding it
 * back builds the same model. Weights are (in_features, out_features) row-major, as the engine
 * stores them; layers are listed input side first.
 */
@Command(
    name = "show",
    description = {
      "Decodes a snapshot: spec, version, counters and arrays.",
      "With --json, one JSON document whose `spec` is valid input for --spec."
    })
final class SnapshotShowCommand implements Callable<Integer> {

  @CommandLine.Spec private CommandSpec command;

  @CommandLine.Mixin private HelpOption help;

  @Parameters(paramLabel = "MODEL.snap", description = "The snapshot file.")
  private Path file;

  @Option(names = "--json", description = "Print one JSON document.")
  private boolean json;

  @Option(
      names = "--weights",
      description = "Also print every layer's weight (in, out) and bias (out), row-major.")
  private boolean weights;

  @Override
  public Integer call() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UserException(file + ": no such file");
    } catch (IOException e) {
      throw UserException.io(file, "read", e);
    }
    Snapshot snapshot;
    try {
      snapshot = Snapshots.served(bytes);
    } catch (SnapshotException e) {
      throw new UserException(file + ": " + e.getMessage(), e);
    }
    PrintWriter out = command.commandLine().getOut();
    out.println(
        json ? toJson(snapshot, bytes.length, weights) : toText(snapshot, bytes.length, weights));
    out.flush();
    return 0;
  }

  /** A dense layer's place in the network; weight is (inFeatures, outFeatures). */
  record Layer(int index, int inFeatures, int outFeatures) {
    String weightName() {
      return StateCodec.denseWeightName(index);
    }

    String biasName() {
      return StateCodec.denseBiasName(index);
    }

    /** The names of the batch normalization after this layer's output. */
    List<String> batchNormNames() {
      return StateCodec.batchNormNames(index);
    }
  }

  /** The {@code --json} fields of a batch normalization, in the order of {@link #batchNorm}. */
  static final List<String> BATCH_NORM_FIELDS =
      List.of("gamma", "beta", "running_mean", "running_var");

  /** A batch normalization's arrays: gamma, beta, running mean, running variance. */
  private static List<float[]> batchNorm(BatchNormState bn) {
    return List.of(bn.gamma(), bn.beta(), bn.runningMean(), bn.runningVar());
  }

  /** The dense layers of a spec, input side first: inputs → hidden... → output width. */
  static List<Layer> layers(ModelSpec spec) {
    List<Integer> widths = new ArrayList<>();
    widths.add(spec.inputs());
    widths.addAll(spec.hidden());
    widths.add(spec.outputWidth());
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i + 1 < widths.size(); i++) {
      layers.add(new Layer(i, widths.get(i), widths.get(i + 1)));
    }
    return layers;
  }

  static String toJson(Snapshot snapshot, long bytes, boolean weights) throws IOException {
    ModelState state = snapshot.state();
    ObjectMapper mapper = new ObjectMapper();
    JsonNode spec = mapper.readTree(SpecJson.write(state.spec()));
    StringWriter text = new StringWriter();
    try (JsonGenerator json = mapper.getFactory().createGenerator(text)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeNumberField("bytes", bytes);
      json.writeNumberField("version", state.version());
      json.writeStringField("created_at", createdAt(snapshot));
      json.writeNumberField("examples", state.examples());
      json.writeNumberField("steps", state.steps());
      json.writeNumberField("skipped_steps", state.skippedSteps());
      json.writeFieldName("spec");
      mapper.writeTree(json, spec);
      json.writeArrayFieldStart("arrays");
      NamedArrays arrays = StateCodec.toArrays(state);
      writeArrayList(json, "float32", arrays.floats());
      writeArrayList(json, "float64", arrays.doubles());
      for (String name : arrays.longs().keySet()) {
        json.writeStartObject();
        json.writeStringField("name", name);
        json.writeStringField("type", "int64");
        json.writeNumberField("length", 1);
        json.writeEndObject();
      }
      json.writeEndArray();
      if (weights) {
        json.writeArrayFieldStart("layers");
        for (Layer layer : layers(state.spec())) {
          LayerState layerState = state.layers().get(layer.index());
          json.writeStartObject();
          json.writeNumberField("index", layer.index());
          json.writeNumberField("in_features", layer.inFeatures());
          json.writeNumberField("out_features", layer.outFeatures());
          json.writeFieldName("weight");
          writeTensor(json, layerState.dense().weight(), layer.inFeatures(), layer.outFeatures());
          json.writeFieldName("bias");
          writeTensor(json, layerState.dense().bias(), layer.outFeatures());
          if (layerState.batchNorm() != null) {
            json.writeObjectFieldStart("batch_norm");
            List<float[]> batchNorm = batchNorm(layerState.batchNorm());
            for (int i = 0; i < BATCH_NORM_FIELDS.size(); i++) {
              json.writeFieldName(BATCH_NORM_FIELDS.get(i));
              writeTensor(json, batchNorm.get(i), layer.outFeatures());
            }
            json.writeEndObject();
          }
          json.writeEndObject();
        }
        json.writeEndArray();
      }
      json.writeEndObject();
    }
    return text.toString();
  }

  private static void writeArrayList(JsonGenerator json, String type, Map<String, ?> arrays)
      throws IOException {
    for (Map.Entry<String, ?> entry : arrays.entrySet()) {
      Object values = entry.getValue();
      int length = values instanceof float[] f ? f.length : ((double[]) values).length;
      json.writeStartObject();
      json.writeStringField("name", entry.getKey());
      json.writeStringField("type", type);
      json.writeNumberField("length", length);
      json.writeEndObject();
    }
  }

  /** A tensor of the given shape (the codec checked it against the spec when it decoded). */
  private static void writeTensor(JsonGenerator json, float[] values, int... shape)
      throws IOException {
    json.writeStartObject();
    json.writeArrayFieldStart("shape");
    for (int dim : shape) {
      json.writeNumber(dim);
    }
    json.writeEndArray();
    // One flat row-major array: element (r, c) of an (R, C) tensor is values[r * C + c].
    json.writeArrayFieldStart("values");
    for (float value : values) {
      json.writeNumber(value);
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  static String toText(Snapshot snapshot, long bytes, boolean weights) {
    ModelState state = snapshot.state();
    ModelSpec spec = state.spec();
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "snapshot       %,d bytes%n", bytes));
    text.append(String.format(Locale.ROOT, "version        %d%n", state.version()));
    text.append(String.format(Locale.ROOT, "created at     %s%n", createdAt(snapshot)));
    text.append(String.format(Locale.ROOT, "examples       %d%n", state.examples()));
    text.append(
        String.format(
            Locale.ROOT,
            "steps          %d (%d skipped: loss or gradients not finite)%n",
            state.steps(),
            state.skippedSteps()));
    text.append(String.format(Locale.ROOT, "model          %s%n", Specs.describe(spec)));
    text.append("spec           ").append(SpecJson.write(spec).strip()).append('\n');
    text.append("arrays\n");
    Map<String, String> shapes = new HashMap<>();
    for (Layer layer : layers(spec)) {
      shapes.put(layer.weightName(), " (" + layer.inFeatures() + ", " + layer.outFeatures() + ")");
      shapes.put(layer.biasName(), " (" + layer.outFeatures() + ")");
      for (String name : layer.batchNormNames()) {
        shapes.put(name, " (" + layer.outFeatures() + ")");
      }
    }
    NamedArrays arrays = StateCodec.toArrays(state);
    for (Map.Entry<String, float[]> entry : arrays.floats().entrySet()) {
      text.append(
          String.format(
              Locale.ROOT,
              "  %-28s float32[%d]%s%n",
              entry.getKey(),
              entry.getValue().length,
              shapes.getOrDefault(entry.getKey(), "")));
    }
    for (Map.Entry<String, double[]> entry : arrays.doubles().entrySet()) {
      text.append(
          String.format(
              Locale.ROOT, "  %-28s float64[%d]%n", entry.getKey(), entry.getValue().length));
    }
    for (Map.Entry<String, Long> entry : arrays.longs().entrySet()) {
      text.append(
          String.format(Locale.ROOT, "  %-28s int64 = %d%n", entry.getKey(), entry.getValue()));
    }
    if (weights) {
      for (Layer layer : layers(spec)) {
        LayerState layerState = state.layers().get(layer.index());
        float[] weight = layerState.dense().weight();
        float[] bias = layerState.dense().bias();
        text.append(
            String.format(
                Locale.ROOT,
                "%s (%d, %d), one row per input feature%n",
                layer.weightName(),
                layer.inFeatures(),
                layer.outFeatures()));
        for (int row = 0; row < layer.inFeatures(); row++) {
          appendRow(text, weight, row * layer.outFeatures(), layer.outFeatures());
        }
        text.append(String.format(Locale.ROOT, "%s (%d)%n", layer.biasName(), layer.outFeatures()));
        appendRow(text, bias, 0, layer.outFeatures());
        if (layerState.batchNorm() != null) {
          List<float[]> batchNorm = batchNorm(layerState.batchNorm());
          for (int i = 0; i < batchNorm.size(); i++) {
            String name = layer.batchNormNames().get(i);
            text.append(String.format(Locale.ROOT, "%s (%d)%n", name, layer.outFeatures()));
            appendRow(text, batchNorm.get(i), 0, layer.outFeatures());
          }
        }
      }
    }
    return text.toString().stripTrailing();
  }

  /** When the snapshot was written, ISO-8601 in UTC. */
  static String createdAt(Snapshot snapshot) {
    return Instant.ofEpochMilli(snapshot.createdAtMillis()).toString();
  }

  private static void appendRow(StringBuilder text, float[] values, int from, int count) {
    text.append(' ');
    for (int i = from; i < from + count; i++) {
      text.append(' ').append(values[i]);
    }
    text.append('\n');
  }
}
