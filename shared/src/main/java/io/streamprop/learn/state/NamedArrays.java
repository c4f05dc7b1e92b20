package io.streamprop.learn.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Arrays by name in the three sections of a snapshot (float32, float64, int64), in order. The codec
 * ({@code io.streamprop.wire.StateCodec}) gives a state's arrays in this form; in a {@link
 * ModelState} it holds only arrays whose names this release does not know, carried unchanged.
 *
 * @param floats float32 arrays by name
 * @param doubles float64 arrays by name
 * @param longs 64-bit integers by name
 */
public record NamedArrays(
    Map<String, float[]> floats, Map<String, double[]> doubles, Map<String, Long> longs) {

  /** No arrays at all. */
  public static final NamedArrays NONE =
      new NamedArrays(Collections.emptyMap(), Collections.emptyMap(), Collections.emptyMap());

  /** Read-only views of copies of the maps, in their order (the arrays are not copied). */
  public NamedArrays {
    floats = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(floats)));
    doubles = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(doubles)));
    longs = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(longs)));
  }

  public boolean isEmpty() {
    return floats.isEmpty() && doubles.isEmpty() && longs.isEmpty();
  }
}
