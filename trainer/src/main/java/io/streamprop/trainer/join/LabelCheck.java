package io.streamprop.trainer.join;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecException;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.ExampleException;
import io.streamprop.wire.ExampleParser;
import io.streamprop.wire.LabelParser;
import io.streamprop.wire.RejectReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Checks a label against the specs of the models it is about to label, from the global spec store:
 * a label the model cannot learn (a class out of range, an unknown class name, the wrong number of
 * targets), or for a model without a valid spec, is refused before anything is joined. Parsed specs
 * are cached while the stored bytes are unchanged.
 */
final class LabelCheck {
  private final String specsStore;
  private final int maxBytes;
  private final Map<String, Entry> cache = new HashMap<>();
  private ReadOnlyKeyValueStore<String, byte[]> specs;

  LabelCheck(String specsStore, int maxBytes) {
    this.specsStore = specsStore;
    this.maxBytes = maxBytes;
  }

  String specsStore() {
    return specsStore;
  }

  void init(ReadOnlyKeyValueStore<String, byte[]> specs) {
    this.specs = specs;
  }

  /**
   * A label as one model reads it (the class index, or the targets), and whether that model is a
   * classifier (how its served prediction is scored).
   */
  record Checked(float[] value, boolean classification) {}

  /**
   * The label as each model reads it, in the order of {@code logged}: one spec lookup per model.
   *
   * @throws ExampleException for the first model that cannot learn it, naming the model
   */
  Checked[] all(List<JoinCodec.Logged> logged, byte[] label) {
    Checked[] checked = new Checked[logged.size()];
    for (int i = 0; i < checked.length; i++) {
      String model = logged.get(i).model();
      Entry entry = entry(model);
      if (entry == null || entry.parser == null) {
        throw new ExampleException(
            RejectReason.UNKNOWN_MODEL,
            "model '"
                + model
                + "': "
                + (entry == null ? "no spec" : "its spec is invalid: " + entry.error)
                + ", so its prediction cannot be labeled");
      }
      try {
        checked[i] =
            new Checked(
                LabelParser.label(entry.parser, label),
                entry.parser.spec().task() == ModelSpec.Task.CLASSIFICATION);
      } catch (ExampleException e) {
        throw new ExampleException(e.reason(), "model '" + model + "': " + e.getMessage());
      }
    }
    return checked;
  }

  /** {@code model} as a metric tag: itself if it has a spec, else "unknown" (tags stay bounded). */
  String meterModel(String model) {
    return entry(model) == null ? "unknown" : model;
  }

  private Entry entry(String model) {
    byte[] bytes = specs.get(model);
    if (bytes == null) {
      cache.remove(model);
      return null;
    }
    Entry cached = cache.get(model);
    if (cached != null && (cached.bytes == bytes || Arrays.equals(cached.bytes, bytes))) {
      return cached;
    }
    Entry entry;
    try {
      ModelSpec spec = SpecJson.parse(new String(bytes, StandardCharsets.UTF_8));
      entry = new Entry(bytes, new ExampleParser(spec, maxBytes), null);
    } catch (SpecException e) {
      entry = new Entry(bytes, null, e.getMessage());
    }
    cache.put(model, entry);
    return entry;
  }

  private record Entry(byte[] bytes, ExampleParser parser, String error) {}
}
