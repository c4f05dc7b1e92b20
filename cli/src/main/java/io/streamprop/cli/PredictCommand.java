package io.streamprop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamprop.data.DataFile;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecException;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code streamprop predict}: asks the scorer's REST API ({@code POST /v1/models/{model}:predict},
 * see docs/api.md) for predictions on one instance ({@code --features}) or on every row of a data
 * file ({@code --data}, sent in batches; labels, if any, are ignored), and prints one JSON line per
 * instance with its id and the model version that produced it. For {@code --data} it first asks the
 * scorer for the model's spec ({@code GET /v1/models/ID}): a spec with raw {@code features} reads
 * the file as raw rows ({@link io.streamprop.data.RawExamples}: mixed CSV or JSON lines, every row
 * checked before it is sent) and sends each as an object of raw features; a spec of numbers sends
 * lists.
 */
@Command(
    name = "predict",
    description = "Gets predictions from a running scorer for --features or every row of --data.")
final class PredictCommand implements Callable<Integer> {
  static final int BATCH = 256;

  @CommandLine.Spec private CommandSpec command;

  @CommandLine.Mixin private HelpOption help;

  @Option(names = "--model", required = true, paramLabel = "ID", description = "The model id.")
  private String model;

  @ArgGroup(multiplicity = "1")
  private Input input;

  static final class Input {
    @Option(
        names = "--features",
        split = ",",
        paramLabel = "X",
        description =
            "One instance of a spec of numbers: its feature values in the spec's order,"
                + " comma-separated numbers. A model with raw features takes --data.")
    List<Double> features;

    @Option(
        names = "--data",
        paramLabel = "FILE",
        description = "A data file (CSV or JSON lines, .gz ok): a prediction for every row.")
    Path data;
  }

  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "http://localhost:8080",
      description = "The scorer (default: ${DEFAULT-VALUE}).")
  private String url;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = command.commandLine().getOut();
    URI endpoint = URI.create(url.replaceAll("/+$", "") + "/v1/models/" + model + ":predict");
    if (input.features != null) {
      List<float[]> one = new ArrayList<>();
      float[] x = new float[input.features.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = input.features.get(i).floatValue();
      }
      one.add(x);
      print(out, send(endpoint, vectors(one)));
    } else {
      ModelSpec spec = servedSpec();
      if (spec != null && spec.hasFeatures()) {
        predictRaw(out, endpoint, spec);
      } else {
        predictVectors(out, endpoint);
      }
    }
    out.flush();
    return 0;
  }

  /** Every row of a file of numbers, sent as lists in the spec's order. */
  private void predictVectors(PrintWriter out, URI endpoint) throws IOException {
    try (DataFile file = DataFile.open(input.data)) {
      List<float[]> batch = new ArrayList<>();
      DataFile.Row row;
      while ((row = file.next()) != null) {
        batch.add(row.features());
        if (batch.size() == BATCH) {
          print(out, send(endpoint, vectors(batch)));
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        print(out, send(endpoint, vectors(batch)));
      }
    } catch (NoSuchFileException e) {
      throw new UserException(input.data + ": no such file");
    }
  }

  /**
   * Every row of a raw file, checked and featurized with the served spec first (a bad row stops
   * with its line, field and value), sent as objects of raw features.
   */
  private void predictRaw(PrintWriter out, URI endpoint, ModelSpec spec) throws IOException {
    ArrayNode batch = json.createArrayNode();
    try {
      DataReader.forEachRaw(
          input.data,
          spec,
          example -> {
            batch.add(example.features());
            if (batch.size() == BATCH) {
              try {
                print(out, send(endpoint, batch));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              batch.removeAll();
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (!batch.isEmpty()) {
      print(out, send(endpoint, batch));
    }
  }

  /**
   * The served model's spec ({@code GET /v1/models/ID}, its {@code spec}), or null when the scorer
   * does not give one.
   */
  private ModelSpec servedSpec() throws IOException {
    URI uri = URI.create(url.replaceAll("/+$", "") + "/v1/models/" + model);
    JsonNode spec = json.readTree(call(HttpRequest.newBuilder(uri).GET())).get("spec");
    if (spec == null || !spec.isObject()) {
      return null;
    }
    try {
      return SpecJson.parse(json.writeValueAsString(spec));
    } catch (SpecException e) {
      throw new UserException("the scorer's spec of model '" + model + "': " + e.getMessage());
    }
  }

  private ArrayNode vectors(List<float[]> instances) {
    ArrayNode list = json.createArrayNode();
    for (float[] x : instances) {
      ArrayNode row = list.addArray();
      for (float v : x) {
        row.add(v);
      }
    }
    return list;
  }

  private JsonNode send(URI endpoint, ArrayNode instances) throws IOException {
    ObjectNode body = json.createObjectNode();
    body.set("instances", instances);
    return json.readTree(
        call(
            HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))));
  }

  /** The body of a 200 answer; any other answer, or no scorer, is a {@link UserException}. */
  private String call(HttpRequest.Builder request) throws IOException {
    HttpResponse<String> response;
    try {
      response =
          http.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new UserException("no scorer answers at " + url + " (is it running? see --url)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted");
    }
    if (response.statusCode() != 200) {
      throw new UserException(
          "the scorer answered " + response.statusCode() + ": " + response.body().strip());
    }
    return response.body();
  }

  /**
   * One line per instance: its id (generated by the scorer: the key a label for it is sent under),
   * its prediction, with the model and the version that made it.
   */
  private void print(PrintWriter out, JsonNode response) throws IOException {
    JsonNode ids = response.path("ids");
    int i = 0;
    for (JsonNode prediction : response.path("predictions")) {
      ObjectNode line = json.createObjectNode();
      if (ids.has(i)) {
        line.set("id", ids.get(i));
      }
      i++;
      line.set("prediction", prediction);
      line.set("model", response.path("model"));
      line.set("model_version", response.path("model_version"));
      out.println(json.writeValueAsString(line));
    }
  }
}
