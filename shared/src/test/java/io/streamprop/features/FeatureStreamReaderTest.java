package io.streamprop.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The streaming reader against the tree path it stands in for: whatever it accepts, the tree path
 * accepts with the same row, bit for bit; what it declines, the tree path reads (or refuses) in its
 * place. And it does accept the everyday forms, or it would be no faster.
 */
class FeatureStreamReaderTest {
  /** As {@code ExampleParser} creates its parsers. */
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  /** As {@code RawFeatureReader} reads the tree. */
  private static final ObjectReader TREE =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .build()
          .reader();

  private static final FeatureSchema SCHEMA =
      new FeatureSchema(
          List.of(
              FeatureSpec.numeric("n"),
              FeatureSpec.numeric("m"),
              FeatureSpec.bool("b"),
              FeatureSpec.categorical("c").withMaxLength(12),
              FeatureSpec.categorical("tiny").withBuckets(3),
              FeatureSpec.tokens("t").withBigrams(true).withMaxTokens(6).withMaxLength(60),
              FeatureSpec.tokens("small").withBuckets(5).withEmbeddingDim(8)),
          false,
          7);
  private static final FeatureSchema CLOSED =
      new FeatureSchema(SCHEMA.features(), true, SCHEMA.hashSeed());

  /** The streamed row, or null when declined. */
  private static FeatureRow streamed(FeatureSchema schema, String json) {
    FeaturizedBatch batch = new Featurizer(schema).newBatch(1);
    FeatureStreamReader reader = new FeatureStreamReader(new Featurizer(schema));
    try (JsonParser p = FACTORY.createParser(json.getBytes(StandardCharsets.UTF_8))) {
      p.nextToken();
      if (!reader.add(p, batch)) {
        assertThat(batch.size()).as("a declined event leaves no row").isZero();
        return null;
      }
    } catch (IOException e) {
      return null; // unreadable JSON: the tree path reports it
    }
    assertThat(batch.size()).isEqualTo(1);
    return FeatureRow.of(batch, 0);
  }

