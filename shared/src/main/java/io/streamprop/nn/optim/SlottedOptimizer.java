package io.streamprop.nn.optim;

import java.util.Arrays;
import java.util.List;

/**
 * What every optimizer here shares: the step counter, argument checks, and the per-parameter state
 * slots (each slot one flat float array per parameter tensor, the same length as the tensor), saved
 * and restored as an {@link OptimizerState}.
 *
 * <p>Subclasses implement {@link #update} for one tensor, and {@link #updateRows} for the touched
 * rows of one embedding table (lazy: nothing else of the table or its state changes); {@link #step}
 * has already checked the shapes and advanced the counter, so {@link #steps()} inside {@code
 * update} is the 1-based index of the step being taken (what Adam's bias correction needs).
 *
 * <p><b>Subnormal state is flushed.</b> Before every {@value #FLUSH_EVERY}th step (t a multiple of
 * it) the state below the smallest normal float (2⁻¹²⁶, {@link Float#MIN_NORMAL}) in magnitude
 * becomes 0: every slot of every dense tensor, and of the table rows the step touches (untouched
 * rows keep theirs, lazily, until their next touch). State decays there when a gradient stays 0 or
 * tiny (a unit that no longer fires, a confident model's vanishing loss): Adam's moments, RMSProp's
 * average, a momentum. x86 processors take a microcode assist for each arithmetic operation on a
 * subnormal float, tens of times the cost of the operation (a raw-event model's Adam step took
 * twice its time after a million examples), and Java cannot set the processor's flush-to-zero mode,
 * which TensorFlow sets by default and PyTorch offers ({@code torch.set_flush_denormal}). A weight
 * moves by less than 10⁻³⁰ of a step for such state; the flush is the same in every kernel, so
 * models stay bit-identical across them.
 */
abstract class SlottedOptimizer implements Optimizer {
  /** Steps between two flushes of subnormal state (see the class comment). */
  static final int FLUSH_EVERY = 16;

  private final int[] paramSizes;
  private final String[] slotNames;
  // state[slot][param] is (paramSizes[param]), zeros at the start as in torch.optim.
  private final float[][][] state;
  private long steps;

  SlottedOptimizer(int[] paramSizes, String... slotNames) {
    if (paramSizes == null) {
      throw new IllegalArgumentException("paramSizes must not be null");
    }
    for (int i = 0; i < paramSizes.length; i++) {
      if (paramSizes[i] < 0) {
        throw new IllegalArgumentException(
            "paramSizes[" + i + "] must be >= 0, got " + paramSizes[i]);
      }
    }
    this.paramSizes = paramSizes.clone();
    this.slotNames = slotNames.clone();
    this.state = new float[slotNames.length][paramSizes.length][];
    for (int s = 0; s < slotNames.length; s++) {
      for (int p = 0; p < paramSizes.length; p++) {
        state[s][p] = new float[paramSizes[p]];
      }
    }
  }

  /**
   * Updates one tensor in place.
   *
   * @param index the tensor's position in the parameter list (selects its state)
   * @param param the tensor, (paramSizes[index])
   * @param grad ∂loss/∂param, same length; read only
   * @param decay whether weight decay applies to this tensor
   * @param learningRate this step's learning rate
   */
  abstract void update(int index, float[] param, float[] grad, boolean decay, float learningRate);

  /**
   * Updates the touched rows of one embedding table in place, lazily: rows outside {@code rows},
   * and their state, keep their bits. No weight decay (it never applies to tables).
   *
   * @param index the table's position in the parameter list (selects its state)
   * @param param the table, (rows.rows(), rows.width()) row-major
   * @param grad ∂loss/∂param, zero outside the touched rows; read only
   * @param rows the touched rows, ascending
   * @param learningRate this step's learning rate
   */
  abstract void updateRows(
      int index, float[] param, float[] grad, TouchedRows rows, float learningRate);

  /**
   * Called once per {@link #step}, after the counter advanced and before the first {@link #update}:
   * where per-step constants (Adam's bias corrections) are computed once rather than per tensor.
   * Does nothing by default.
   */
  void beginStep(float learningRate) {}

  /**
   * On every {@value #FLUSH_EVERY}th step, sets the state below {@link Float#MIN_NORMAL} in
   * magnitude to 0: all of a dense tensor's ({@code rows} null, or its entry null), the touched
   * rows of a table's.
   */
  private void flushSubnormals(TouchedRows[] rows) {
    if (steps % FLUSH_EVERY != 0) {
      return;
    }
    for (float[][] slot : state) {
      for (int i = 0; i < slot.length; i++) {
        TouchedRows touched = rows == null ? null : rows[i];
        if (touched == null) {
          flush(slot[i], 0, slot[i].length);
          continue;
        }
        for (int k = 0; k < touched.count(); k++) {
          int start = touched.row(k) * touched.width();
          flush(slot[i], start, start + touched.width());
        }
      }
    }
  }

  private static void flush(float[] x, int from, int to) {
    for (int j = from; j < to; j++) {
      if (Math.abs(x[j]) < Float.MIN_NORMAL) {
        x[j] = 0f;
      }
    }
  }

