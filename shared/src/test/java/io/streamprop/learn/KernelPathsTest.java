package io.streamprop.learn;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.NamedArrays;
import io.streamprop.nn.kernel.Kernels;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.SnapshotFixtures;
import io.streamprop.wire.StateCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Trained models are the same bits on every kernel path and in every version: the SHA-256 of the
 * whole trained state (weights, optimizer moments, normalizer, in the state's order) was recorded
 * from the scalar kernels, independently of the vector kernels, and the build runs this test once
 * with the vector kernels and once with {@code -Dstreamprop.engine.kernels=scalar}
 * (shared/pom.xml). Any change of summation order, fused multiply-add or kernel blocking that moves
 * one bit of one weight fails it on that path.
 */
class KernelPathsTest {

  @ParameterizedTest(name = "{0} batch {1}")
  @CsvSource({
    // digits: 64 features, 10 classes; the hidden layers are "wide" (8 outputs or more), the logits
    // "narrow"; batch 1, 5 (a block of four and one row) and 32.
    "digits, 1, 600, '', 233f185f1cd31132c47e0a2f0d3bb4036d096bf2f473ece50874190f1fb8db46",
    "digits, 5, 600, '', d2029f977a2eb0750b43a0cdd84e96a49b2746a77636b84233396760b24925ac",
    "digits, 32, 1500, '', e84ac9a628538642a164d9a79081d51b61472a33734a51513245ee06ce6c0eb8",
    // letter: 16 features, 26 classes (wide logits too), tanh and momentum
    "letter, 7, 1400, ', \"activation\": \"tanh\", \"optimizer\": {\"name\": \"momentum\"}', 39228e348e198d5fb26d9bc287df4c9f53aee916a1dba94c0913a09d05d7e49c",
  })
  void trainedState_sameBitsAsRecorded(
      String dataset, int batch, int examples, String extra, String recordedSha256) {
    Datasets.Dataset data = Datasets.load(dataset);
    int classes = 0;
    for (float label : data.labels()) {
      classes = Math.max(classes, (int) label + 1);
    }
    OnlineLearner learner =
        OnlineLearner.create(
            SpecJson.parse(
                "{\"inputs\": "
                    + data.features()[0].length
                    + ", \"classes\": "
                    + classes
                    + ", \"hidden\": [64, 32], \"batch_size\": "
                    + batch
                    + extra
                    + "}"));
    for (int i = 0; i < examples; i++) {
      int row = i % data.rows();
      learner.learn(data.features()[row], new float[] {data.labels()[row]});
    }

    assertThat(sha256(learner.state()))
        .as("state of %s batch %d on the %s kernels", dataset, batch, Kernels.description())
        .isEqualTo(recordedSha256);
  }

  /**
   * SHA-256 over every float and double array and long of the state, with its name, in the order a
   * snapshot holds them; without the prequential loss, which the hashes predate (it follows from
   * the logits, and LearnerSnapshotBytesTest pins it on both kernel paths).
   */
  static String sha256(ModelState state) {
    NamedArrays arrays = StateCodec.toArrays(SnapshotFixtures.withoutPrequentialLoss(state));
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, float[]> e : arrays.floats().entrySet()) {
        digest.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ByteBuffer bytes =
            ByteBuffer.allocate(4 * e.getValue().length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : e.getValue()) {
          bytes.putInt(Float.floatToRawIntBits(f));
        }
        digest.update(bytes.array());
      }
      for (Map.Entry<String, double[]> e : arrays.doubles().entrySet()) {
        digest.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ByteBuffer bytes =
            ByteBuffer.allocate(8 * e.getValue().length).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : e.getValue()) {
          bytes.putLong(Double.doubleToRawLongBits(d));
        }
        digest.update(bytes.array());
      }
      for (Map.Entry<String, Long> e : arrays.longs().entrySet()) {
        digest.update(
            (e.getKey() + "=" + e.getValue()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
