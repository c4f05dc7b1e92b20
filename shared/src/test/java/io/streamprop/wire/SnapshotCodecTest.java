package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.state.DenseState;
import io.streamprop.learn.state.LayerState;
import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.NamedArrays;
import io.streamprop.learn.state.NormalizerState;
import io.streamprop.learn.state.PendingBatch;
import io.streamprop.learn.state.SameState;
import io.streamprop.learn.state.TrainingState;
import io.streamprop.nn.optim.OptimizerState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.spec.SpecLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class SnapshotCodecTest {

  private static final ModelSpec SMALL =
      SpecJson.parse(
          "{\"feature_names\": [\"a\", \"b\", \"c\"], \"classes\": 3, \"hidden\": [4],"
              + " \"batch_norm\": true, \"batch_size\": 4}");
  private static final ModelSpec REGRESSION =
      SpecJson.parse(
          "{\"inputs\": 5, \"task\": \"regression\", \"targets\": 2, \"hidden\": [6, 3]}");
  private static final long CREATED = 1_790_000_000_000L;

  private static byte[] smallSnapshot() {
    return SnapshotCodec.encode(SnapshotFixtures.state(SMALL, 1, 3), CREATED);
  }

  /** Recomputes the trailing checksum, so that a test can reach the checks behind it. */
  private static byte[] withChecksum(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    return bytes;
  }

  private static void assertSameState(ModelState actual, ModelState expected) {
    SameState.assertSameState(actual, expected);
    assertThat(actual.version()).isEqualTo(expected.version());
  }

  /** A state with some of its parts replaced. */
  private static ModelState with(
      ModelState state,
      List<LayerState> layers,
      NormalizerState targets,
      TrainingState training,
      NamedArrays carried) {
    return new ModelState(
        state.spec(),
        state.counters(),
        layers,
        state.inputNormalizer(),
        targets,
        training,
        carried);
  }

  private static ModelState withTargets(ModelState state, NormalizerState targets) {
    return with(state, state.layers(), targets, state.training(), state.carried());
  }

  private static ModelState withLayers(ModelState state, List<LayerState> layers) {
    return with(state, layers, state.targetNormalizer(), state.training(), state.carried());
  }

  private static ModelState withTraining(ModelState state, TrainingState training) {
    return with(state, state.layers(), state.targetNormalizer(), training, state.carried());
  }

  /**
   * Editable copies of a state's named arrays, written as a snapshot without the encode checks: the
   * snapshots a decoder must refuse that no typed state can express.
   */
  private record Named(
      ModelState state,
      Map<String, float[]> floats,
      Map<String, double[]> doubles,
      Map<String, Long> longs) {
    static Named of(ModelState state) {
      NamedArrays arrays = StateCodec.toArrays(state);
      return new Named(
          state,
          new LinkedHashMap<>(arrays.floats()),
          new LinkedHashMap<>(arrays.doubles()),
          new LinkedHashMap<>(arrays.longs()));
    }

    byte[] write() {
      return SnapshotCodec.write(
          state.spec(), state.counters(), new NamedArrays(floats, doubles, longs), CREATED, null);
    }
  }

  @Test
  void state_encodedThenDecoded_bitExact() {
    for (ModelSpec spec : new ModelSpec[] {SMALL, REGRESSION}) {
      ModelState state = SnapshotFixtures.state(spec, 3, 2);
      float[] weight = state.layers().get(0).dense().weight();
      weight[0] = -0.0f;
      weight[1] = Float.MIN_VALUE;
      weight[2] = Float.MAX_VALUE;

      Snapshot back = SnapshotCodec.decodeSnapshot(SnapshotCodec.encode(state, CREATED));

      assertSameState(back.state(), state);
      assertThat(back.createdAtMillis()).isEqualTo(CREATED);
    }
  }

  @Test
  void syntheticFixtureState_encodesToTheFirstReleasesBytes() throws Exception {
    byte[] written =
        java.nio.file.Files.readAllBytes(
            java.nio.file.Path.of(
                SnapshotCodecTest.class.getResource("/snapshots/format1-synthetic.sprp").toURI()));

    // The fixture's spec is SMALL under the first release's defaults (learning rate 0.003).
    ModelSpec spec = SnapshotCodec.decode(written).spec();

    assertThat(SnapshotCodec.encode(SnapshotFixtures.state(spec, 1, 3), CREATED))
        .isEqualTo(written);
  }

  @Test
  void arrays_namedAndOrderedAsTheFormatSays() {
    NamedArrays arrays = StateCodec.toArrays(SnapshotFixtures.state(SMALL, 1, 3));

    assertThat(arrays.floats().keySet())
        .containsExactly(
            "dense.0.weight",
            "dense.0.bias",
            "bn.0.gamma",
            "bn.0.beta",
            "bn.0.running_mean",
            "bn.0.running_var",
            "dense.1.weight",
            "dense.1.bias",
            "optim.0.m",
            "optim.0.v",
            "optim.1.m",
            "optim.1.v",
            "optim.2.m",
            "optim.2.v",
            "optim.3.m",
            "optim.3.v",
            "optim.4.m",
            "optim.4.v",
            "optim.5.m",
            "optim.5.v",
            "pending.features",
            "pending.labels");
    assertThat(arrays.doubles().keySet()).containsExactly("norm.count", "norm.mean", "norm.m2");
    assertThat(arrays.longs().keySet()).containsExactly("rng", "pending.count", "optim.steps");
    assertThat(arrays.longs()).containsEntry("pending.count", 3L).containsEntry("optim.steps", 77L);
    assertThat(StateCodec.toArrays(SnapshotFixtures.state(REGRESSION, 1, 0)).doubles().keySet())
        .containsExactly(
            "norm.count", "norm.mean", "norm.m2", "target.count", "target.mean", "target.m2");
  }

  @Test
  void encodedSize_staysWithinTheSpecsUpperBound() {
    for (ModelSpec spec : new ModelSpec[] {SMALL, REGRESSION}) {
      ModelState full = SnapshotFixtures.state(spec, 2, spec.batchSize() - 1);

      assertThat((long) SnapshotCodec.encode(full, CREATED).length)
          .isLessThanOrEqualTo(SpecLimits.snapshotBytesUpperBound(spec));
    }
  }

  @Test
  void equalStates_encode_toIdenticalBytes() {
    byte[] a = SnapshotCodec.encode(SnapshotFixtures.state(REGRESSION, 9, 1), CREATED);
    byte[] b = SnapshotCodec.encode(SnapshotFixtures.state(REGRESSION, 9, 1), CREATED);

    assertThat(a).isEqualTo(b);
    assertThat(SnapshotCodec.encode(SnapshotCodec.decode(a), CREATED)).isEqualTo(a);
  }

  @Test
  void header_laidOutAsDocumented() {
    byte[] bytes = smallSnapshot();
    ByteBuffer in = ByteBuffer.wrap(bytes);

    assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("SPRP");
    assertThat(in.getShort(4)).isEqualTo((short) 1);
    assertThat(in.getShort(6)).isEqualTo((short) 0);
    assertThat(in.getLong(8)).isEqualTo(5); // model version
    assertThat(in.getLong(16)).isEqualTo(CREATED);
    assertThat(in.getLong(24)).isEqualTo(1234); // examples
    assertThat(in.getLong(32)).isEqualTo(77); // steps
    assertThat(in.getLong(40)).isEqualTo(2); // skipped
    int specLength = in.getInt(48);
    assertThat(new String(bytes, 52, specLength, StandardCharsets.UTF_8))
        .isEqualTo(SpecJson.write(SMALL));
  }

  @Test
  void everySingleByteFlip_detected() {
    byte[] good = smallSnapshot();
    for (int i = 0; i < good.length; i++) {
      for (int mask : new int[] {0x01, 0x80, 0xff}) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) mask;
        int at = i;
        assertThatThrownBy(() -> SnapshotCodec.decode(bad))
            .as("byte %d ^ 0x%02x", at, mask)
            .isInstanceOf(SnapshotException.class);
      }
    }
  }

  @Test
  void flipInsideTheBody_reported_asCorrupt() {
    byte[] bad = smallSnapshot();
    bad[bad.length - 20] ^= 1;

    assertThatThrownBy(() -> SnapshotCodec.decode(bad)).hasMessageStartingWith("corrupt snapshot");
  }

  @Test
  void everyTruncation_detected_andMostlyReportedAsTruncated() {
    byte[] good = smallSnapshot();
    int saidTruncated = 0;
    for (int length = 0; length < good.length; length++) {
      byte[] cut = Arrays.copyOf(good, length);
      try {
        SnapshotCodec.decode(cut);
        throw new AssertionError("decoded a snapshot cut to " + length + " bytes");
      } catch (SnapshotException e) {
        if (e.getMessage().startsWith("truncated")) {
          saidTruncated++;
        }
      }
    }
    // Cutting a few bytes from the end only removes checksum bytes: the sections still fit.
    assertThat(saidTruncated).isGreaterThanOrEqualTo(good.length - 4);
  }

  @Test
  void notASnapshot_reported_assuch() {
    assertThatThrownBy(
            () -> SnapshotCodec.decode("{\"features\": [1]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SnapshotException.class)
        .hasMessageStartingWith("not a streamprop snapshot");
    assertThatThrownBy(() -> SnapshotCodec.decode(null)).hasMessageStartingWith("not a streamprop");
  }

  @Test
  void newerFormatVersion_reported_withUpgradeAdvice() {
    byte[] bytes = smallSnapshot();
    ByteBuffer.wrap(bytes).putShort(4, (short) 4);

    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(bytes)))
        .isInstanceOf(SnapshotException.class)
        .hasMessage(
            "snapshot written by a newer streamprop (format 4; this one reads formats 1 to 3);"
                + " upgrade streamprop to read it");
  }

  @Test
  void formatThreeHeader_onASpecOfNumbers_refused() {
    byte[] bytes = smallSnapshot();
    ByteBuffer.wrap(bytes).putShort(4, (short) 3);

    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(bytes)))
        .isInstanceOf(SnapshotException.class)
        .hasMessage(
            "corrupt snapshot: format 3 needs a spec with raw features; this one is format 1");
  }

  @Test
  void targetStatistics_writtenAsFormatTwo_othersStayFormatOne() {
    ModelState withTargets = SnapshotFixtures.state(REGRESSION, 5, 1);
    ModelState legacy = SnapshotFixtures.withoutTargets(SnapshotFixtures.state(REGRESSION, 5, 1));

    byte[] two = SnapshotCodec.encode(withTargets, CREATED);
    byte[] one = SnapshotCodec.encode(legacy, CREATED);

    assertThat(ByteBuffer.wrap(two).getShort(4)).isEqualTo((short) 2);
    assertThat(ByteBuffer.wrap(one).getShort(4)).isEqualTo((short) 1);
    assertThat(ByteBuffer.wrap(smallSnapshot()).getShort(4)).isEqualTo((short) 1);
    assertSameState(SnapshotCodec.decode(two), withTargets);
    assertSameState(SnapshotCodec.decode(one), legacy);
    assertThat(SnapshotCodec.decode(one).targetNormalizer()).isNull();
  }

  @Test
  void formatVersionThatDisagreesWithTargetStatistics_refused() {
    byte[] two = SnapshotCodec.encode(SnapshotFixtures.state(REGRESSION, 5, 1), CREATED);
    ByteBuffer.wrap(two).putShort(4, (short) 1);
    byte[] one = smallSnapshot();
    ByteBuffer.wrap(one).putShort(4, (short) 2);

    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(two)))
        .isInstanceOf(SnapshotException.class)
        .hasMessage(
            "corrupt snapshot: format 1 cannot hold target statistics (target.count,"
                + " target.mean, target.m2)");
    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(one)))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("format 2 must hold target statistics");
  }

  @Test
  void badTargetStatistics_refused() {
    ModelState state = SnapshotFixtures.state(REGRESSION, 1, 0);
    NormalizerState targets = state.targetNormalizer();
    ModelState wrongLength =
        withTargets(state, new NormalizerState(3, new double[3], targets.m2().clone()));
    double[] infiniteM2 = targets.m2().clone();
    infiniteM2[1] = Double.POSITIVE_INFINITY;
    ModelState infinite = withTargets(state, new NormalizerState(3, targets.mean(), infiniteM2));
    ModelState classification =
        withTargets(
            SnapshotFixtures.state(SMALL, 1, 0),
            new NormalizerState(1, new double[3], new double[3]));
    Named partial = Named.of(state);
    partial.doubles().remove("target.m2");

    assertThatThrownBy(() -> SnapshotCodec.encode(wrongLength, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target.mean: expected 2 values for the spec, got 3");
    assertThatThrownBy(() -> SnapshotCodec.encode(infinite, 0))
        .hasMessageContaining("target.m2[1] is Infinity");
    assertThatThrownBy(() -> SnapshotCodec.encode(classification, 0))
        .hasMessageContaining(
            "target.count: target statistics need a regression spec with standardize true, the"
                + " spec has task classification");
    assertThatThrownBy(() -> SnapshotCodec.decode(partial.write()))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("it has 2 of the target statistics");
  }

  @Test
  void unknownFlags_refused() {
    byte[] unknown = smallSnapshot();
    ByteBuffer.wrap(unknown).putShort(6, (short) 0x0100);

    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(unknown)))
        .hasMessageContaining("unknown flags 0x0100");
  }

  @Test
  void arrayThatDoesNotMatchTheSpec_refused_onDecode() {
    // Same-length edit of the embedded spec: hidden [4] becomes hidden [5].
    byte[] bytes = smallSnapshot();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\"hidden\":[4]");
    bytes[at + "\"hidden\":[".length()] = '5';

    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(bytes)))
        .isInstanceOf(SnapshotException.class)
        .hasMessage(
            "snapshot does not match its spec: dense.0.weight: expected 15 values for the spec, got"
                + " 12");
  }

  @Test
  void invalidSpecInside_refused_onDecode() {
    byte[] bytes = smallSnapshot();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\"classes\":3");
    bytes[at + "\"classes\":".length()] = '1';

    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(bytes)))
        .hasMessageStartingWith("snapshot holds an invalid spec: classes: must be in 2..10000");
  }

  @Test
  void badStates_refused_onEncode() {
    ModelState valid = SnapshotFixtures.state(SMALL, 1, 0);
    List<LayerState> wrongBias = new ArrayList<>(valid.layers());
    wrongBias.set(
        1, new LayerState(new DenseState(wrongBias.get(1).dense().weight(), new float[4]), null));
    ModelState wrongShape = withLayers(valid, wrongBias);
    ModelState nan = SnapshotFixtures.state(SMALL, 1, 0);
    nan.training().optimizer().moment(0, "v")[3] = Float.NaN;
    List<LayerState> noBatchNorm = new ArrayList<>(valid.layers());
    noBatchNorm.set(0, new LayerState(noBatchNorm.get(0).dense(), null));
    ModelState missing = withLayers(valid, noBatchNorm);
    List<LayerState> threeLayers = new ArrayList<>(valid.layers());
    threeLayers.add(valid.layers().get(1));
    ModelState extraLayer = withLayers(valid, threeLayers);
    ModelState badName =
        with(
            valid,
            valid.layers(),
            null,
            valid.training(),
            new NamedArrays(Map.of(), Map.of(), Map.of("rng state", 1L)));
    OptimizerState optimizer = valid.training().optimizer();
    float[][][] longerMoment = optimizer.moments().clone();
    longerMoment[2] = new float[][] {new float[12], longerMoment[2][1]}; // bn.0.gamma: 4 values
    ModelState optimLength =
        withTraining(
            valid, training(valid, new OptimizerState(77, optimizer.slots(), longerMoment)));
    float[][][] sevenTensors = Arrays.copyOf(optimizer.moments(), 7);
    sevenTensors[6] = new float[][] {new float[3], new float[3]};
    ModelState optimIndex =
        withTraining(
            valid, training(valid, new OptimizerState(77, optimizer.slots(), sevenTensors)));
    ModelState pending =
        withTraining(
            valid,
            new TrainingState(
                optimizer, new PendingBatch(1, new float[4], new float[1]), 7, Double.NaN));

    assertThatThrownBy(() -> SnapshotCodec.encode(wrongShape, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dense.1.bias: expected 3 values for the spec, got 4");
    assertThatThrownBy(() -> SnapshotCodec.encode(nan, 0))
        .hasMessageContaining("optim.0.v[3] is NaN");
    assertThatThrownBy(() -> SnapshotCodec.encode(missing, 0))
        .hasMessageContaining("bn.0.gamma is missing");
    assertThatThrownBy(() -> SnapshotCodec.encode(extraLayer, 0))
        .hasMessageContaining("the spec has 2 dense layers");
    assertThatThrownBy(() -> SnapshotCodec.encode(badName, 0)).hasMessageContaining("rng state");
    assertThatThrownBy(() -> SnapshotCodec.encode(optimLength, 0))
        .hasMessageContaining("optim.2.m: expected 4 values for the spec, got 12");
    assertThatThrownBy(() -> SnapshotCodec.encode(optimIndex, 0))
        .hasMessageContaining("optim.6.m: the spec has 6 parameter tensors (0..5)");
    assertThatThrownBy(() -> SnapshotCodec.encode(pending, 0))
        .hasMessageContaining("pending.features: expected a multiple of 3");
  }

  private static TrainingState training(ModelState state, OptimizerState optimizer) {
    return new TrainingState(
        optimizer, state.training().pending(), state.training().rngState(), Double.NaN);
  }

  @Test
  void incompleteOrInconsistentArrays_refused_onDecode() {
    ModelState valid = SnapshotFixtures.state(SMALL, 1, 2);
    Named noRng = Named.of(valid);
    noRng.longs().remove("rng");
    Named noNormalizer = Named.of(valid);
    noNormalizer.doubles().remove("norm.m2");
    Named noPending = Named.of(valid);
    noPending.floats().remove("pending.labels");
    Named countPerFeature = Named.of(valid);
    countPerFeature.doubles().put("norm.count", new double[3]);
    Named pendingCount = Named.of(valid);
    pendingCount.longs().put("pending.count", 1L);
    Named slotMissing = Named.of(valid);
    slotMissing.floats().remove("optim.3.v");
    Named slotExtra = Named.of(valid);
    slotExtra.floats().put("optim.3.velocity", new float[4]);
    Named negativeSteps = Named.of(valid);
    negativeSteps.longs().put("optim.steps", -1L);

    assertThatThrownBy(() -> SnapshotCodec.decode(noRng.write()))
        .isInstanceOf(SnapshotException.class)
        .hasMessage("invalid snapshot: array rng is missing; the spec's model needs it");
    assertThatThrownBy(() -> SnapshotCodec.decode(noNormalizer.write()))
        .hasMessageContaining("array norm.m2 is missing");
    assertThatThrownBy(() -> SnapshotCodec.decode(noPending.write()))
        .hasMessageContaining("array pending.labels is missing");
    assertThatThrownBy(() -> SnapshotCodec.decode(countPerFeature.write()))
        .hasMessageContaining("norm.count: expected 1 values for the spec, got 3");
    assertThatThrownBy(() -> SnapshotCodec.decode(pendingCount.write()))
        .hasMessageContaining(
            "pending.count: it is 1, but pending.features holds 2 rows and pending.labels 2");
    assertThatThrownBy(() -> SnapshotCodec.decode(slotMissing.write()))
        .hasMessageContaining(
            "optim.3.v is missing; every parameter tensor has the optimizer slots [m, v]");
    assertThatThrownBy(() -> SnapshotCodec.decode(slotExtra.write()))
        .hasMessageContaining("13 optimizer arrays, expected the slots [m, v] of tensor 0");
    assertThatThrownBy(() -> SnapshotCodec.decode(negativeSteps.write()))
        .hasMessageContaining("optim.steps is negative, got -1");
  }

  @Test
  void unknownArrays_carried_unchecked_afterTheKnownOnes() {
    ModelState state = SnapshotFixtures.state(REGRESSION, 4, 0);
    Map<String, double[]> doubles = new LinkedHashMap<>();
    doubles.put("loss.ema", new double[] {Double.POSITIVE_INFINITY, 0.5});
    ModelState extended =
        with(
            state,
            state.layers(),
            state.targetNormalizer(),
            state.training(),
            new NamedArrays(
                Map.of("future.weights", new float[] {Float.NaN}),
                doubles,
                Map.of("future.counter", 9L)));

    ModelState back = SnapshotCodec.decode(SnapshotCodec.encode(extended, 0));

    assertSameState(back, extended);
    assertThat(back.carried().doubles()).containsOnlyKeys("loss.ema");
    assertThat(back.carried().floats()).containsOnlyKeys("future.weights");
    assertThat(back.carried().longs()).containsEntry("future.counter", 9L);
    NamedArrays arrays = StateCodec.toArrays(back);
    assertThat(arrays.doubles().keySet()).last().isEqualTo("loss.ema");
    assertThat(arrays.floats().keySet()).last().isEqualTo("future.weights");
    assertThat(arrays.longs().keySet()).last().isEqualTo("future.counter");
    // The engine ignores them: the state resumes, and its own state carries none.
    assertThat(OnlineLearner.restore(back).state().carried().isEmpty()).isTrue();
  }

  @Test
  void prequentialLoss_anOptionalArrayAfterTheNormalizers() {
    ModelState state = SnapshotFixtures.state(REGRESSION, 2, 1);
    TrainingState t = state.training();
    ModelState withLoss =
        withTraining(state, new TrainingState(t.optimizer(), t.pending(), t.rngState(), 0.75));
    ModelState infinite =
        withTraining(
            state,
            new TrainingState(t.optimizer(), t.pending(), t.rngState(), Double.POSITIVE_INFINITY));
    Named twoValues = Named.of(withLoss);
    twoValues.doubles().put("loss.prequential", new double[] {0.75, 0.5});

    byte[] bytes = SnapshotCodec.encode(withLoss, CREATED);

    assertThat(StateCodec.toArrays(withLoss).doubles().keySet())
        .containsExactly(
            "norm.count",
            "norm.mean",
            "norm.m2",
            "target.count",
            "target.mean",
            "target.m2",
            "loss.prequential");
    assertThat(ByteBuffer.wrap(bytes).getShort(4)).isEqualTo((short) 2); // as without it
    assertThat(SnapshotCodec.decode(bytes).training().prequentialLoss()).isEqualTo(0.75);
    assertThat(StateCodec.toArrays(state).doubles()).doesNotContainKey("loss.prequential");
    assertThat(SnapshotCodec.decode(SnapshotCodec.encode(state, 0)).training().prequentialLoss())
        .isNaN();
    assertThatThrownBy(() -> SnapshotCodec.encode(infinite, 0))
        .hasMessageContaining("loss.prequential[0] is Infinity");
    assertThatThrownBy(() -> SnapshotCodec.decode(twoValues.write()))
        .hasMessageContaining("loss.prequential: expected 1 values for the spec, got 2");
  }

  @Test
  void carriedArrayWithAKnownName_refused() {
    ModelState state = SnapshotFixtures.state(SMALL, 1, 0);
    ModelState clash =
        with(
            state,
            state.layers(),
            null,
            state.training(),
            new NamedArrays(Map.of(), Map.of(), Map.of("rng", 1L)));

    assertThatThrownBy(() -> SnapshotCodec.encode(clash, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("carried array rng has a name the state defines itself");
  }

  @Test
  void randomGarbage_refused_withSnapshotExceptionOnly() {
    SplittableRandom random = new SplittableRandom(5);
    byte[] good = smallSnapshot();
    for (int round = 0; round < 5000; round++) {
      byte[] bytes;
      if (round % 2 == 0) {
        bytes = new byte[random.nextInt(200)];
        for (int i = 0; i < bytes.length; i++) {
          bytes[i] = (byte) random.nextInt(256);
        }
        if (bytes.length >= 6 && random.nextBoolean()) {
          System.arraycopy(good, 0, bytes, 0, 6); // magic and version, so the checks go deeper
        }
      } else {
        bytes = good.clone();
        for (int k = 0; k < 1 + random.nextInt(3); k++) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
      }
      if (bytes.length >= 4 && random.nextBoolean()) {
        withChecksum(bytes); // valid checksum: only the structural checks stand between
      }
      try {
        SnapshotCodec.decode(bytes);
      } catch (SnapshotException e) {
        assertThat(e.getMessage()).isNotBlank();
      } catch (RuntimeException e) {
        throw new AssertionError("round " + round + " threw " + e, e);
      }
    }
  }

  @Test
  void forgedLengths_refused_withoutHugeAllocations() {
    byte[] bytes = smallSnapshot();
    ByteBuffer.wrap(bytes).putInt(48, 0x7fffffff); // spec length

    assertThatThrownBy(() -> SnapshotCodec.decode(withChecksum(bytes)))
        .hasMessageStartingWith("truncated snapshot: spec needs 2147483647 bytes");
  }
}
