package io.streamprop.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.testing.FuzzBounds;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Property-based fuzzing (jqwik) of the two wire decoders: arbitrary bytes and mutations of valid
 * inputs must end in a result or in the documented exception ({@link ExampleException}, {@link
 * SnapshotException}), with CPU time and allocation bounded by the input's size ({@link
 * FuzzBounds}; a declared length of 2 GiB in a 100-byte input must not allocate 2 GiB), and never
 * hang.
 */
class WireFuzzTest {
  private static final ModelSpec NAMED =
      SpecJson.parse("{\"feature_names\": [\"a\", \"b\", \"c\"], \"classes\": 3}");
  private static final ModelSpec REGRESSION =
      SpecJson.parse("{\"inputs\": 3, \"task\": \"regression\", \"targets\": 2}");
  private static final ModelSpec SNAPSHOT_SPEC =
      SpecJson.parse(
          "{\"inputs\": 3, \"classes\": 3, \"hidden\": [4], \"batch_norm\": true,"
              + " \"batch_size\": 4}");
  private static final SigningKey KEY = SigningKey.of(new byte[32]);
  private static final byte[] SNAPSHOT =
      SnapshotCodec.encode(SnapshotFixtures.state(SNAPSHOT_SPEC, 1, 3), 1_790_000_000_000L);
  private static final byte[] SIGNED_SNAPSHOT =
      SnapshotCodec.encode(SnapshotFixtures.state(SNAPSHOT_SPEC, 1, 3), 1_790_000_000_000L, KEY);

