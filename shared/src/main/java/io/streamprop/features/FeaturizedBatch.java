package io.streamprop.features;

import java.util.Arrays;

/**
 * A reusable buffer of up to {@link #capacity()} featurized examples, filled by {@link
 * Featurizer#add}: the dense part of each network input row, and for each embedded field (in the
 * order of {@link FeatureLayout#embeddings()}) its bucket ids in the form an embedding bag takes.
 *
 * <pre>
 * dense        is (capacity, denseWidth) row-major; rows [0, size) are valid
 * ids(e)       holds the ids of field e for all rows: row i's bag is ids[offsets[i], offsets[i+1])
 * offsets(e)   has capacity + 1 entries; offsets[0] = 0 and [0, size] are valid
 * </pre>
 *
 * The arrays are owned by the batch and reused: {@link #clear()} empties it without allocating; the
 * id arrays grow (doubling) only when a batch holds more ids than ever before. Not thread-safe: one
 * batch per thread. The scratch space the featurizer needs lives here too, so that a {@link
 * Featurizer} can be shared.
 */
public final class FeaturizedBatch {
  private final int capacity;
  private final int denseWidth;
  private final float[] dense;
  private final int[][] ids;
  private final int[][] offsets;
  private int size;

  // Scratch for the featurizer: a hash key, token ranges, one value's bucket ids.
  final KeyHash key = new KeyHash(0);
  int[] tokenBounds = new int[64];
  int[] valueIds = new int[64];
  String[] tokenStrings = new String[16];
  final int[] rowEnds; // per embedded field: ids written so far, including the current row

  // Scratch for FeatureStreamReader: each feature's slot, and names outside the schema.
  byte[] slotStates = new byte[0];
  float[] slotNumbers = new float[0];
  String[] slotTexts = new String[0];
  final String[] otherNames = new String[8];

  FeaturizedBatch(FeatureLayout layout, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.denseWidth = layout.denseWidth();
    this.dense = new float[Math.multiplyExact(capacity, denseWidth)];
    int embeddings = layout.embeddings().size();
    this.ids = new int[embeddings][];
    this.offsets = new int[embeddings][];
    this.rowEnds = new int[embeddings];
    for (int e = 0; e < embeddings; e++) {
      int perExample = layout.embeddings().get(e).kind() == FeatureKind.CATEGORICAL ? 1 : 16;
      ids[e] = new int[Math.multiplyExact(capacity, perExample)];
      offsets[e] = new int[capacity + 1];
    }
  }

  /** Rows this batch can hold. */
  public int capacity() {
    return capacity;
  }

  /** Rows filled so far. */
  public int size() {
    return size;
  }

  public boolean isFull() {
    return size == capacity;
  }

  /** Empties the batch; the arrays are kept for the next one. */
  public void clear() {
    size = 0;
  }

  /** Floats per dense row, {@link FeatureLayout#denseWidth()}. */
  public int denseWidth() {
    return denseWidth;
  }

  /** The dense rows, (capacity, denseWidth) row-major; rows [0, size) are valid. */
  public float[] dense() {
    return dense;
  }

  /** Number of embedded fields. */
  public int embeddingCount() {
    return ids.length;
  }

  /** The bucket ids of embedded field {@code e}; the first {@link #idCount(int)} are valid. */
  public int[] ids(int e) {
    return ids[e];
  }

  /** The bag boundaries of embedded field {@code e}, capacity + 1 entries, [0, size] valid. */
  public int[] offsets(int e) {
    return offsets[e];
  }

  /** Ids of field {@code e} over the filled rows: {@code offsets(e)[size]}. */
  public int idCount(int e) {
    return offsets[e][size];
  }

  /** Starts row {@code size}: no ids yet in any field. */
  void beginRow() {
    for (int e = 0; e < offsets.length; e++) {
      rowEnds[e] = offsets[e][size];
    }
  }

  /** Makes room for {@code extra} more ids in field {@code e} in the current row. */
  int[] reserveIds(int e, int extra) {
    int needed = rowEnds[e] + extra;
    if (needed > ids[e].length) {
      ids[e] = Arrays.copyOf(ids[e], Math.max(needed, 2 * ids[e].length));
    }
    return ids[e];
  }

  /** Makes the token buffers hold {@code tokens} tokens and {@code 2 * tokens} ids. */
  void reserveTokens(int tokens) {
    if (tokenBounds.length < 2 * tokens) {
      tokenBounds = new int[Math.max(2 * tokens, 2 * tokenBounds.length)];
    }
    if (valueIds.length < 2 * tokens) {
      valueIds = new int[Math.max(2 * tokens, 2 * valueIds.length)];
    }
    if (tokenStrings.length < tokens) {
      tokenStrings = new String[Math.max(tokens, 2 * tokenStrings.length)];
    }
  }

  /** Makes the slots hold {@code features} features. */
  void reserveSlots(int features) {
    if (slotStates.length < features) {
      slotStates = new byte[features];
      slotNumbers = new float[features];
      slotTexts = new String[features];
    }
  }

  /** Ends row {@code size}: each field's bag ends after the ids written to it. */
  void commitRow() {
    for (int e = 0; e < offsets.length; e++) {
      offsets[e][size + 1] = rowEnds[e];
    }
    size++;
  }
}
