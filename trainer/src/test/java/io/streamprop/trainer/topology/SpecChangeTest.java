package io.streamprop.trainer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import org.junit.jupiter.api.Test;

/** What a change of a raw-features spec does to a live model. */
class SpecChangeTest {
  private static final String RAW =
      "{\"features\": [{\"name\": \"amount\", \"kind\": \"numeric\"},"
          + " {\"name\": \"country\", \"kind\": \"categorical\", \"buckets\": 64}],"
          + " \"classes\": 2, \"closed_schema\": false, \"hash_seed\": 0}";

  private static SpecChange change(String updated) {
    return SpecChange.between(SpecJson.parse(RAW), SpecJson.parse(updated));
  }

  @Test
  void sameRawSpec_none() {
    assertThat(change(RAW)).isEqualTo(SpecChange.NONE);
  }

  @Test
  void closingTheSchema_inPlace_theInputsOfEveryAcceptedEventAreUnchanged() {
    assertThat(change(RAW.replace("\"closed_schema\": false", "\"closed_schema\": true")))
        .isEqualTo(SpecChange.IN_PLACE);
  }

  @Test
  void otherBucketsOrHashSeed_restart_evenWhereTheInputWidthStaysTheSame() {
    ModelSpec more = SpecJson.parse(RAW.replace("64", "128"));
    assertThat(more.inputs()).isEqualTo(SpecJson.parse(RAW).inputs());
    assertThat(change(RAW.replace("64", "128"))).isEqualTo(SpecChange.RESTART);
    assertThat(change(RAW.replace("\"hash_seed\": 0", "\"hash_seed\": 1")))
        .isEqualTo(SpecChange.RESTART);
  }

  @Test
  void rawFeaturesInsteadOfAVectorOfTheSameWidth_restart() {
    ModelSpec raw = SpecJson.parse(RAW);
    ModelSpec vector = SpecJson.parse("{\"inputs\": " + raw.inputs() + ", \"classes\": 2}");
    assertThat(SpecChange.between(vector, raw)).isEqualTo(SpecChange.RESTART);
    assertThat(SpecChange.between(raw, vector)).isEqualTo(SpecChange.RESTART);
  }

  @Test
  void anotherInputTransform_restart_theStatisticsAndWeightsAreOfTheOldScale() {
    String single = "{\"inputs\": 3, \"classes\": 2, \"learner\": \"single\"";
    ModelSpec none = SpecJson.parse(single + "}");
    ModelSpec symlog = SpecJson.parse(single + ", \"input_transform\": \"symlog\"}");
    assertThat(SpecChange.between(none, symlog)).isEqualTo(SpecChange.RESTART);
    assertThat(SpecChange.between(symlog, none)).isEqualTo(SpecChange.RESTART);
    ModelSpec open = SpecJson.parse("{\"inputs\": 3, \"classes\": 2}");
    ModelSpec fixed =
        SpecJson.parse("{\"inputs\": 3, \"classes\": 2, \"input_transform\": \"none\"}");
    assertThat(SpecChange.between(open, fixed)).isEqualTo(SpecChange.RESTART);
  }
}
