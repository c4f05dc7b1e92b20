package io.streamprop.wire;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The spec of a snapshot as JSON bytes and back, remembered: every model of a spec carries the same
 * spec, so a trainer that encodes and decodes thousands of models a second (many models, a bounded
 * cache) would otherwise write and parse the same JSON as often. Writing is remembered by spec
 * instance (a {@link ModelSpec} is immutable), parsing by the bytes' content (parsing is a function
 * of them). Direct-mapped, {@value #SLOTS} slots each: a miss costs one ordinary write or parse.
 * The bytes given out are shared: read them only.
 */
final class SpecMemo {
  private SpecMemo() {}

  static final int SLOTS = 64;

  private record Entry(ModelSpec spec, byte[] json) {}

  private static final Entry[] WRITTEN = new Entry[SLOTS];
  private static final Entry[] PARSED = new Entry[SLOTS];

  /** {@code SpecJson.write(spec)} as UTF-8. */
  static byte[] json(ModelSpec spec) {
    int slot = System.identityHashCode(spec) & (SLOTS - 1);
    Entry e = read(WRITTEN, slot);
    if (e != null && e.spec == spec) {
      return e.json;
    }
    byte[] json = SpecJson.write(spec).getBytes(StandardCharsets.UTF_8);
    write(WRITTEN, slot, new Entry(spec, json));
    return json;
  }

  /**
   * The spec parsed from {@code json} (which the caller no longer changes): the one parsed earlier
   * from equal bytes, or {@code parse} applied to them, remembered.
   */
  static ModelSpec parse(byte[] json, Function<byte[], ModelSpec> parse) {
    int slot = Arrays.hashCode(json) & (SLOTS - 1);
    Entry e = read(PARSED, slot);
    if (e != null && Arrays.equals(e.json, json)) {
      return e.spec;
    }
    ModelSpec spec = parse.apply(json);
    write(PARSED, slot, new Entry(spec, json));
    return spec;
  }

  // An Entry is immutable with final fields, so a racy read sees a whole one or null.
  private static Entry read(Entry[] slots, int slot) {
    return slots[slot];
  }

  private static void write(Entry[] slots, int slot, Entry e) {
    slots[slot] = e;
  }
}
