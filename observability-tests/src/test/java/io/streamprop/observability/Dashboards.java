package io.streamprop.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Grafana dashboards of the repository, parsed, with their panels and PromQL queries. */
final class Dashboards {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One dashboard file. */
  record Dashboard(Path file, JsonNode json) {
    String uid() {
      return json.path("uid").asText();
    }

    String title() {
      return json.path("title").asText();
    }

    /** Every panel, rows' nested panels included, rows themselves excluded. */
    List<JsonNode> panels() {
      List<JsonNode> panels = new ArrayList<>();
      collect(json.path("panels"), panels);
      return panels;
    }

    /** Every row and panel, for id checks. */
    List<JsonNode> panelsAndRows() {
      List<JsonNode> all = new ArrayList<>();
      for (JsonNode panel : json.path("panels")) {
        all.add(panel);
        panel.path("panels").forEach(all::add);
      }
      return all;
    }

    /** Every query of every panel, with its variables replaced so that Prometheus can run it. */
    List<Query> queries() {
      List<Query> queries = new ArrayList<>();
      for (JsonNode panel : panels()) {
        for (JsonNode target : panel.path("targets")) {
          String expr = target.path("expr").asText();
          queries.add(
              new Query(
                  uid(),
                  panel.path("title").asText(),
                  target.path("refId").asText(),
                  expr,
                  runnable(expr)));
        }
      }
      return queries;
    }

    private static void collect(JsonNode panels, List<JsonNode> into) {
      for (JsonNode panel : panels) {
        if (panel.path("type").asText().equals("row")) {
          collect(panel.path("panels"), into);
        } else {
          into.add(panel);
        }
      }
    }
  }

  /** One PromQL query of a panel: as written, and as sent to Prometheus. */
  record Query(String dashboard, String panel, String refId, String expr, String runnable) {
    @Override
    public String toString() {
      return dashboard + " / " + panel + " / " + refId + ": " + expr;
    }
  }

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");

  /**
   * Grafana's built-in intervals become a fixed window; every dashboard variable (only used in
   * regex matchers, {@code model=~"$model"}) matches any value.
   */
  static String runnable(String expr) {
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = name.startsWith("__") ? "1m" : ".+";
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private Dashboards() {}

  static List<Dashboard> load() {
    try (Stream<Path> files = Files.list(Repo.dashboards())) {
      List<Dashboard> dashboards = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        dashboards.add(new Dashboard(file, JSON.readTree(file.toFile())));
      }
      return dashboards;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Query> allQueries() {
    return load().stream().flatMap(d -> d.queries().stream()).toList();
  }
}
