package io.streamprop.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.streamprop.testing.FuzzBounds;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Property-based fuzzing (jqwik) of {@link SpecJson#parse}: arbitrary text and bytes, and mutations
 * of valid specs, give a spec that writes and re-parses to itself, or a {@link SpecException};
 * nothing else, with CPU time bounded by the input's size, and never hanging ({@link FuzzBounds}).
 */
class SpecJsonFuzzTest {
  private static final String[] SPECS = {
    "{\"inputs\": 4, \"classes\": 3}",
    "{\"inputs\": 10, \"task\": \"regression\", \"targets\": 2, \"hidden\": [8, 4],"
        + " \"activation\": \"gelu\", \"loss\": \"huber\", \"huber_delta\": 0.5}",
    "{\"feature_names\": [\"a\", \"b\"], \"classes\": 2, \"loss\": \"binary_cross_entropy\","
        + " \"optimizer\": {\"name\": \"adamw\", \"learning_rate\": 0.01, \"weight_decay\": 0.1},"
        + " \"schedule\": {\"name\": \"step\", \"decay_steps\": 100, \"decay_rate\": 0.5},"
        + " \"batch_norm\": true, \"dropout\": 0.2, \"snapshot\": {\"every_examples\": 10}}",
    "{\"features\": [{\"name\": \"a\", \"kind\": \"numeric\"}, {\"name\": \"c\", \"kind\":"
        + " \"categorical\", \"buckets\": 50, \"embedding_dim\": 4}, {\"name\": \"q\", \"kind\":"
        + " \"tokens\", \"bigrams\": true, \"max_tokens\": 9}], \"closed_schema\": true,"
        + " \"hash_seed\": 7, \"classes\": 2}",
    "{\"features\": {\"a\": \"boolean\", \"b\": {\"kind\": \"categorical\", \"buckets\": 3}},"
        + " \"task\": \"regression\"}",
    "{\"inputs\": 3, \"classes\": 2, \"learner\": \"single\", \"input_transform\": \"symlog\"}",
    "{\"inputs\": 3, \"targets\": 1, \"input_transform\": \"none\"}",
  };

  private static void parseBounded(int inputBytes, Runnable parse) {
    FuzzBounds.run(
        inputBytes,
        () -> {
          try {
            parse.run();
          } catch (SpecException e) {
            assertThat(e.getMessage()).isNotBlank();
          } catch (RuntimeException e) {
            fail("undocumented " + e, e);
          }
        });
  }

  private static void roundTrips(ModelSpec spec) {
    assertThat(SpecJson.parse(SpecJson.write(spec))).isEqualTo(spec);
  }

  @Property(tries = 2000)
  void arbitraryText_parse_onlySpecException(@ForAll @Size(max = 200) String text) {
    parseBounded(
        text.getBytes(StandardCharsets.UTF_8).length, () -> roundTrips(SpecJson.parse(text)));
  }

  @Property(tries = 2000)
  void arbitraryBytes_parse_onlySpecException(@ForAll @Size(max = 200) byte[] bytes) {
    parseBounded(bytes.length, () -> roundTrips(SpecJson.parse(bytes)));
  }

  @Property(tries = 2000)
  void mutatedSpecs_parse_roundTripOrSpecException(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] bytes = SPECS[random.nextInt(SPECS.length)].getBytes(StandardCharsets.UTF_8);
    byte[] tokens = "{}[]:,\"0123456789.eE+-ntrufalsNI\\ ".getBytes(StandardCharsets.US_ASCII);
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(bytes.length);
      bytes[at] =
          random.nextBoolean() ? tokens[random.nextInt(tokens.length)] : (byte) random.nextInt(256);
    }
    byte[] mutated = bytes;
    parseBounded(mutated.length, () -> roundTrips(SpecJson.parse(mutated)));
  }

  @Property(tries = 100)
  void hugeHiddenList_parse_refusedQuickly(@ForAll("sizes") int size) {
    String json = "{\"inputs\": 4, \"classes\": 3, \"hidden\": [" + "100000,".repeat(size) + "1]}";
    parseBounded(json.getBytes(StandardCharsets.UTF_8).length, () -> SpecJson.parse(json));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Integer> sizes() {
    return net.jqwik.api.Arbitraries.integers().between(1, 200_000);
  }
}
