package io.streamprop.nn.optim;

import java.util.Arrays;

/**
 * The rows of a (rows, width) row-major table that a step's gradient touched: ascending, each once.
 * An embedding table's gradient is zero outside them, so the optimizer ({@link
 * Optimizer#step(float[][], float[][], boolean[], TouchedRows[], float)}), gradient clipping
 * ({@link GradientClipping#sumOfSquares(float[], TouchedRows)}) and zeroing visit only these rows:
 * a step costs the rows a mini-batch touched, never the whole table.
 *
 * <p>Filled by the layer that owns the gradient ({@link #addAll} after each backward, {@link
 * #clear} when it zeroes the gradient). A mark per table row (one bit each, beside a table of
 * {@code width} floats per row) finds repeats in O(1); the list of rows starts small and doubles
 * when a mini-batch touches more rows than any before (at most up to the table's rows), so once the
 * largest mini-batch has been seen nothing allocates. The list is always the touched rows in
 * ascending order, so the order, and with it every sum over the rows, depends only on which rows
 * were touched, whichever way it was put in order: where the marks are few words for the rows
 * touched (at most {@value #SCAN_WORDS_PER_ROW} 64-bit words per touched row, e.g. a table of 4,096
 * rows once 8 are touched) the list is read off the marks, word by word, in one pass of no
 * comparisons; else it is sorted in place, by insertion up to 64 rows and above by a heapsort,
 * which needs no buffer.
 */
public final class TouchedRows {
  /** Touched rows up to which {@link #addAll} sorts by insertion rather than by a heapsort. */
  private static final int INSERTION_SORT_MAX = 64;

  /**
   * Words of marks per touched row up to which {@link #addAll} reads the list off the marks rather
   * than sorting it: a word without marks costs a load and a test, a mark a few instructions more,
   * while insertion moves about half the list for each new row, with a mispredicted branch each.
   */
  private static final int SCAN_WORDS_PER_ROW = 8;

  private final int rows;
  private final int width;
  private final long[] marked; // (⌈rows / 64⌉): bit r mod 64 of word r / 64 set for each listed r
  private int[] list; // list[0..count): the touched rows, ascending after each addAll
  private int count;

  /** An empty set for a table of {@code rows} rows of {@code width} floats. */
  public TouchedRows(int rows, int width) {
    if (rows < 1 || width < 1) {
      throw new IllegalArgumentException(
          "a table needs rows >= 1 and width >= 1, got " + rows + " x " + width);
    }
    this.rows = rows;
    this.width = width;
    this.marked = new long[(rows + 63) >>> 6];
    this.list = new int[Math.min(rows, 64)];
  }

  /** Rows of the table. */
  public int rows() {
    return rows;
  }

  /** Floats per row. */
  public int width() {
    return width;
  }

  /** How many rows are touched. */
  public int count() {
    return count;
  }

  /** The k-th touched row, ascending: row(0) < row(1) < ... < row(count() - 1). */
  public int row(int k) {
    if (k < 0 || k >= count) {
      throw new IndexOutOfBoundsException("touched row " + k + " of " + count);
    }
    return list[k];
  }

  /** The live list: rows {@code list()[0..count())}, ascending; for loops that only read it. */
  int[] list() {
    return list;
  }

  /** Whether {@code row} is touched. */
  public boolean contains(int row) {
    return (marked[row >>> 6] & (1L << row)) != 0; // a long shifts by row mod 64
  }

  /**
   * Adds the rows {@code ids[from..to)} (repeats and rows already touched are kept once) and sorts
   * the set. The caller has checked that every id is in [0, rows).
   */
  public void addAll(int[] ids, int from, int to) {
    int before = count;
    for (int k = from; k < to; k++) {
      int row = ids[k];
      long bit = 1L << row; // row mod 64
      if ((marked[row >>> 6] & bit) == 0) {
        marked[row >>> 6] |= bit;
        if (count == list.length) {
          // Rare: more distinct rows than any mini-batch before; never more than the table's rows.
          list = Arrays.copyOf(list, (int) Math.min(rows, 2L * list.length));
        }
        list[count++] = row;
      }
    }
    if (count == before) {
      return;
    }
    if (marked.length <= (long) SCAN_WORDS_PER_ROW * count) {
      listMarked();
    } else if (count <= INSERTION_SORT_MAX) {
      insertAfter(list, before, count);
    } else {
      heapsort(list, count);
    }
  }

  /**
   * Writes the marked rows into list[0..count), ascending: word by word, each word's bits low
   * first.
   */
  private void listMarked() {
    int k = 0;
    for (int w = 0; w < marked.length; w++) {
      long bits = marked[w];
      while (bits != 0) {
        list[k++] = (w << 6) + Long.numberOfTrailingZeros(bits);
        bits &= bits - 1; // clears the lowest set bit
      }
    }
  }

  /**
   * Sorts a[0..n) ascending in place when a[0..sorted) is already ascending (the rows of earlier
   * batches): each new row moves left past the larger ones. For the few new rows of a mini-batch
   * this costs less than a heapsort of the whole list; the result is the same.
   */
  private static void insertAfter(int[] a, int sorted, int n) {
    for (int i = sorted; i < n; i++) {
      int value = a[i];
      int j = i - 1;
      while (j >= 0 && a[j] > value) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = value;
    }
  }

  /** Empties the set (O(count), not O(rows)). */
  public void clear() {
    for (int k = 0; k < count; k++) {
      int row = list[k];
      marked[row >>> 6] &= ~(1L << row);
    }
    count = 0;
  }

  /** Sorts a[0..n) ascending in place (Williams' heapsort, CACM 7(6), 1964): no buffer. */
  private static void heapsort(int[] a, int n) {
    for (int i = n / 2 - 1; i >= 0; i--) {
      siftDown(a, i, n);
    }
    for (int end = n - 1; end > 0; end--) {
      int top = a[0];
      a[0] = a[end];
      a[end] = top;
      siftDown(a, 0, end);
    }
  }

  /** Restores the max-heap below i in a[0..n). */
  private static void siftDown(int[] a, int i, int n) {
    int value = a[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= n) {
        break;
      }
      if (child + 1 < n && a[child + 1] > a[child]) {
        child++;
      }
      if (a[child] <= value) {
        break;
      }
      a[i] = a[child];
      i = child;
    }
    a[i] = value;
  }
}