  /** The tree path's row, or null when it refuses the event. */
  private static FeatureRow tree(FeatureSchema schema, String json) {
    Featurizer featurizer = new Featurizer(schema);
    FeaturizedBatch batch = featurizer.newBatch(1);
    try (JsonParser p = FACTORY.createParser(json.getBytes(StandardCharsets.UTF_8))) {
      JsonNode node = TREE.readTree(p);
      featurizer.add(node, batch);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return FeatureRow.of(batch, 0);
  }

  private static void assertSameRow(FeatureRow a, FeatureRow b, String json) {
    assertThat(b).as("the tree accepts what was streamed: %s", json).isNotNull();
    int[] bitsA = new int[a.dense().length];
    int[] bitsB = new int[b.dense().length];
    for (int i = 0; i < bitsA.length; i++) {
      bitsA[i] = Float.floatToRawIntBits(a.dense()[i]);
      bitsB[i] = Float.floatToRawIntBits(b.dense()[i]);
    }
    assertThat(bitsA).as("dense bits of %s", json).isEqualTo(bitsB);
    assertThat(a.ids()).as("ids of %s", json).isDeepEqualTo(b.ids());
  }

  /** Streams {@code json}, expects it accepted, and compares with the tree. */
  private static void accepted(FeatureSchema schema, String json) {
    FeatureRow row = streamed(schema, json);
    assertThat(row).as("streamed: %s", json).isNotNull();
    assertSameRow(row, tree(schema, json), json);
  }

  private static void declined(FeatureSchema schema, String json) {
    assertThat(streamed(schema, json)).as("declined: %s", json).isNull();
  }

  @Test
  void everydayEvent_isStreamed_asTheTreeReadsIt() {
    accepted(
        SCHEMA,
        "{\"n\": 12.5, \"m\": -3, \"b\": true, \"c\": \"ID\", \"tiny\": \"x\","
            + " \"t\": \"Red running SHOES, red!\", \"small\": \"a b\"}");
  }

  @Test
  void keysInAnyOrder_giveTheSameRow() {
    String[] fields = {
      "\"n\": 0.1",
      "\"m\": 1e3",
      "\"b\": \"yes\"",
      "\"c\": 42",
      "\"tiny\": false",
      "\"t\": \"one two three\"",
      "\"small\": \"\"",
      "\"other\": \"kept out\""
    };
    List<String> order = new ArrayList<>(List.of(fields));
    FeatureRow first = null;
    for (int k = 0; k < 6; k++) {
      Collections.shuffle(order, new java.util.Random(k));
      String json = "{" + String.join(", ", order) + "}";
      FeatureRow row = streamed(SCHEMA, json);
      assertSameRow(row, tree(SCHEMA, json), json);
      if (first != null) {
        assertSameRow(row, first, json);
      }
      first = row;
    }
  }

  @Test
  void nullsEmptyStringsAndAbsentKeys_areMissing_asInTheTree() {
    accepted(SCHEMA, "{}");
    accepted(SCHEMA, "{\"n\": null, \"b\": null, \"c\": null, \"t\": null}");
    accepted(SCHEMA, "{\"n\": \"\", \"b\": \"\", \"c\": \"\", \"t\": \"\", \"small\": \"\"}");
  }

  @Test
  void numbers_roundOnceToTheTreesFloat_andDecimalZeroIsPositive() {
    for (String n :
        new String[] {
          "0",
          "-0",
          "0.0",
          "-0.0",
          "-0.000",
          "1",
          "-17",
          "2147483648",
          "-9223372036854775808",
          "0.1",
          "3.4028235e38",
          "1.17549435E-38",
          "1e-45",
          "-8e-46",
          "1.0000000596046448",
          "123456789.123456789",
          "-2.5E+3"
        }) {
      accepted(SCHEMA, "{\"n\": " + n + "}");
    }
  }

  @Test
  void whatTheTreeReadsDifferently_orRefuses_isDeclined() {
    declined(SCHEMA, "{\"n\": 1, \"n\": 2}"); // a name given twice
    declined(SCHEMA, "{\"n\": null, \"n\": 2}");
    declined(SCHEMA, "{\"x\": 1, \"x\": 2}"); // twice, outside the schema
    declined(SCHEMA, "{\"x\": {\"a\": 1, \"a\": 2}}"); // nested: the tree looks inside
    declined(SCHEMA, "{\"c\": {\"a\": 1}}");
    declined(SCHEMA, "{\"t\": [\"a\", \"b\"]}"); // tokens as a list: the tree's way
    declined(SCHEMA, "{\"n\": \"12.5\"}"); // a number as a string, for a numeric
    declined(SCHEMA, "{\"t\": 3}");
    declined(SCHEMA, "{\"b\": \"maybe\"}");
    declined(SCHEMA, "{\"b\": 2}");
    declined(SCHEMA, "{\"b\": 1.0}");
    declined(SCHEMA, "{\"c\": 2.50}"); // a categorical decimal: "2.5" in the tree
    declined(SCHEMA, "{\"c\": 123456789012345678901}");
    declined(SCHEMA, "{\"c\": \"thirteen chars\"}"); // over max_length 12
    declined(SCHEMA, "{\"n\": 1e39}"); // not finite as a float32
    declined(SCHEMA, "{\"n\": NaN}");
    declined(SCHEMA, "{\"n\": 0e5}"); // zeros with an exponent
    declined(SCHEMA, "{\"n\": -1e-50}");
    declined(SCHEMA, "{\"t\": \"a b c d e f g\"}"); // too many tokens: the featurizer's error
    declined(CLOSED, "{\"n\": 1, \"x\": 2}"); // outside a closed schema
    declined(SCHEMA, "{\"n\": 1,}"); // not JSON
  }

  @Test
  void numbersGivenForCategoriesAndBooleans_readAsTheTreeReadsThem() {
    accepted(SCHEMA, "{\"c\": 42, \"tiny\": -7, \"b\": 1}");
    accepted(SCHEMA, "{\"c\": \"42\", \"tiny\": true, \"b\": 0}");
    accepted(SCHEMA, "{\"c\": 900719925474, \"b\": \"NO\"}");
  }

  private static final String[] NAMES = {"n", "m", "b", "c", "tiny", "t", "small", "x", "y"};
  private static final String[] VALUES = {
    "null",
    "\"\"",
    "true",
    "false",
    "0",
    "-0",
    "1",
    "2",
    "-0.0",
    "0.0",
    "0e3",
    "-1e-50",
    "1e-45",
    "2.50",
    "12.5",
    "-3.25e2",
    "1e39",
    "NaN",
    "9223372036854775808",
    "\"12\"",
    "\"yes\"",
    "\"No\"",
    "\"ID\"",
    "\"Red shoes\"",
    "\"a b c d e f g\"",
    "\"\u00e9t\u00e9 \u6771\u4eac\"",
    "\"much too long for c, surely\"",
    "[\"a\", \"B\"]",
    "[]",
    "{\"a\": 1}",
    "{}"
  };

  /** Random events of every form, names repeated at times: streamed rows equal the tree's. */
  @Property(tries = 2000)
  void anyEvent_streamedRowIsTheTreesRow(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder json = new StringBuilder("{");
    for (int k = r.nextInt(10); k > 0; k--) {
      json.append(json.length() > 1 ? ", " : "")
          .append('"')
          .append(NAMES[r.nextInt(NAMES.length)])
          .append("\": ")
          .append(VALUES[r.nextInt(VALUES.length)]);
    }
    String event = json.append('}').toString();
    for (FeatureSchema schema : new FeatureSchema[] {SCHEMA, CLOSED}) {
      FeatureRow row = streamed(schema, event);
      if (row != null) {
        assertSameRow(row, tree(schema, event), event);
      }
    }
  }

  /** Events of the everyday forms only, in any order, some missing: all streamed. */
  @Property(tries = 500)
  void everydayEvents_areAllStreamed(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> fields = new ArrayList<>();
    fields.add("\"n\": " + (r.nextBoolean() ? r.nextInt(-1000, 1000) : r.nextGaussian() * 100));
    fields.add("\"m\": " + (r.nextInt(10) == 0 ? "null" : r.nextDouble(-1, 1)));
    fields.add("\"b\": " + r.nextBoolean());
    fields.add("\"c\": \"v" + r.nextInt(1000) + "\"");
    fields.add("\"tiny\": " + (r.nextBoolean() ? "\"k" + r.nextInt(3) + "\"" : "null"));
    fields.add("\"t\": \"w" + r.nextInt(50) + " W" + r.nextInt(50) + ", w" + r.nextInt(9) + "\"");
    fields.add("\"other\": " + r.nextInt());
    Collections.shuffle(fields, new java.util.Random(seed));
    String event = "{" + String.join(", ", fields.subList(0, 4 + r.nextInt(4))) + "}";
    accepted(SCHEMA, event);
  }
}
