package io.streamprop.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import org.junit.jupiter.api.Test;

/**
 * Featurizes the events of {@code golden/features.json} and compares every dense value and every
 * bucket id with the independent Python implementation of {@code features_golden.py} (hashes from
 * scikit-learn): the documented rules are enough to reproduce streamprop's inputs.
 */
class FeaturesGoldenTest {

  @Test
  void everyCase_matchesPythonBitForBit() {
    JsonNode cases = FeatureGolden.load().get("cases");
    assertThat(cases.size()).isGreaterThanOrEqualTo(3);
    for (JsonNode c : cases) {
      String name = c.get("name").textValue();
      ObjectNode specJson = FeatureGolden.MAPPER.createObjectNode();
      specJson.set("features", c.get("features"));
      specJson.set("hash_seed", c.get("hash_seed"));
      specJson.put("classes", 2);
      ModelSpec spec = SpecJson.parse(specJson.toString());
      Featurizer featurizer = new Featurizer(spec.features());
      JsonNode events = c.get("events");
      FeaturizedBatch batch = featurizer.newBatch(events.size());
      for (JsonNode event : events) {
        featurizer.add(event, batch);
      }

      int width = batch.denseWidth();
      JsonNode dense = c.get("dense");
      assertThat(dense.get(0).size()).as(name + " dense width").isEqualTo(width);
      for (int r = 0; r < dense.size(); r++) {
        for (int j = 0; j < width; j++) {
          JsonNode expected = dense.get(r).get(j);
          float actual = batch.dense()[r * width + j];
          if (expected.isNull()) {
            assertThat(actual).as("%s row %d col %d", name, r, j).isNaN();
          } else {
            assertThat(actual)
                .as("%s row %d col %d", name, r, j)
                .isEqualTo((float) expected.doubleValue());
          }
        }
      }
      JsonNode embeddings = c.get("embeddings");
      assertThat(batch.embeddingCount()).as(name).isEqualTo(embeddings.size());
      for (int e = 0; e < embeddings.size(); e++) {
        JsonNode bag = embeddings.get(e);
        String field = name + "." + bag.get("name").textValue();
        assertThat(featurizer.layout().embeddings().get(e).name())
            .isEqualTo(bag.get("name").textValue());
        int[] offsets = new int[batch.size() + 1];
        System.arraycopy(batch.offsets(e), 0, offsets, 0, offsets.length);
        assertThat(offsets).as(field + " offsets").isEqualTo(ints(bag.get("offsets")));
        int[] ids = new int[batch.idCount(e)];
        System.arraycopy(batch.ids(e), 0, ids, 0, ids.length);
        assertThat(ids).as(field + " ids").isEqualTo(ints(bag.get("ids")));
      }
    }
  }

  private static int[] ints(JsonNode array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).intValue();
    }
    return values;
  }
}
