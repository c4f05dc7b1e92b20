package io.streamprop.trainer.topology;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Parsed specs for {@link ParseAndValidate}, by model id, with bounded memory for many models.
 *
 * <p>A parsed spec (and its example parser) is shared by every model whose stored spec bytes are
 * equal: a model per customer or per device usually means one spec under many ids, so 100,000
 * models cost one parse and one parsed spec, not 100,000. Distinct parsed specs are kept least
 * recently used first, at most {@link #MAX_DISTINCT}; per model only a reference to the stored
 * bytes it was looked up with and to its parsed spec stays (about 100 bytes). A model whose stored
 * bytes are the same array as last time (the global store returns the stored array) costs one
 * identity test.
 *
 * @param <V> the parsed form (a spec and its parser, or why the spec is invalid)
 */
final class SpecCache<V> {
  /** Most distinct parsed specs kept. */
  static final int MAX_DISTINCT = 1024;

  private record ModelEntry<V>(byte[] bytes, V parsed) {}

  /** Spec bytes compared by content. */
  private record Content(byte[] bytes, int hash) {
    Content(byte[] bytes) {
      this(bytes, Arrays.hashCode(bytes));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Content c && hash == c.hash && Arrays.equals(bytes, c.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private final Function<byte[], V> parse;
  private final Map<String, ModelEntry<V>> byModel = new HashMap<>();
  private final LinkedHashMap<Content, V> byContent =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Content, V> eldest) {
          return size() > MAX_DISTINCT;
        }
      };
  private long parses;

  SpecCache(Function<byte[], V> parse) {
    this.parse = parse;
  }

  /** The parsed form of {@code bytes}, the stored spec of {@code modelId}. */
  V get(String modelId, byte[] bytes) {
    ModelEntry<V> entry = byModel.get(modelId);
    if (entry != null && (entry.bytes == bytes || Arrays.equals(entry.bytes, bytes))) {
      return entry.parsed;
    }
    V parsed =
        byContent.computeIfAbsent(
            new Content(bytes),
            c -> {
              parses++;
              return parse.apply(c.bytes);
            });
    byModel.put(modelId, new ModelEntry<>(bytes, parsed));
    return parsed;
  }

  /** Forgets a model whose spec was deleted. */
  void remove(String modelId) {
    byModel.remove(modelId);
  }

  /** How many times a spec was parsed. */
  long parses() {
    return parses;
  }
}
