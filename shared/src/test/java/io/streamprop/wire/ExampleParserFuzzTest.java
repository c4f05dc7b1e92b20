package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Feeds the parser garbage and mutated examples: it must answer every input with an {@link Example}
 * that obeys the spec or with an {@link ExampleException}, never anything else.
 */
class ExampleParserFuzzTest {

  private static final ModelSpec NAMED =
      SpecJson.parse("{\"feature_names\": [\"a\", \"b\", \"c\"], \"classes\": 3}");
  private static final ModelSpec REGRESSION =
      SpecJson.parse("{\"inputs\": 3, \"task\": \"regression\", \"targets\": 2}");

  private static final String[] SEEDS = {
    "{\"features\": [1.5, -2, 3e2], \"label\": 2}",
    "{\"features\": {\"a\": 1, \"b\": 2.5, \"c\": -1e-3}, \"label\": 0, \"id\": \"x\"}",
    "{\"id\": [1, {\"n\": null}], \"features\": [1, 2, 3], \"label\": [0.5, 1]}",
    "{\"features\": [NaN, null, Infinity], \"label\": 1.0}",
  };

  private static final byte[] TOKENS =
      "{}[]:,\"0123456789.eE+-ntrufalsNI\\ \u00ff\u0000".getBytes(StandardCharsets.ISO_8859_1);

  @Test
  void randomBytes_parsed_onlyExamplesOrExampleExceptions() {
    SplittableRandom random = new SplittableRandom(1);
    for (int round = 0; round < 5_000; round++) {
      byte[] bytes = new byte[random.nextInt(64)];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] =
            random.nextBoolean()
                ? (byte) random.nextInt(256)
                : TOKENS[random.nextInt(TOKENS.length)];
      }
      if (bytes.length > 0 && random.nextBoolean()) {
        bytes[0] = '{';
      }
      check(NAMED, bytes);
      check(REGRESSION, bytes);
    }
  }

  @Test
  void mutatedExamples_parsed_onlyExamplesOrExampleExceptions() {
    SplittableRandom random = new SplittableRandom(2);
    for (int round = 0; round < 10_000; round++) {
      byte[] bytes = SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.UTF_8);
      int mutations = 1 + random.nextInt(4);
      for (int m = 0; m < mutations; m++) {
        bytes = mutate(bytes, random);
      }
      check(NAMED, bytes);
      check(REGRESSION, bytes);
    }
  }

  private static byte[] mutate(byte[] bytes, SplittableRandom random) {
    if (bytes.length == 0) {
      return new byte[] {TOKENS[random.nextInt(TOKENS.length)]};
    }
    int at = random.nextInt(bytes.length);
    switch (random.nextInt(4)) {
      case 0 -> { // replace a byte
        byte[] out = bytes.clone();
        out[at] =
            random.nextBoolean()
                ? (byte) random.nextInt(256)
                : TOKENS[random.nextInt(TOKENS.length)];
        return out;
      }
      case 1 -> { // delete a byte
        byte[] out = new byte[bytes.length - 1];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(bytes, at + 1, out, at, bytes.length - at - 1);
        return out;
      }
      case 2 -> { // insert a token byte
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, at);
        out[at] = TOKENS[random.nextInt(TOKENS.length)];
        System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
        return out;
      }
      default -> { // truncate
        byte[] out = new byte[at];
        System.arraycopy(bytes, 0, out, 0, at);
        return out;
      }
    }
  }

  private static void check(ModelSpec spec, byte[] bytes) {
    Example example;
    try {
      example = new ExampleParser(spec).parse(bytes);
    } catch (ExampleException e) {
      assertThat(e.reason()).isNotNull();
      assertThat(e.getMessage()).isNotBlank();
      return;
    } catch (RuntimeException e) {
      throw new AssertionError(
          "threw " + e + " for " + new String(bytes, StandardCharsets.ISO_8859_1), e);
    }
    assertThat(example.features()).hasSize(spec.inputs());
    for (float f : example.features()) {
      assertThat(Float.isFinite(f)).isTrue();
    }
    for (float f : example.label()) {
      assertThat(Float.isFinite(f)).isTrue();
    }
    if (spec.task() == ModelSpec.Task.CLASSIFICATION) {
      assertThat(example.label()).hasSize(1);
      float c = example.label()[0];
      assertThat(c >= 0 && c < spec.outputs() && c == Math.rint(c)).isTrue();
    } else {
      assertThat(example.label()).hasSize(spec.outputs());
    }
  }
}
