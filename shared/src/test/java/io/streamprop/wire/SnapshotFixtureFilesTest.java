package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.learn.ModelState;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Snapshots written by earlier releases keep decoding, to the same bytes when re-encoded. */
class SnapshotFixtureFilesTest {

  private static Path dir() throws URISyntaxException {
    return Path.of(SnapshotFixtureFilesTest.class.getResource("/snapshots").toURI());
  }

  @Test
  void everyCommittedSnapshot_decodes_andReEncodesToTheSameBytes()
      throws IOException, URISyntaxException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir())) {
      files = list.filter(p -> p.toString().endsWith(".sprp")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);

      Snapshot snapshot = SnapshotCodec.decodeSnapshot(bytes);

      assertThat(SnapshotCodec.encode(snapshot.state(), snapshot.createdAtMillis()))
          .as(file.getFileName().toString())
          .isEqualTo(bytes);
    }
  }

  @Test
  void formatOneSyntheticFixture_holdsTheDocumentedState() throws Exception {
    Snapshot snapshot =
        SnapshotCodec.decodeSnapshot(Files.readAllBytes(dir().resolve("format1-synthetic.sprp")));
    ModelState state = snapshot.state();

    assertThat(snapshot.createdAtMillis()).isEqualTo(1_790_000_000_000L);
    assertThat(state.version()).isEqualTo(5);
    assertThat(state.examples()).isEqualTo(1234);
    assertThat(state.steps()).isEqualTo(77);
    assertThat(state.skippedSteps()).isEqualTo(2);
    assertThat(state.spec().featureNames()).containsExactly("a", "b", "c");
    assertThat(state.spec().batchNorm()).isTrue();
    assertThat(state.floats()).hasSize(22);
    assertThat(state.floats().get("dense.0.weight")).hasSize(12);
    assertThat(state.floats().get("pending.features")).hasSize(9);
    assertThat(state.doubles().get("norm.count")).containsExactly(1234.0);
    assertThat(state.longs()).containsEntry("pending.count", 3L).containsEntry("optim.steps", 77L);
  }

  @Test
  void formatOneTrainedIrisFixture_holdsTheEnginesStateOfTheIrisModel() throws Exception {
    ModelState state =
        SnapshotCodec.decode(Files.readAllBytes(dir().resolve("format1-trained-iris.sprp")));
    Path irisSpec = Path.of("..", "examples", "specs", "iris.json");

    assertThat(state.spec()).isEqualTo(SpecJson.parse(Files.readString(irisSpec)));
    assertThat(state.version()).isEqualTo(3);
    assertThat(state.examples()).isEqualTo(150);
    assertThat(state.steps()).isEqualTo(37); // 150 examples in batches of 4, 2 pending
    assertThat(state.longs()).containsEntry("pending.count", 2L);
    assertThat(state.floats().get("dense.2.weight")).hasSize(8 * 3);
    assertThat(state.doubles().get("norm.count")).containsExactly(150.0);
  }
}