  /** The state array of one slot for one tensor (slot order as given to the constructor). */
  final float[] slot(int slot, int index) {
    return state[slot][index];
  }

  @Override
  public final void step(float[][] params, float[][] grads, boolean[] decay, float learningRate) {
    checkShapes(params, grads, decay);
    if (!(learningRate >= 0) || Float.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "learningRate must be a finite number >= 0, got " + learningRate);
    }
    steps++;
    flushSubnormals(null);
    beginStep(learningRate);
    for (int i = 0; i < params.length; i++) {
      update(i, params[i], grads[i], decay[i], learningRate);
    }
  }

  @Override
  public final void step(
      float[][] params, float[][] grads, boolean[] decay, TouchedRows[] rows, float learningRate) {
    checkShapes(params, grads, decay);
    checkRows(params, decay, rows);
    if (!(learningRate >= 0) || Float.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "learningRate must be a finite number >= 0, got " + learningRate);
    }
    steps++;
    flushSubnormals(rows);
    beginStep(learningRate);
    for (int i = 0; i < params.length; i++) {
      if (rows[i] == null) {
        update(i, params[i], grads[i], decay[i], learningRate);
      } else {
        updateRows(i, params[i], grads[i], rows[i], learningRate);
      }
    }
  }

  private static void checkRows(float[][] params, boolean[] decay, TouchedRows[] rows) {
    if (rows == null || rows.length != params.length) {
      throw new IllegalArgumentException(
          "expected touched rows (or null) for each of "
              + params.length
              + " parameter tensors, got "
              + (rows == null ? "none" : rows.length));
    }
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null) {
        continue;
      }
      long size = (long) rows[i].rows() * rows[i].width();
      if (size != params[i].length) {
        throw new IllegalArgumentException(
            "tensor "
                + i
                + ": touched rows of a "
                + rows[i].rows()
                + " x "
                + rows[i].width()
                + " table, but the tensor has length "
                + params[i].length);
      }
      if (decay[i]) {
        throw new IllegalArgumentException(
            "tensor "
                + i
                + " is an embedding table (updated by rows): weight decay does not apply to it,"
                + " so its decay flag must be false");
      }
    }
  }

  private void checkShapes(float[][] params, float[][] grads, boolean[] decay) {
    int n = paramSizes.length;
    if (params.length != n || grads.length != n || decay.length != n) {
      throw new IllegalArgumentException(
          "expected "
              + n
              + " parameter tensors, got params="
              + params.length
              + ", grads="
              + grads.length
              + ", decay="
              + decay.length);
    }
    for (int i = 0; i < n; i++) {
      if (params[i].length != paramSizes[i] || grads[i].length != paramSizes[i]) {
        throw new IllegalArgumentException(
            "tensor "
                + i
                + ": expected length "
                + paramSizes[i]
                + ", got param "
                + params[i].length
                + " and grad "
                + grads[i].length);
      }
    }
  }

  @Override
  public final long steps() {
    return steps;
  }

  /** Copies of the moments, tensor by tensor in the slot order given to the constructor. */
  @Override
  public final OptimizerState state() {
    float[][][] moments = new float[paramSizes.length][slotNames.length][];
    for (int p = 0; p < paramSizes.length; p++) {
      for (int s = 0; s < slotNames.length; s++) {
        moments[p][s] = state[s][p].clone();
      }
    }
    return new OptimizerState(steps, List.of(slotNames), moments);
  }

  /**
   * Copies the moments back. The state must have exactly this optimizer's slots and one array of
   * the right length per slot and tensor: a snapshot of another optimizer or another architecture
   * is refused rather than half applied.
   */
  @Override
  public final void restore(OptimizerState saved) {
    if (saved.steps() < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + saved.steps());
    }
    if (!saved.slots().equals(List.of(slotNames))) {
      throw new IllegalArgumentException(
          getClass().getSimpleName()
              + " keeps the slots "
              + Arrays.toString(slotNames)
              + " per tensor, the state has "
              + saved.slots());
    }
    if (saved.tensors() != paramSizes.length) {
      throw new IllegalArgumentException(
          "the state covers "
              + saved.tensors()
              + " parameter tensors, this optimizer steps "
              + paramSizes.length);
    }
    // Check everything before copying anything, so a bad state leaves this optimizer untouched.
    for (int p = 0; p < paramSizes.length; p++) {
      for (int s = 0; s < slotNames.length; s++) {
        int length = saved.moments()[p][s].length;
        if (length != paramSizes[p]) {
          throw new IllegalArgumentException(
              "state of tensor "
                  + p
                  + ", slot "
                  + slotNames[s]
                  + " has length "
                  + length
                  + ", expected "
                  + paramSizes[p]);
        }
      }
    }
    for (int p = 0; p < paramSizes.length; p++) {
      for (int s = 0; s < slotNames.length; s++) {
        float[] array = saved.moments()[p][s];
        System.arraycopy(array, 0, state[s][p], 0, array.length);
      }
    }
    this.steps = saved.steps();
  }
}
