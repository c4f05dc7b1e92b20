package io.streamprop.wire;

import io.streamprop.data.RawDataFile;
import io.streamprop.features.FeatureRow;
import io.streamprop.features.FeaturizedBatch;
import io.streamprop.features.Featurizer;
import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.state.ModelState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * How {@code format3-trained-titanic.sprp} was written: {@link #SPEC} trained on the first {@link
 * #ROWS} rows of {@code examples/data/raw/titanic.csv} in file order, featurized by the {@link
 * Featurizer} from the CSV cells, published as version 3, created at 1790000000000. Never rewrite
 * the committed file (its test proves an older snapshot keeps loading); to write a new fixture,
 * change the name and run
 *
 * <pre>
 * ./mvnw -o -q -B -pl shared test -Dtest=RawSnapshotFixture -Dstreamprop.fixture.write=true
 * </pre>
 */
public class RawSnapshotFixture {
  static final String FILE = "format3-trained-titanic.sprp";

  /** Sex and class embedded (buckets above the embedding width), age numeric with missing ages. */
  static final String SPEC =
      "{\"features\": [{\"name\": \"sex\", \"kind\": \"categorical\", \"buckets\": 8,"
          + " \"embedding_dim\": 2}, {\"name\": \"age\", \"kind\": \"numeric\"},"
          + " {\"name\": \"passengerClass\", \"kind\": \"categorical\", \"buckets\": 8,"
          + " \"embedding_dim\": 2}], \"class_names\": [\"no\", \"yes\"], \"hidden\": [4],"
          + " \"batch_size\": 4, \"seed\": 11, \"learner\": \"single\"}";

  /** 7 steps of 4, 2 examples pending. */
  static final int ROWS = 30;

  static final long CREATED = 1_790_000_000_000L;

  static Path titanic() {
    return Path.of("..", "examples", "data", "raw", "titanic.csv");
  }

  /** The first {@code n} rows of titanic.csv, featurized, with their labels (no 0, yes 1). */
  static List<FeatureRow> rows(ModelSpec spec, int n, List<float[]> labels) throws IOException {
    Featurizer featurizer = new Featurizer(spec.features());
    FeaturizedBatch batch = featurizer.newBatch(1);
    List<FeatureRow> rows = new ArrayList<>();
    try (RawDataFile file = RawDataFile.open(titanic())) {
      for (int i = 0; i < n; i++) {
        RawDataFile.RawRow row = file.next();
        batch.clear();
        featurizer.add(row.cells(), batch);
        rows.add(FeatureRow.of(batch, 0));
        labels.add(new float[] {spec.classNames().indexOf(row.label().asText())});
      }
    }
    return rows;
  }

  static ModelState trained() throws IOException {
    ModelSpec spec = SpecJson.parse(SPEC);
    List<float[]> labels = new ArrayList<>();
    List<FeatureRow> rows = rows(spec, ROWS, labels);
    OnlineLearner learner = OnlineLearner.create(spec);
    for (int i = 0; i < ROWS; i++) {
      learner.learn(rows.get(i).dense(), rows.get(i).ids(), labels.get(i), 1f);
    }
    return learner.state().withVersion(3);
  }

  @Test
  @EnabledIfSystemProperty(named = "streamprop.fixture.write", matches = "true")
  void write() throws IOException {
    Path out = Path.of("src", "test", "resources", "snapshots", FILE);
    Files.write(out, SnapshotCodec.encode(trained(), CREATED));
  }
}
