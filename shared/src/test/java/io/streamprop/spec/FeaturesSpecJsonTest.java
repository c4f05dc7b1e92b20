package io.streamprop.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamprop.features.FeatureKind;
import io.streamprop.features.FeatureSchema;
import io.streamprop.features.FeatureSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The raw-feature keys of a spec: {@code features}, {@code closed_schema}, {@code hash_seed}. */
class FeaturesSpecJsonTest {
  private static final String MIXED =
      "{\"features\": [{\"name\": \"amount\", \"kind\": \"numeric\"},"
          + " {\"name\": \"country\", \"kind\": \"categorical\"},"
          + " {\"name\": \"is_new\", \"kind\": \"boolean\"},"
          + " {\"name\": \"device\", \"kind\": \"categorical\", \"buckets\": 6},"
          + " {\"name\": \"query\", \"kind\": \"tokens\", \"bigrams\": true, \"max_tokens\": 32}],"
          + " \"classes\": 2}";

  @Test
  void mixedFeatures_parsedWithDefaults_inputsDerived() {
    ModelSpec spec = SpecJson.parse(MIXED);

    FeatureSchema schema = spec.features();
    assertThat(spec.hasFeatures()).isTrue();
    assertThat(schema.features())
        .containsExactly(
            FeatureSpec.numeric("amount"),
            FeatureSpec.categorical("country"),
            FeatureSpec.bool("is_new"),
            FeatureSpec.categorical("device").withBuckets(6),
            FeatureSpec.tokens("query").withBigrams(true).withMaxTokens(32));
    assertThat(schema.closedSchema()).isFalse();
    assertThat(schema.hashSeed()).isZero();
    // dense: amount, amount?, is_new, is_new?, device one-hot 6; embeddings: country 8, query 16
    assertThat(spec.inputs()).isEqualTo(2 + 2 + 6 + 8 + 16);
    assertThat(spec.featureNames()).isEmpty();
    assertThat(SpecLimits.parameterCount(spec))
        .isEqualTo(34L * 64 + 64 + 64 * 2 + 2 + 1024 * 8 + 4096 * 16);
  }

  @Test
  void features_roundTrip_writtenAsTheFullList() {
    ModelSpec spec =
        SpecJson.parse(
            MIXED.replace(
                "\"classes\": 2",
                "\"classes\": 2, \"closed_schema\": true, \"hash_seed\": 4294967295"));

    String written = SpecJson.write(spec);

    assertThat(SpecJson.parse(written)).isEqualTo(spec);
    assertThat(SpecJson.parse(SpecJson.writePretty(spec))).isEqualTo(spec);
    assertThat(written)
        .contains(
            "\"feature_names\":[],\"features\":[{\"name\":\"amount\",\"kind\":\"numeric\"},"
                + "{\"name\":\"country\",\"kind\":\"categorical\",\"buckets\":1024,"
                + "\"embedding_dim\":8,\"max_length\":1024},")
        .contains(
            "{\"name\":\"query\",\"kind\":\"tokens\",\"buckets\":4096,\"embedding_dim\":16,"
                + "\"bigrams\":true,\"max_tokens\":32,\"max_length\":8192}],"
                + "\"closed_schema\":true,\"hash_seed\":4294967295,\"classes\":2");
  }

  @Test
  void objectForm_sameAsListForm() {
    ModelSpec fromObject =
        SpecJson.parse(
            "{\"features\": {\"amount\": \"numeric\", \"country\": \"categorical\", \"is_new\":"
                + " \"boolean\", \"device\": {\"kind\": \"categorical\", \"buckets\": 6},"
                + " \"query\": {\"kind\": \"tokens\", \"bigrams\": true, \"max_tokens\": 32}},"
                + " \"classes\": 2}");

    assertThat(fromObject).isEqualTo(SpecJson.parse(MIXED));
  }

  @Test
  void oldNumericSpec_unchanged_noFeatureKeysWritten() {
    ModelSpec spec = SpecJson.parse("{\"inputs\": 4, \"classes\": 3}");

    assertThat(spec.features()).isNull();
    assertThat(spec.hasFeatures()).isFalse();
    assertThat(SpecJson.write(spec))
        .doesNotContain("features\"")
        .doesNotContain("closed_schema")
        .doesNotContain("hash_seed")
        .startsWith(
            "{\"task\":\"classification\",\"inputs\":4,\"feature_names\":[],\"classes\":3,");
  }

