package io.streamprop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamprop.data.DataFile;
import java.io.IOException;
import java.io.PrintWriter;
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
 * instance with the model version that produced it.
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
        description = "One instance: the feature values in the spec's order, comma-separated.")
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
      print(out, send(endpoint, one));
    } else {
      try (DataFile file = DataFile.open(input.data)) {
        List<float[]> batch = new ArrayList<>();
        DataFile.Row row;
        while ((row = file.next()) != null) {
          batch.add(row.features());
          if (batch.size() == BATCH) {
            print(out, send(endpoint, batch));
            batch.clear();
          }
        }
        if (!batch.isEmpty()) {
          print(out, send(endpoint, batch));
        }
      } catch (NoSuchFileException e) {
        throw new UserException(input.data + ": no such file");
      }
    }
    out.flush();
    return 0;
  }

  private JsonNode send(URI endpoint, List<float[]> instances) throws IOException {
    ObjectNode body = json.createObjectNode();
    ArrayNode list = body.putArray("instances");
    for (float[] x : instances) {
      ArrayNode row = list.addArray();
      for (float v : x) {
        row.add(v);
      }
    }
    HttpResponse<String> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(endpoint)
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                  .build(),
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
    return json.readTree(response.body());
  }

  /** One line per instance: its prediction, with the model and the version that made it. */
  private void print(PrintWriter out, JsonNode response) throws IOException {
    for (JsonNode prediction : response.path("predictions")) {
      ObjectNode line = json.createObjectNode();
      line.set("prediction", prediction);
      line.set("model", response.path("model"));
      line.set("model_version", response.path("model_version"));
      out.println(json.writeValueAsString(line));
    }
  }
}
