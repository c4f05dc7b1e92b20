package io.streamprop.scorer.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {
  private final ModelRegistry registry = new ModelRegistry();

  private static ServedModel model(String name, long version) {
    ModelSpec spec = SpecJson.parse("{\"inputs\": 1, \"task\": \"regression\"}");
    ModelInfo info = new ModelInfo(0, 0, 0, Double.NaN, null, Instant.EPOCH, 0, 0, "{}");
    return new ServedModel(name, version, spec, (features, rows) -> new float[rows], info);
  }

  @Test
  void newerVersion_swapsIn_olderOrEqual_keepsServed() {
    assertThat(registry.swapIfNewer(model("m", 2))).isTrue();
    assertThat(registry.swapIfNewer(model("m", 5))).isTrue();
    assertThat(registry.swapIfNewer(model("m", 5))).isFalse();
    assertThat(registry.swapIfNewer(model("m", 3))).isFalse();

    assertThat(registry.servedVersion("m")).isEqualTo(5);
  }

  @Test
  void remove_retiresModel_thenAnyVersionServesAgain() {
    registry.swapIfNewer(model("m", 5));

    assertThat(registry.remove("m").version()).isEqualTo(5);
    assertThat(registry.get("m")).isNull();
    assertThat(registry.servedVersion("m")).isEqualTo(-1);
    assertThat(registry.swapIfNewer(model("m", 1))).isTrue();
  }

  @Test
  void all_sortedByName() {
    registry.swapIfNewer(model("b", 1));
    registry.swapIfNewer(model("a", 1));
    registry.swapIfNewer(model("c", 1));

    assertThat(registry.all()).extracting(ServedModel::name).containsExactly("a", "b", "c");
    assertThat(registry.size()).isEqualTo(3);
  }
}