  @Test
  void inputsGiven_mustAgree() {
    assertThat(SpecJson.parse(MIXED.replace("{\"features\"", "{\"inputs\": 34, \"features\"")))
        .isEqualTo(SpecJson.parse(MIXED));
    assertThatThrownBy(
            () -> SpecJson.parse(MIXED.replace("{\"features\"", "{\"inputs\": 5, \"features\"")))
        .isInstanceOf(SpecException.class)
        .hasMessage(
            "inputs: must agree with \"features\", which make 34 network inputs (10 dense + 24"
                + " embedding outputs); leave it out, got 5");
  }

  @Test
  void errors_nameTheJsonPathAndValue() {
    assertError(
        "{\"features\": [{\"name\": \"a\", \"kind\": \"text\"}], \"classes\": 2}",
        "features[0].kind",
        "text");
    assertError(
        "{\"features\": [{\"name\": \"a\", \"kind\": \"numeric\", \"buckets\": 8}], \"classes\": 2}",
        "features[0]",
        "takes no buckets");
    assertError(
        "{\"features\": [{\"name\": \"a\", \"kind\": \"categorical\", \"buckets\": 1}], \"classes\": 2}",
        "features[0].buckets",
        "got 1");
    assertError(
        "{\"features\": [{\"name\": \"a\", \"kind\": \"categorical\", \"bigrams\": true}], \"classes\": 2}",
        "features[0].bigrams",
        "tokens features only");
    assertError(
        "{\"features\": [{\"name\": \"a\", \"kind\": \"tokens\", \"max_tokens\": 0}], \"classes\": 2}",
        "features[0].max_tokens",
        "got 0");
    assertError(
        "{\"features\": [{\"name\": \"a\", \"kind\": \"tokens\", \"bucket\": 9}], \"classes\": 2}",
        "features[0].bucket",
        "unknown key");
    assertError(
        "{\"features\": [{\"name\": \"a\", \"kind\": \"numeric\"}, {\"name\": \"a\", \"kind\":"
            + " \"boolean\"}], \"classes\": 2}",
        "features[1].name",
        "duplicate name \"a\"");
    assertError("{\"features\": [], \"classes\": 2}", "features", "got 0");
    assertError("{\"features\": 3, \"classes\": 2}", "features", "got 3");
    assertError("{\"features\": {\"a\": 3}, \"classes\": 2}", "features.a", "got 3");
    assertError(
        "{\"features\": {\"a\": {\"kind\": \"numeric\", \"name\": \"b\"}}, \"classes\": 2}",
        "features.a.name",
        "unknown key");
    assertError("{\"inputs\": 3, \"hash_seed\": 1, \"classes\": 2}", "hash_seed", "only for specs");
    assertError(
        "{\"inputs\": 3, \"closed_schema\": true, \"classes\": 2}", "closed_schema", "only for");
    assertError(
        "{\"features\": {\"a\": \"numeric\"}, \"hash_seed\": -1, \"classes\": 2}",
        "hash_seed",
        "got -1");
    assertError(
        "{\"features\": {\"a\": \"numeric\"}, \"closed_schema\": 1, \"classes\": 2}",
        "closed_schema",
        "got 1");
    assertError(
        "{\"features\": {\"a\": \"numeric\"}, \"feature_names\": [\"a\", \"b\"], \"classes\": 2}",
        "feature_names",
        "must be empty");
  }

  @Test
  void hugeEmbeddings_refusedBySizeLimit() {
    assertError(
        "{\"features\": [{\"name\": \"a\", \"kind\": \"categorical\", \"buckets\": 16777216,"
            + " \"embedding_dim\": 1024}], \"classes\": 2}",
        "hidden",
        "parameters");
  }

  @Test
  void codeBuiltSpec_sameValidation() {
    FeatureSchema schema =
        new FeatureSchema(List.of(FeatureSpec.of("a", FeatureKind.CATEGORICAL)), false, 0);
    ModelSpec parsed = SpecJson.parse("{\"features\": {\"a\": \"categorical\"}, \"classes\": 2}");
    assertThat(parsed.features()).isEqualTo(schema);
    assertThatThrownBy(() -> new FeatureSchema(List.of(FeatureSpec.numeric(" ")), false, 0))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("features[0].name:");
  }

  private static void assertError(String json, String field, String valuePart) {
    assertThatThrownBy(() -> SpecJson.parse(json))
        .isInstanceOfSatisfying(
            SpecException.class,
            e -> {
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.getMessage()).contains(valuePart);
            });
  }
}
