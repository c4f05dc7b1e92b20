package io.streamprop.scorer.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The models being served, by name. Each entry is an immutable {@link ServedModel}; a new version
 * replaces the old one by a single atomic map update, so a request that looked a model up keeps
 * using the version it got (no request sees half a model) and later requests see the new one.
 *
 * <p>Writes come from the snapshot consumer thread; reads come from any request thread.
 */
public final class ModelRegistry {
  private final ConcurrentHashMap<String, ServedModel> models = new ConcurrentHashMap<>();

  /** The model served under this name, or null. */
  public ServedModel get(String name) {
    return models.get(name);
  }

  /** The served version of a model, or -1 if none is served. */
  public long servedVersion(String name) {
    ServedModel model = models.get(name);
    return model == null ? -1 : model.version();
  }

  /**
   * Serves {@code candidate} if its version is newer than the one served (or none is served).
   *
   * @return true if it was swapped in, false if the served version is the same or newer
   */
  public boolean swapIfNewer(ServedModel candidate) {
    AtomicBoolean swapped = new AtomicBoolean();
    models.compute(
        candidate.name(),
        (name, served) -> {
          if (served == null || candidate.version() > served.version()) {
            swapped.set(true);
            return candidate;
          }
          return served;
        });
    return swapped.get();
  }

  /** Stops serving a model (a tombstone); returns the model that was served, or null. */
  public ServedModel remove(String name) {
    return models.remove(name);
  }

  /** All served models, sorted by name. */
  public List<ServedModel> all() {
    List<ServedModel> all = new ArrayList<>(models.values());
    all.sort(Comparator.comparing(ServedModel::name));
    return all;
  }

  public int size() {
    return models.size();
  }
}
