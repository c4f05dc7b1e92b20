package io.streamprop.scorer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.scorer.registry.ModelInfo;
import io.streamprop.scorer.registry.ModelRegistry;
import io.streamprop.scorer.registry.ServedModel;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Per-model series for the first models only: the others share {@code model="other"}. */
class ScorerMetricsModelTagsTest {
  private final ModelRegistry models = new ModelRegistry();
  private final ScorerMetrics metrics = new ScorerMetrics(models, Clock.systemUTC(), 2);

  private ServedModel serve(String name) {
    ModelSpec spec = SpecJson.parse("{\"inputs\": 1, \"task\": \"regression\"}");
    ModelInfo info = new ModelInfo(0, 0, 0, Double.NaN, null, Instant.EPOCH, 0, 0, "{}");
    ServedModel model = new ServedModel(name, 1, spec, (x, rows) -> new float[rows], info);
    models.swapIfNewer(model);
    metrics.modelLoaded(model);
    return model;
  }

  @Test
  void modelsPastTheLimit_shareOtherTag_withoutGauges() {
    serve("a");
    serve("b");
    serve("c");
    serve("d");

    var meters = metrics.registry();
    assertThat(meters.find("streamprop.model.version").gauges()).hasSize(2);
    assertThat(meters.get("streamprop.snapshots.loaded").tag("model", "other").counter().count())
        .isEqualTo(2);
    assertThat(metrics.predict("d")).isSameAs(metrics.predict("c"));
    assertThat(metrics.predict("a")).isNotSameAs(metrics.predict("c"));

    metrics.modelRemoved("a"); // a tombstone frees a tag for the next model
    serve("e");
    assertThat(meters.find("streamprop.model.version").tag("model", "e").gauge()).isNotNull();
  }
}
