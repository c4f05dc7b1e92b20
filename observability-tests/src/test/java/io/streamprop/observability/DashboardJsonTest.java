package io.streamprop.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboards as files: fixed uids, one question each, every datasource reference pointing at
 * the provisioned Prometheus by uid, unique panel ids, a query in every panel, a layout without
 * overlaps, gradients on a log scale, and every metric they query documented in docs/metrics.md.
 */
class DashboardJsonTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The dashboards and their uids: links and bookmarks rely on these never changing. */
  static final Set<String> UIDS =
      Set.of(
          "streamprop-learning",
          "streamprop-serving",
          "streamprop-pipeline",
          "streamprop-feedback");

  static final Pattern METRIC =
      Pattern.compile("\\b((?:streamprop|kafka|jvm)_[a-z0-9_]+)\\b(?!\\s*\\()");

  private final List<Dashboards.Dashboard> dashboards = Dashboards.load();

  @Test
  void dashboards_haveTheFixedUids_eachInItsOwnFileNamedAfterIt() {
    assertThat(dashboards)
        .extracting(Dashboards.Dashboard::uid)
        .containsExactlyInAnyOrderElementsOf(UIDS);
    for (Dashboards.Dashboard d : dashboards) {
      assertThat(d.file().getFileName().toString()).isEqualTo(d.uid() + ".json");
      assertThat(d.uid()).matches("[a-z0-9-]{1,40}");
    }
  }

  @Test
  void dashboards_eachAskOneQuestion_withADistinctTitle() {
    assertThat(dashboards)
        .extracting(Dashboards.Dashboard::title)
        .containsExactlyInAnyOrder(
            "Is the model learning?",
            "Is serving healthy?",
            "Is the pipeline healthy?",
            "How good were the served predictions, and how late is the truth?");
  }

  @Test
  void datasourceReferences_allPointAtTheProvisionedPrometheusByUid() throws Exception {
    JsonNode provisioned =
        YAML.readTree(Repo.provisioning().resolve("datasources/prometheus.yml").toFile())
            .path("datasources")
            .path(0);
    assertThat(provisioned.path("type").asText()).isEqualTo("prometheus");
    String uid = provisioned.path("uid").asText();
    assertThat(uid).isEqualTo("prometheus");

    List<String> wrong = new ArrayList<>();
    for (Dashboards.Dashboard d : dashboards) {
      List<JsonNode> references = new ArrayList<>();
      d.json()
          .findParents("datasource")
          .forEach(parent -> references.add(parent.get("datasource")));
      assertThat(references).as(d.uid() + " datasource references").isNotEmpty();
      for (JsonNode ref : references) {
        if (!ref.isObject()
            || !ref.path("uid").asText().equals(uid)
            || !ref.path("type").asText().equals("prometheus")) {
          wrong.add(d.uid() + ": " + ref);
        }
      }
    }
    assertThat(wrong).as("datasource references not {type: prometheus, uid: %s}", uid).isEmpty();
  }

  @Test
  void panelIds_areUniqueWithinEachDashboard() {
    for (Dashboards.Dashboard d : dashboards) {
      List<Integer> ids = d.panelsAndRows().stream().map(p -> p.path("id").asInt(-1)).toList();
      assertThat(ids).as(d.uid() + " panel ids").doesNotContain(-1).doesNotHaveDuplicates();
    }
  }

  @Test
  void everyPanel_hasATitle_aDescription_andAtLeastOneQuery() {
    for (Dashboards.Dashboard d : dashboards) {
      assertThat(d.panels()).as(d.uid() + " panels").isNotEmpty();
      for (JsonNode panel : d.panels()) {
        String name = d.uid() + " / " + panel.path("title").asText();
        assertThat(panel.path("title").asText()).as(name + " title").isNotBlank();
        assertThat(panel.path("description").asText()).as(name + " description").isNotBlank();
        assertThat(panel.path("targets")).as(name + " targets").isNotEmpty();
        Set<String> refIds = new HashSet<>();
        for (JsonNode target : panel.path("targets")) {
          assertThat(target.path("expr").asText()).as(name + " expr").isNotBlank();
          assertThat(refIds.add(target.path("refId").asText())).as(name + " refIds").isTrue();
        }
      }
    }
  }

  @Test
  void panels_stayInsideTheGrid_andDoNotOverlap() {
    for (Dashboards.Dashboard d : dashboards) {
      List<int[]> boxes = new ArrayList<>();
      for (JsonNode panel : d.panelsAndRows()) {
        JsonNode g = panel.path("gridPos");
        int[] box = {
          g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()
        };
        String name = d.uid() + " / " + panel.path("title").asText();
        assertThat(box[2]).as(name + " width").isPositive();
        assertThat(box[3]).as(name + " height").isPositive();
        assertThat(box[0] + box[2]).as(name + " right edge").isLessThanOrEqualTo(24);
        for (int[] other : boxes) {
          boolean overlap =
              box[0] < other[0] + other[2]
                  && other[0] < box[0] + box[2]
                  && box[1] < other[1] + other[3]
                  && other[1] < box[1] + box[3];
          assertThat(overlap).as(name + " overlaps another panel").isFalse();
        }
        boxes.add(box);
      }
    }
  }

  @Test
  void gradientNormPanel_usesALogScale() {
    List<JsonNode> gradientPanels =
        dashboards.stream()
            .flatMap(d -> d.panels().stream())
            .filter(p -> p.path("targets").toString().contains("streamprop_gradient_norm"))
            .toList();
    assertThat(gradientPanels).isNotEmpty();
    for (JsonNode panel : gradientPanels) {
      JsonNode scale = panel.at("/fieldConfig/defaults/custom/scaleDistribution");
      assertThat(scale.path("type").asText()).as(panel.path("title").asText()).isEqualTo("log");
    }
  }

  @Test
  void templateVariables_queryThePrometheusDatasource_andMatchAnyModelWhenAllIsChosen() {
    for (Dashboards.Dashboard d : dashboards) {
      for (JsonNode variable : d.json().path("templating").path("list")) {
        assertThat(variable.path("datasource").path("uid").asText()).isEqualTo("prometheus");
        assertThat(variable.path("allValue").asText()).isEqualTo(".+");
      }
    }
  }

  @Test
  void everyQueriedMetric_isDocumentedInDocsMetrics() throws Exception {
    String docs = Files.readString(Repo.root().resolve("docs/metrics.md"));
    Set<String> undocumented = new TreeSet<>();
    for (Dashboards.Query query : Dashboards.allQueries()) {
      Matcher m = METRIC.matcher(query.expr());
      while (m.find()) {
        String family = m.group(1).replaceAll("_(bucket|sum|count)$", "");
        if (!docs.contains("`" + family)) {
          undocumented.add(family + " (" + query.dashboard() + " / " + query.panel() + ")");
        }
      }
    }
    assertThat(undocumented).as("metrics missing from docs/metrics.md").isEmpty();
  }

  /**
   * Every expression is valid PromQL: {@code promtool check rules} parses a rule file holding each
   * expression as a recording rule (a syntax check that needs no running Prometheus).
   */
  @Test
  void everyQuery_isValidPromql(@TempDir Path dir) throws Exception {
    Tools.require(PrometheusServer.PROMTOOL, "prometheus");
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
    List<Dashboards.Query> queries = Dashboards.allQueries();
    for (int i = 0; i < queries.size(); i++) {
      rules
          .append("      - record: dashboard_query_")
          .append(i)
          .append("\n        expr: ")
          .append(Dashboards.JSON.writeValueAsString(queries.get(i).runnable()))
          .append('\n');
    }
    Path file = dir.resolve("rules.yml");
    Files.writeString(file, rules);
    Tools.Result result =
        Tools.run(
            dir,
            null,
            List.of(PrometheusServer.PROMTOOL.toString(), "check", "rules", file.toString()));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: " + queries.size() + " rules found");
  }

  @Test
  void runnable_replacesGrafanaIntervalsAndVariables() {
    assertThat(Dashboards.runnable("rate(x{model=~\"$model\"}[$__rate_interval])"))
        .isEqualTo("rate(x{model=~\".+\"}[1m])");
    assertThat(Dashboards.runnable("y{model=~\"${model}\"}")).isEqualTo("y{model=~\".+\"}");
  }
}
