package io.streamprop.nn.kernel;

import java.util.Arrays;

/**
 * The training kernels' work arrays, one set per thread, shared by every layer that trains on the
 * thread: the rows a backward pass accumulates the weight gradient in, the batch rows it copies
 * inputs or outputs into, the transpose it takes dInput from, the padded weight a narrow forward
 * reads. Each is filled before it is read within one call, so a layer keeps only its parameters and
 * gradients, and a trainer with many live models keeps one set per stream thread instead of one per
 * model (a live 8→[16]→2 learner held about 3 KB of them).
 *
 * <p>Arrays are grown to the largest size asked at their slot and never shrink; a call reads only
 * the first {@code count} rows and {@code length} floats it asked for, so what is past them
 * (another layer's values) is never read. The scratch knows nothing of any layer, so a thread keeps
 * none alive. A layer is used by one thread at a time (a learner is not thread-safe), and nothing
 * here is used by prediction, which runs from many threads on read-only arrays.
 */
final class KernelScratch {
  /** Row slots: distinct arrays that one call may use at the same time. */
  static final int GRADIENT_ROWS = 0;

  static final int BATCH_ROWS = 1;
  static final int TRANSPOSE_ROWS = 2;

  /** Float slots. */
  static final int ROW = 0;

  static final int PADDED_WEIGHT = 1;
  static final int PADDED_BIAS = 2;

  private static final ThreadLocal<KernelScratch> SCRATCH =
      ThreadLocal.withInitial(KernelScratch::new);

  private final float[][][] rows = new float[3][0][];
  private final float[][] floats = new float[3][0];

  private KernelScratch() {}

  /** This thread's scratch. */
  static KernelScratch get() {
    return SCRATCH.get();
  }

  /** At least {@code count} zero-based rows of at least {@code length} floats, at {@code slot}. */
  float[][] rows(int slot, int count, int length) {
    float[][] r = rows[slot];
    if (r.length < count) {
      r = Arrays.copyOf(r, count);
      rows[slot] = r;
    }
    for (int i = 0; i < count; i++) {
      if (r[i] == null || r[i].length < length) {
        r[i] = new float[length];
      }
    }
    return r;
  }

  /** At least {@code length} floats at {@code slot}. */
  float[] floats(int slot, int length) {
    if (floats[slot].length < length) {
      floats[slot] = new float[length];
    }
    return floats[slot];
  }
}