  private static final String[] EXAMPLES = {
    "{\"features\": [1.5, -2, 3e2], \"label\": 2}",
    "{\"features\": {\"a\": 1, \"b\": 2.5, \"c\": -1e-3}, \"label\": 0, \"id\": \"x\"}",
    "{\"id\": [1, {\"n\": null}], \"features\": [1, 2, 3], \"label\": [0.5, 1]}",
    "{\"features\": [1e308, -4.9e-324, 0], \"label\": [1e39, 2]}",
  };

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Runs {@code decode} within {@link FuzzBounds} and checks that it allocates at most 64 bytes per
   * input byte plus 16 MiB (room for the parser's buffers and first-call class loading) and throws
   * nothing but {@code allowed}.
   */
  static void decodeBounded(
      byte[] input, Class<? extends RuntimeException> allowed, Runnable decode) {
    FuzzBounds.run(
        input.length,
        () -> {
          long before = THREADS.getCurrentThreadAllocatedBytes();
          try {
            decode.run();
          } catch (RuntimeException e) {
            if (!allowed.isInstance(e)) {
              fail("undocumented " + e + " for input " + Arrays.toString(head(input)), e);
            }
            assertThat(e.getMessage()).isNotBlank();
          }
          long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
          assertThat(allocated)
              .as("bytes allocated decoding %d input bytes", input.length)
              .isLessThan(64L * input.length + (16L << 20));
        });
  }

  private static byte[] head(byte[] input) {
    return Arrays.copyOf(input, Math.min(64, input.length));
  }

  /** Applies 1-4 random edits: flip, overwrite with a random or extreme int, cut, or splice. */
  static byte[] mutate(byte[] valid, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] bytes = valid.clone();
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && bytes.length > 0; e++) {
      int at = random.nextInt(bytes.length);
      switch (random.nextInt(5)) {
        case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
        case 1 -> bytes[at] = (byte) random.nextInt(256);
        case 2 -> {
          if (at + 4 <= bytes.length) {
            int[] extremes = {Integer.MAX_VALUE, -1, 0x10000000, 0, random.nextInt()};
            ByteBuffer.wrap(bytes).putInt(at, extremes[random.nextInt(extremes.length)]);
          }
        }
        case 3 -> bytes = Arrays.copyOf(bytes, at);
        default -> {
          byte[] spliced = new byte[bytes.length + 1 + random.nextInt(8)];
          System.arraycopy(bytes, 0, spliced, 0, at);
          for (int i = at; i < spliced.length - (bytes.length - at); i++) {
            spliced[i] = (byte) random.nextInt(256);
          }
          System.arraycopy(
              bytes, at, spliced, spliced.length - (bytes.length - at), bytes.length - at);
          bytes = spliced;
        }
      }
    }
    return bytes;
  }

  /** Recomputes the trailing CRC32C, so that the mutation reaches the checks behind it. */
  static byte[] withChecksum(byte[] bytes) {
    if (bytes.length >= 4) {
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, bytes.length - 4);
      ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    }
    return bytes;
  }

  @Property(tries = 2000)
  void arbitraryBytes_exampleParser_onlyExampleException(@ForAll @Size(max = 300) byte[] bytes) {
    decodeBounded(bytes, ExampleException.class, () -> new ExampleParser(NAMED).parse(bytes));
    decodeBounded(bytes, ExampleException.class, () -> new ExampleParser(REGRESSION).parse(bytes));
  }

  @Property(tries = 2000)
  void mutatedExamples_exampleParser_onlyValidExamplesOrExampleException(@ForAll long seed) {
    byte[] valid =
        EXAMPLES[(int) Math.floorMod(seed, (long) EXAMPLES.length)].getBytes(
            StandardCharsets.UTF_8);
    byte[] bytes = mutate(valid, seed);
    for (ModelSpec spec : new ModelSpec[] {NAMED, REGRESSION}) {
      decodeBounded(
          bytes,
          ExampleException.class,
          () -> {
            Example example = new ExampleParser(spec).parse(bytes);
            assertThat(example.features()).hasSize(spec.inputs());
            for (float value : example.features()) {
              assertThat(Float.isFinite(value)).as("feature %s", value).isTrue();
            }
          });
    }
  }

  @Property(tries = 200)
  void deepNesting_exampleParser_refusedNotStackOverflow(@ForAll("depths") int depth) {
    String json = "{\"features\": " + "[".repeat(depth) + "]".repeat(depth) + ", \"label\": 1}";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    decodeBounded(bytes, ExampleException.class, () -> new ExampleParser(NAMED).parse(bytes));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Integer> depths() {
    return net.jqwik.api.Arbitraries.integers().between(1, 100_000);
  }

  @Property(tries = 2000)
  void arbitraryBytes_snapshotDecode_onlySnapshotException(@ForAll @Size(max = 600) byte[] bytes) {
    decodeBounded(bytes, SnapshotException.class, () -> SnapshotCodec.decode(bytes));
    // With the magic in front and a valid checksum, garbage gets past the first two checks.
    byte[] framed = new byte[bytes.length + 8];
    framed[0] = 'S';
    framed[1] = 'P';
    framed[2] = 'R';
    framed[3] = 'P';
    System.arraycopy(bytes, 0, framed, 4, bytes.length);
    withChecksum(framed);
    decodeBounded(framed, SnapshotException.class, () -> SnapshotCodec.decode(framed));
    decodeBounded(framed, SnapshotException.class, () -> SnapshotCodec.decode(framed, KEY));
  }

  @Property(tries = 2000)
  void mutatedSnapshots_decode_onlySnapshotException(@ForAll long seed) {
    boolean signed = (seed & 1) == 0;
    byte[] bytes = mutate(signed ? SIGNED_SNAPSHOT : SNAPSHOT, seed);
    if ((seed & 2) == 0) {
      withChecksum(bytes);
    }
    decodeBounded(bytes, SnapshotException.class, () -> SnapshotCodec.decode(bytes));
    // With the key, every mutation of a signed snapshot must fail: the HMAC covers it all.
    decodeBounded(
        bytes,
        SnapshotException.class,
        () -> {
          SnapshotCodec.decode(bytes, KEY);
          assertThat(Arrays.equals(bytes, SIGNED_SNAPSHOT))
              .as("a changed snapshot verified with the key")
              .isTrue();
        });
  }

  @Property(tries = 500)
  void hugeDeclaredLengths_snapshotDecode_refusedWithoutAllocating(
      @ForAll("offsets") int offset, @ForAll("lengths") int declared) {
    byte[] bytes = SNAPSHOT.clone();
    int at = Math.min(offset, bytes.length - 8);
    ByteBuffer.wrap(bytes).putInt(at, declared);
    withChecksum(bytes);
    decodeBounded(bytes, SnapshotException.class, () -> SnapshotCodec.decode(bytes));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Integer> offsets() {
    return net.jqwik.api.Arbitraries.integers()
        .between(SnapshotCodec.HEADER_BYTES, SNAPSHOT.length);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Integer> lengths() {
    return net.jqwik.api.Arbitraries.of(
        Integer.MAX_VALUE, -1, 0x40000000, 0x01000000, 65_536, SNAPSHOT.length);
  }
}
