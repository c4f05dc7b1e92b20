package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.learn.state.ModelState;
import io.streamprop.learn.state.NamedArrays;
import io.streamprop.spec.SpecJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The snapshot rules of a raw-features state (format 3): embedding tables, the pending bags and the
 * per-column input counts, checked by shape, value and consistency; a spec of numbers has none.
 */
class RawStateRulesTest {
  private static ModelState state;

  @BeforeAll
  static void trained() throws Exception {
    state = RawSnapshotFixture.trained(); // two examples pending
  }

  /** The state's arrays with one change, checked against its spec. */
  private static void check(
      Consumer<Map<String, float[]>> floats, Consumer<Map<String, double[]>> doubles) {
    NamedArrays arrays = StateCodec.toArrays(state);
    Map<String, float[]> f = new LinkedHashMap<>();
    arrays.floats().forEach((k, v) -> f.put(k, v.clone()));
    Map<String, double[]> d = new LinkedHashMap<>();
    arrays.doubles().forEach((k, v) -> d.put(k, v.clone()));
    floats.accept(f);
    doubles.accept(d);
    StateRules.check(state.spec(), state.counters(), new NamedArrays(f, d, arrays.longs()));
  }

  private static void floats(Consumer<Map<String, float[]>> change) {
    check(change, d -> {});
  }

  @Test
  void rawState_roundTrips_asFormatThree_withItsNames() {
    byte[] bytes = SnapshotCodec.encode(state, 0);
    ModelState decoded = SnapshotCodec.decode(bytes);

    assertThat(bytes[5]).isEqualTo((byte) 3);
    assertThat(SnapshotCodec.encode(decoded, 0)).isEqualTo(bytes);
    assertThat(StateCodec.toArrays(state).floats().keySet())
        .contains(
            "embedding.0.weight",
            "embedding.1.weight",
            "optim.4.m",
            "optim.5.v",
            "pending.ids.0",
            "pending.offsets.1");
    assertThat(StateCodec.toArrays(state).doubles()).containsKey("norm.counts");
    assertThat(decoded.training().pending().ids()[1])
        .containsExactly(state.training().pending().ids()[1]);
    check(f -> {}, d -> {}); // the unchanged arrays pass
  }

  @Test
  void badTables_refused() {
    assertThatThrownBy(() -> floats(f -> f.put("embedding.0.weight", new float[15])))
        .hasMessageContaining("embedding.0.weight: expected 16 values for the spec, got 15");
    assertThatThrownBy(() -> floats(f -> f.get("embedding.1.weight")[3] = Float.NaN))
        .hasMessageContaining("embedding.1.weight[3] is NaN; a model is finite");
    assertThatThrownBy(() -> floats(f -> f.put("embedding.2.weight", new float[16])))
        .hasMessageContaining("the spec has 2 embedding tables (0..1)");
    assertThatThrownBy(() -> floats(f -> f.remove("embedding.0.weight")))
        .hasMessageContaining("array embedding.0.weight is missing");
    assertThatThrownBy(() -> floats(f -> f.remove("optim.5.m")))
        .hasMessageContaining("optim.5.m is missing");
  }

  @Test
  void badPendingBags_refused() {
    assertThatThrownBy(() -> floats(f -> f.get("pending.ids.0")[0] = 8))
        .hasMessageContaining("pending.ids.0[0] is 8.0; expected a whole number in [0, 8)");
    assertThatThrownBy(() -> floats(f -> f.get("pending.ids.1")[1] = 1.5f))
        .hasMessageContaining("pending.ids.1[1] is 1.5");
    assertThatThrownBy(() -> floats(f -> f.put("pending.offsets.0", new float[] {0, 2, 1})))
        .hasMessageContaining("pending.offsets.0: bag boundaries decrease at row 1");
    assertThatThrownBy(() -> floats(f -> f.put("pending.offsets.0", new float[] {0, 1, 1})))
        .hasMessageContaining("the bags end at 1.0, but pending.ids.0 holds 2 ids");
    assertThatThrownBy(() -> floats(f -> f.put("pending.offsets.0", new float[] {0, 2})))
        .hasMessageContaining("expected pending.count + 1 = 3 bag boundaries from 0, got 2");
    assertThatThrownBy(() -> floats(f -> f.remove("pending.ids.1")))
        .hasMessageContaining("array pending.ids.1 is missing");
  }

  /** Titanic's dense row is [age, age missing]: NaN may stand for a missing age only. */
  @Test
  void pendingNaN_onlyInANumericValueColumn() {
    floats(f -> f.get("pending.features")[2] = Float.NaN); // row 1's age: missing
    assertThatThrownBy(() -> floats(f -> f.get("pending.features")[3] = Float.NaN))
        .hasMessageContaining(
            "pending.features[3] is NaN; only a numeric value column may hold NaN (missing)");
    assertThatThrownBy(() -> floats(f -> f.get("pending.features")[0] = Float.POSITIVE_INFINITY))
        .hasMessageContaining("pending.features[0] is Infinity");
  }

  @Test
  void badColumnCounts_refused() {
    assertThatThrownBy(() -> check(f -> {}, d -> d.put("norm.counts", new double[] {31})))
        .hasMessageContaining(
            "norm.counts[0] is 31.0; a count is a whole number in [0, norm.count = 30.0]");
    assertThatThrownBy(() -> check(f -> {}, d -> d.put("norm.counts", new double[] {2.5})))
        .hasMessageContaining("norm.counts[0] is 2.5");
    assertThatThrownBy(() -> check(f -> {}, d -> d.remove("norm.counts")))
        .hasMessageContaining("array norm.counts is missing");
    assertThatThrownBy(() -> check(f -> {}, d -> d.put("norm.mean", new double[3])))
        .hasMessageContaining("norm.mean: expected 1 values for the spec, got 3");
  }

  @Test
  void rawArrays_onASpecOfNumbers_refused() {
    ModelState numbers =
        SnapshotFixtures.state(SpecJson.parse("{\"inputs\": 2, \"classes\": 2}"), 1, 1);
    NamedArrays arrays = StateCodec.toArrays(numbers);
    Map<String, float[]> f = new LinkedHashMap<>(arrays.floats());
    f.put("embedding.0.weight", new float[4]);
    Map<String, double[]> d = new LinkedHashMap<>(arrays.doubles());
    d.put("norm.counts", new double[2]);

    assertThatThrownBy(
            () ->
                StateRules.check(
                    numbers.spec(),
                    numbers.counters(),
                    new NamedArrays(f, arrays.doubles(), arrays.longs())))
        .hasMessageContaining("embedding.0.weight: the spec has no embedding tables");
    assertThatThrownBy(
            () ->
                StateRules.check(
                    numbers.spec(),
                    numbers.counters(),
                    new NamedArrays(arrays.floats(), d, arrays.longs())))
        .hasMessageContaining("norm.counts: per-column counts need a spec with raw features");
  }
}
