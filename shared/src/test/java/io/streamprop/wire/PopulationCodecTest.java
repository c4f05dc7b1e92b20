package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.learn.Datasets;
import io.streamprop.learn.population.DriftPlan;
import io.streamprop.learn.population.DriftState;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.learn.population.PopulationPlan;
import io.streamprop.learn.population.PopulationState;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class PopulationCodecTest {
  private static final PopulationPlan FAST =
      new PopulationPlan(List.of(0.1, 0.3, 1.0, 3.0), List.of(1, 2), 40, 48, 0.0, 2, 0.01, 10);

  private static PopulationLearner trained(Datasets.Dataset data, int rows) {
    return trained(data, rows, DriftPlan.standard());
  }

  private static PopulationLearner trained(Datasets.Dataset data, int rows, DriftPlan drift) {
    PopulationLearner population =
        PopulationLearner.create(
            SpecJson.parse("{\"inputs\": 13, \"classes\": 3, \"hidden\": [16]}"), FAST, drift);
    for (int i = 0; i < rows; i++) {
      population.learn(data.features()[i], new float[] {data.labels()[i]});
    }
    return population;
  }

  @Test
  void stateToBytesToStateAndOn_identicalToUninterrupted() {
    Datasets.Dataset wine = Datasets.load("wine");
    PopulationLearner uninterrupted = trained(wine, wine.rows());

    PopulationLearner before = trained(wine, 101); // mid-batch, after two rungs
    byte[] bytes = PopulationCodec.encode(before.state());
    PopulationLearner resumed = PopulationLearner.restore(PopulationCodec.decode(bytes));
    for (int i = 101; i < wine.rows(); i++) {
      resumed.learn(wine.features()[i], new float[] {wine.labels()[i]});
    }

    assertThat(before.replacements()).isPositive();
    assertThat(PopulationCodec.encode(resumed.state()))
        .isEqualTo(PopulationCodec.encode(uninterrupted.state()));
  }

  @Test
  void averagingPopulation_roundTripsAndResumes_setsFlagBit4_andServesTheAverage() {
    Datasets.Dataset wine = Datasets.load("wine");
    PopulationPlan averaged =
        new PopulationPlan(
            List.of(0.1, 0.3, 1.0, 3.0), List.of(1, 2), 40, 48, 0.0, 2, 0.01, 10, 0, 0, 200);
    ModelSpec spec = SpecJson.parse("{\"inputs\": 13, \"classes\": 3, \"hidden\": [16]}");
    PopulationLearner uninterrupted = PopulationLearner.create(spec, averaged);
    PopulationLearner before = PopulationLearner.create(spec, averaged);
    for (int i = 0; i < wine.rows(); i++) {
      uninterrupted.learn(wine.features()[i], new float[] {wine.labels()[i]});
      if (i < 101) {
        before.learn(wine.features()[i], new float[] {wine.labels()[i]});
      }
    }
    byte[] bytes = PopulationCodec.encode(before.state());
    PopulationLearner resumed = PopulationLearner.restore(PopulationCodec.decode(bytes));
    for (int i = 101; i < wine.rows(); i++) {
      resumed.learn(wine.features()[i], new float[] {wine.labels()[i]});
    }

    assertThat(Short.toUnsignedInt(ByteBuffer.wrap(bytes).getShort(6)) & 0x0010).isNotZero();
    assertThat(PopulationCodec.decode(bytes).members().get(0).average()).isNotNull();
    assertThat(PopulationCodec.encode(PopulationCodec.decode(bytes))).isEqualTo(bytes);
    byte[] end = PopulationCodec.encode(uninterrupted.state());
    assertThat(PopulationCodec.encode(resumed.state())).isEqualTo(end);
    // What a scorer decodes is what the population serves, average or member.
    PopulationCodec.Served served = PopulationCodec.decodeServed(end, null);
    assertThat(served.served().model().layers().get(0).dense().weight())
        .isEqualTo(uninterrupted.served().model().layers().get(0).dense().weight());
    assertThat(served.served().member()).isEqualTo(uninterrupted.served().member());
    assertThat(served.served().average()).isEqualTo(uninterrupted.averageServed());
    assertThat(served.served().reason()).isEqualTo(uninterrupted.served().reason());
  }

  @Test
  void encoding_isDeterministic_andDecodesToEqualBytes() {
    Datasets.Dataset wine = Datasets.load("wine");
    PopulationState state = trained(wine, 77).state();
    byte[] bytes = PopulationCodec.encode(state);

    assertThat(PopulationCodec.encode(trained(wine, 77).state())).isEqualTo(bytes);
    assertThat(PopulationCodec.encode(PopulationCodec.decode(bytes))).isEqualTo(bytes);
    assertThat(bytes).startsWith((byte) 'S', (byte) 'P', (byte) 'P', (byte) 'O');
  }

  @Test
  void planWithWarmup_roundTrips_andSetsFlagBit1_planWithout_leavesFlagsZero() {
    Datasets.Dataset wine = Datasets.load("wine");
    PopulationPlan warm =
        new PopulationPlan(
            List.of(0.1, 0.3, 1.0, 3.0), List.of(1, 2), 40, 48, 0.0, 2, 0.01, 10, 60);
    PopulationLearner population =
        PopulationLearner.create(
            SpecJson.parse("{\"inputs\": 13, \"classes\": 3, \"hidden\": [16]}"), warm, null);
    for (int i = 0; i < 37; i++) { // inside the warm-up: members at mini-batch 1
      population.learn(wine.features()[i], new float[] {wine.labels()[i]});
    }
    byte[] bytes = PopulationCodec.encode(population.state());
    PopulationState decoded = PopulationCodec.decode(bytes);

    assertThat(decoded.plan()).isEqualTo(warm);
    assertThat(decoded.plan().warmupExamples()).isEqualTo(60);
    assertThat(PopulationCodec.encode(decoded)).isEqualTo(bytes);
    assertThat(bytes[7]).isEqualTo((byte) 2); // flag bit 1: the plan has a warm-up
    assertThat(PopulationCodec.encode(trained(wine, 37, null).state())[7]).isZero();
    byte[] unknownFlag = bytes.clone();
    unknownFlag[7] = 32;
    assertThatThrownBy(() -> PopulationCodec.decode(withCrc(unknownFlag)))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("flags");
  }

  @Test
  void planWithAKeptBudget_roundTripsAfterItsHalving_andSetsFlagBit2() {
    Datasets.Dataset wine = Datasets.load("wine");
    PopulationPlan race =
        new PopulationPlan(
            List.of(0.1, 0.3, 1.0, 3.0), List.of(1, 2), 40, 48, 0.0, 2, 0.01, 10, 60, 2);
    PopulationLearner population =
        PopulationLearner.create(
            SpecJson.parse("{\"inputs\": 13, \"classes\": 3, \"hidden\": [16]}"), race, null);
    for (int i = 0; i < 77; i++) { // past the warm-up: at most 2 members kept
      population.learn(wine.features()[i], new float[] {wine.labels()[i]});
    }
    byte[] bytes = PopulationCodec.encode(population.state());
    PopulationState decoded = PopulationCodec.decode(bytes);

    assertThat(decoded.plan()).isEqualTo(race);
    assertThat(decoded.plan().warmupKeep()).isEqualTo(2);
    assertThat(decoded.members()).hasSize(population.size()).hasSizeLessThanOrEqualTo(2);
    assertThat(PopulationCodec.encode(decoded)).isEqualTo(bytes);
    assertThat(bytes[7]).isEqualTo((byte) 6); // flag bits 1 and 2: a warm-up and its budget
    PopulationCodec.Served served = PopulationCodec.decodeServed(bytes, null);
    assertThat(served.served().standings()).hasSize(population.size());
    assertThat(served.served().member()).isEqualTo(population.leader());
  }

  @Test
  void planWithLinearMembers_roundTripsInItsWarmup_setsFlagBit6_andResumesExactly() {
    Datasets.Dataset wine = Datasets.load("wine");
    PopulationPlan linear =
        new PopulationPlan(
            List.of(0.1, 0.3, 1.0),
            List.of(1, 2),
            40,
            48,
            0.0,
            2,
            0.01,
            10,
            60,
            3,
            0,
            List.of(1.0, 3.0, 10.0));
    ModelSpec spec = SpecJson.parse("{\"inputs\": 13, \"classes\": 3, \"hidden\": [16]}");
    PopulationLearner uninterrupted = PopulationLearner.create(spec, linear, null);
    PopulationLearner before = PopulationLearner.create(spec, linear, null);
    for (int i = 0; i < wine.rows(); i++) {
      uninterrupted.learn(wine.features()[i], new float[] {wine.labels()[i]});
      if (i < 37) { // inside the warm-up: the linear members race
        before.learn(wine.features()[i], new float[] {wine.labels()[i]});
      }
    }
    byte[] bytes = PopulationCodec.encode(before.state());
    PopulationState decoded = PopulationCodec.decode(bytes);

    assertThat(decoded.plan()).isEqualTo(linear);
    assertThat(decoded.members()).hasSize(3 * 2 + 3 + 3);
    assertThat(PopulationCodec.encode(decoded)).isEqualTo(bytes);
    assertThat(bytes[7]).isEqualTo((byte) (2 | 4 | 64)); // warm-up, budget, linear members
    assertThat(PopulationCodec.decodeServed(bytes, null).served().standings()).hasSize(12);
    PopulationLearner resumed = PopulationLearner.restore(decoded);
    for (int i = 37; i < wine.rows(); i++) {
      resumed.learn(wine.features()[i], new float[] {wine.labels()[i]});
    }
    assertThat(PopulationCodec.encode(resumed.state()))
        .isEqualTo(PopulationCodec.encode(uninterrupted.state()));
    assertThat(resumed.standings()).allSatisfy(st -> assertThat(st.hidden()).isNotEmpty());
  }

  private static byte[] withCrc(byte[] bytes) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    java.nio.ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    return bytes;
  }

  @Test
  void damagedTruncatedOrSingleSnapshot_isRefusedSayingWhat() {
    Datasets.Dataset wine = Datasets.load("wine");
    PopulationState state = trained(wine, 50).state();
    byte[] bytes = PopulationCodec.encode(state);

    byte[] flipped = bytes.clone();
    flipped[bytes.length / 2] ^= 1;
    assertThatThrownBy(() -> PopulationCodec.decode(flipped))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("checksum");
    assertThatThrownBy(() -> PopulationCodec.decode(java.util.Arrays.copyOf(bytes, 40)))
        .isInstanceOf(SnapshotException.class);
    byte[] single = SnapshotCodec.encode(state.leaderState().model(), 0);
    assertThatThrownBy(() -> PopulationCodec.decode(single))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("SPRP");
  }

  private static final SigningKey KEY = SigningKey.of(new byte[32]);

  @Test
  void version2_carriesVersionAndTime_signs_andServesTheLeaderAlone() {
    Datasets.Dataset wine = Datasets.load("wine");
    PopulationLearner population = trained(wine, 130);
    PopulationState state = population.state();
    byte[] signed = PopulationCodec.encode(state, 9, 1790000000000L, KEY);
    byte[] unsigned = PopulationCodec.encode(state, 9, 1790000000000L, null);

    assertThat(signed[5]).isEqualTo((byte) 2);
    PopulationCodec.Published published = PopulationCodec.decodePublished(signed, KEY);
    assertThat(published.version()).isEqualTo(9);
    assertThat(published.createdAtMillis()).isEqualTo(1790000000000L);
    assertThat(PopulationCodec.encode(published.state())).isEqualTo(PopulationCodec.encode(state));
    assertThat(PopulationCodec.encode(PopulationCodec.decode(unsigned)))
        .isEqualTo(PopulationCodec.encode(PopulationCodec.decode(signed)));

    PopulationCodec.Served served = PopulationCodec.decodeServed(signed, KEY);
    assertThat(served.version()).isEqualTo(9);
    assertThat(served.served().member()).isEqualTo(population.leader());
    assertThat(served.served().standings()).isEqualTo(population.standings());
    assertThat(served.switches()).isEqualTo(population.switches());
    assertThat(served.replacements()).isEqualTo(population.replacements());
    assertThat(SnapshotCodec.encode(served.served().model(), 0))
        .isEqualTo(SnapshotCodec.encode(state.leaderState().model().withVersion(9), 0));
    assertThat(Snapshots.served(signed, KEY).state().version()).isEqualTo(9);
  }

  @Test
  void version2_withAKey_refusesUnsignedAndForged() {
    Datasets.Dataset wine = Datasets.load("wine");
    PopulationState state = trained(wine, 40).state();
    byte[] unsigned = PopulationCodec.encode(state, 1, 0, null);
    byte[] other =
        PopulationCodec.encode(
            state,
            1,
            0,
            SigningKey.of(
                new byte[] {
                  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32
                }));

    assertThatThrownBy(() -> PopulationCodec.decodeServed(unsigned, KEY))
        .isInstanceOfSatisfying(
            SnapshotException.class,
            e -> assertThat(e.kind()).isEqualTo(SnapshotException.Kind.UNSIGNED));
    assertThatThrownBy(() -> PopulationCodec.decodeServed(other, KEY))
        .isInstanceOfSatisfying(
            SnapshotException.class,
            e -> assertThat(e.kind()).isEqualTo(SnapshotException.Kind.BAD_SIGNATURE));
    assertThat(PopulationCodec.decodeServed(other, null).version()).isEqualTo(1);
  }

  @Test
  void version1_stillDecodes_atVersion0() {
    Datasets.Dataset wine = Datasets.load("wine");
    PopulationState state = trained(wine, 60).state();
    byte[] v1 = PopulationCodec.encode(state);

    assertThat(v1[5]).isEqualTo((byte) 1);
    assertThat(PopulationCodec.decodePublished(v1, null).version()).isZero();
    assertThat(PopulationCodec.decodeServed(v1, null).served().member()).isEqualTo(state.leader());
  }

  @Test
  void driftState_roundTripsUnderFlagBit3_mid_relearning_andOnIdenticalToUninterrupted() {
    Datasets.Dataset digits = Datasets.load("digits");
    PopulationLearner a =
        PopulationLearner.create(
            SpecJson.parse("{\"inputs\": 64, \"classes\": 10, \"hidden\": [32]}"),
            FAST,
            DriftPlan.standard());
    PopulationLearner b =
        PopulationLearner.restore(a.state()); // the same population, fed the same below
    for (PopulationLearner p : List.of(a, b)) {
      for (int i = 0; i < 950; i++) {
        float y = i >= 900 ? (digits.labels()[i] + 1) % 10 : digits.labels()[i];
        p.learn(digits.features()[i], new float[] {y});
      }
    }
    assertThat(a.alarms()).isEqualTo(1);
    byte[] bytes = PopulationCodec.encode(b.state(), 3, 0, null);
    assertThat(bytes[7] & 8).isEqualTo(8);
    assertThat(bytes[7] & 0x20).as("relabelling part, flag bit 5").isEqualTo(0x20);
    PopulationState decoded = PopulationCodec.decode(bytes);
    DriftState expected = a.state().drift();
    assertThat(expected.relabel()).as("a relabelling is counting at 950").isNotNull();
    assertThat(expected.relabel().counted()).isBetween(1L, 79L);
    assertThat(decoded.drift())
        .usingRecursiveComparison()
        .ignoringFields("relabel")
        .isEqualTo(expected);
    assertThat(decoded.drift().relabel().counts()).isEqualTo(expected.relabel().counts());
    assertThat(decoded.drift().relabel().errorBefore()).isEqualTo(expected.relabel().errorBefore());
    assertThat(SnapshotCodec.encode(decoded.drift().relabel().copy(), 0))
        .isEqualTo(SnapshotCodec.encode(expected.relabel().copy(), 0));
    assertThat(PopulationCodec.encode(decoded, 3, 0, null)).isEqualTo(bytes);
    assertThat(PopulationCodec.decodeServed(bytes, null).served().member()).isEqualTo(a.leader());
    assertThat(PopulationCodec.decodeServed(bytes, null).alarms()).isEqualTo(1);

    PopulationLearner resumed = PopulationLearner.restore(decoded);
    for (int i = 950; i < 1797; i++) {
      float y = (digits.labels()[i] + 1) % 10;
      a.learn(digits.features()[i], new float[] {y});
      resumed.learn(digits.features()[i], new float[] {y});
    }
    assertThat(PopulationCodec.encode(resumed.state()))
        .isEqualTo(PopulationCodec.encode(a.state()));
  }

  @Test
  void driftPlanWithoutRelabelling_writesTheDriftSectionAsBefore_andDecodesWithout() {
    Datasets.Dataset wine = Datasets.load("wine");
    DriftPlan s = DriftPlan.standard();
    DriftPlan old = s.withRelabelPerClass(0);
    byte[] bytes = PopulationCodec.encode(trained(wine, 60, old).state(), 1, 0, null);
    byte[] relabelling = PopulationCodec.encode(trained(wine, 60).state(), 1, 0, null);

    assertThat(bytes[7] & 0x28).isEqualTo(8);
    assertThat(relabelling.length - bytes.length).isEqualTo(4 + 1);
    PopulationState decoded = PopulationCodec.decode(bytes);
    assertThat(decoded.drift().plan()).isEqualTo(old);
    assertThat(decoded.drift().plan().relabels()).isFalse();
    assertThat(PopulationCodec.decode(relabelling).drift().plan()).isEqualTo(s);
  }

  @Test
  void populationWithoutDrift_writesNoDriftSection_andDecodesWithoutOne() {
    Datasets.Dataset wine = Datasets.load("wine");
    PopulationState old = trained(wine, 60, null).state();
    byte[] bytes = PopulationCodec.encode(old, 1, 0, null);
    byte[] withDrift = PopulationCodec.encode(trained(wine, 60).state(), 1, 0, null);

    assertThat(bytes[7] & 8).isZero();
    // the detector (4 + 13 × 8), then the relabelling part: per class, none in progress
    assertThat(withDrift.length - bytes.length).isEqualTo(4 + 13 * 8 + 4 + 1);
    PopulationState decoded = PopulationCodec.decode(bytes);
    assertThat(decoded.drift()).isNull();
    assertThat(PopulationLearner.restore(decoded).alarms()).isZero();
    assertThat(PopulationCodec.decodeServed(bytes, null).examples()).isEqualTo(60);
  }
}
