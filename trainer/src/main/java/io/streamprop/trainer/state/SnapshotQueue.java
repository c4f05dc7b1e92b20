package io.streamprop.trainer.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The models of one task that may owe a snapshot, each with the wall-clock time its snapshot is due
 * (the time of its last snapshot plus its spec's {@code every_seconds}; {@link Long#MAX_VALUE} when
 * only shutdown publishes it), earliest due first, ties by model id. Housekeeping reads only the
 * head, so its cost per pass does not grow with the number of models; a model waiting for its turn
 * keeps its due time and is served before any model that became due later.
 */
final class SnapshotQueue {
  private record Due(long atMillis, String modelId) implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      int byTime = Long.compare(atMillis, o.atMillis);
      return byTime != 0 ? byTime : modelId.compareTo(o.modelId);
    }
  }

  private final TreeSet<Due> queue = new TreeSet<>();
  private final Map<String, Long> dueAt = new HashMap<>();

  /** Queues the model at {@code atMillis}, or moves it there if it is queued at another time. */
  void schedule(String modelId, long atMillis) {
    Long old = dueAt.put(modelId, atMillis);
    if (old != null) {
      if (old == atMillis) {
        return;
      }
      queue.remove(new Due(old, modelId));
    }
    queue.add(new Due(atMillis, modelId));
  }

  /** Queues the model at {@code atMillis} unless it is queued already (at any time). */
  void scheduleIfAbsent(String modelId, long atMillis) {
    if (!dueAt.containsKey(modelId)) {
      schedule(modelId, atMillis);
    }
  }

  /** When the model's snapshot is due, or null if it is not queued. */
  Long dueAt(String modelId) {
    return dueAt.get(modelId);
  }

  void remove(String modelId) {
    Long old = dueAt.remove(modelId);
    if (old != null) {
      queue.remove(new Due(old, modelId));
    }
  }

  /** Up to {@code limit} model ids due at or before {@code nowMillis}, earliest first. */
  List<String> due(long nowMillis, int limit) {
    List<String> ids = new ArrayList<>(Math.min(limit, queue.size()));
    Iterator<Due> it = queue.iterator();
    while (ids.size() < limit && it.hasNext()) {
      Due next = it.next();
      if (next.atMillis > nowMillis) {
        break;
      }
      ids.add(next.modelId);
    }
    return ids;
  }

  int size() {
    return dueAt.size();
  }

  void clear() {
    queue.clear();
    dueAt.clear();
  }
}
