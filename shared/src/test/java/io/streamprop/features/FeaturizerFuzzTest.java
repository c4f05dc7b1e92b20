package io.streamprop.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamprop.wire.ExampleException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Property-based test (jqwik): on arbitrary JSON objects and CSV rows, featurizing either fills a
 * valid row (finite values except NaN in numeric value columns, ids within their buckets) or throws
 * {@link ExampleException} and leaves the batch as it was; never anything else.
 */
class FeaturizerFuzzTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final FeatureSchema SCHEMA =
      new FeatureSchema(
          List.of(
              FeatureSpec.numeric("n"),
              FeatureSpec.bool("b"),
              FeatureSpec.categorical("c").withMaxLength(20),
              FeatureSpec.categorical("tiny").withBuckets(3),
              FeatureSpec.tokens("t").withBigrams(true).withMaxTokens(6).withMaxLength(40),
              FeatureSpec.tokens("small").withBuckets(5).withEmbeddingDim(8)),
          false,
          3);
  private static final FeatureSchema CLOSED =
      new FeatureSchema(SCHEMA.features(), true, SCHEMA.hashSeed());
  private static final String[] NAMES = {"n", "b", "c", "tiny", "t", "small", "x", ""};
  private static final String ALPHABET = "aZ 0 1-.,eE\u00e9\u6771\ud83d\ude00\ud800+_yesNOtrue";

  private static String text(SplittableRandom r) {
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(r.nextInt(10) == 0 ? 60 : 8); i > 0; i--) {
      s.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }

  private static JsonNode value(SplittableRandom r, int depth) {
    return switch (r.nextInt(depth > 1 ? 9 : 11)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(r.nextBoolean());
      case 2 -> NODES.numberNode(r.nextInt(-3, 4));
      case 3 -> NODES.numberNode(r.nextDouble(-1e40, 1e40) * (r.nextBoolean() ? 1e-40 : 1));
      case 4 ->
          NODES.numberNode(
              new BigDecimal(r.nextInt(1000)).scaleByPowerOfTen(r.nextInt(-2000, 2000)));
      case 5 -> NODES.numberNode(BigInteger.TEN.pow(r.nextInt(60)));
      case 6, 7 -> NODES.textNode(text(r));
      case 8 -> NODES.numberNode(r.nextBoolean() ? Double.NaN : Double.POSITIVE_INFINITY);
      case 9 -> {
        ArrayNode a = NODES.arrayNode();
        for (int i = r.nextInt(9); i > 0; i--) {
          a.add(r.nextInt(4) == 0 ? value(r, depth + 1) : NODES.textNode(text(r)));
        }
        yield a;
      }
      default -> {
        ObjectNode o = NODES.objectNode();
        o.set(text(r), value(r, depth + 1));
        yield o;
      }
    };
  }

  private static void check(FeaturizedBatch batch, int sizeBefore, float[] denseBefore) {
    int w = batch.denseWidth();
    if (batch.size() == sizeBefore) {
      assertThat(java.util.Arrays.copyOf(batch.dense(), sizeBefore * w))
          .containsExactly(java.util.Arrays.copyOf(denseBefore, sizeBefore * w));
      return;
    }
    int r = batch.size() - 1;
    for (int j = 0; j < w; j++) {
      float v = batch.dense()[r * w + j];
      if (j == 0) {
        assertThat(Float.isFinite(v) || Float.isNaN(v)).isTrue();
      } else {
        assertThat(v).as("column %d", j).isBetween(0f, 1f);
      }
    }
    for (int e = 0; e < batch.embeddingCount(); e++) {
      int buckets = SCHEMA.layout().embeddings().get(e).buckets();
      int[] offsets = batch.offsets(e);
      assertThat(offsets[r + 1]).isGreaterThan(offsets[r]);
      for (int k = offsets[r]; k < offsets[r + 1]; k++) {
        assertThat(batch.ids(e)[k]).isBetween(0, buckets - 1);
      }
    }
  }

  @Property(tries = 3000)
  void arbitraryJsonObjects_validRowOrExampleException(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (FeatureSchema schema : List.of(SCHEMA, CLOSED)) {
      Featurizer f = new Featurizer(schema);
      FeaturizedBatch batch = f.newBatch(4);
      for (int event = 0; event < 4; event++) {
        ObjectNode o = NODES.objectNode();
        for (int i = r.nextInt(8); i > 0; i--) {
          o.set(NAMES[r.nextInt(NAMES.length)], value(r, 0));
        }
        JsonNode input = r.nextInt(20) == 0 ? value(r, 0) : o;
        int size = batch.size();
        float[] before = batch.dense().clone();
        try {
          f.add(input, batch);
        } catch (ExampleException e) {
          assertThat(e.getMessage()).isNotBlank();
        } catch (RuntimeException e) {
          fail("undocumented " + e + " for " + input, e);
        }
        check(batch, size, before);
      }
    }
  }

  @Property(tries = 3000)
  void arbitraryCsvRows_validRowOrExampleException(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Featurizer f = new Featurizer(r.nextBoolean() ? SCHEMA : CLOSED);
    FeaturizedBatch batch = f.newBatch(1);
    Map<String, String> cells = new HashMap<>();
    for (int i = r.nextInt(8); i > 0; i--) {
      cells.put(NAMES[r.nextInt(NAMES.length)], text(r));
    }
    float[] before = batch.dense().clone();
    try {
      f.add(cells, batch);
    } catch (ExampleException e) {
      assertThat(e.getMessage()).startsWith("features");
    } catch (RuntimeException e) {
      fail("undocumented " + e + " for " + cells, e);
    }
    check(batch, 0, before);
  }
}
