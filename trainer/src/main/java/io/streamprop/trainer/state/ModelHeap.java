package io.streamprop.trainer.state;

/** The estimate of a live model's heap bytes that bounds the model cache ({@link ModelStore}). */
final class ModelHeap {
  private ModelHeap() {}

  /**
   * Heap bytes per byte of stored state, times ten. A live learner holds its stored arrays
   * (parameters, optimizer moments, normalizer, pending mini-batch) and its gradients and
   * activations; the kernels' and the weight diagnostics' work arrays are per thread, not per
   * model. A population's weight averages are stored as one copy of the dense weights each and held
   * in a network prepared for prediction. Counted field by field ({@code ModelStoreTest}, {@code
   * HeapWalk}): 7.1 KB live for 3,336 stored bytes (8→[16]→2 Adam; 6.3 KB by {@code
   * Runtime.totalMemory() - freeMemory()} over 10,000 decoded models), 64.4 KB for 27.3 KB (a
   * 4→[8]→3 population of the standard plan in its warm-up, twelve members, three of them linear,
   * and their averages), 111 KB for 72 KB (54→[64,32]→7 Adam): at most 2.3 bytes per stored byte
   * past the overhead, once the JVM's vector kernels have warmed up (in a process's first seconds,
   * before that, a population holds about 9% more than its estimate, for those seconds).
   */
  static final int HEAP_PER_STORED_BYTE_X10 = 23;

  /** Heap bytes of a live model besides its arrays (objects, headers, the cache entry). */
  static final int HEAP_OVERHEAD_BYTES = 2048;

  /** Estimated heap bytes of a live model whose stored state is {@code storedBytes} long. */
  static long estimate(int storedBytes) {
    return HEAP_OVERHEAD_BYTES + (long) HEAP_PER_STORED_BYTE_X10 * storedBytes / 10;
  }
}
