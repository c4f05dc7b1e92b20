package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamprop.nn.EmbeddingBag.Columns;
import io.streamprop.nn.EmbeddingBag.Mode;
import io.streamprop.nn.kernel.Kernels;
import io.streamprop.nn.kernel.RowKernel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The row kernel ({@link Kernels#rows}) gives the bits of the reference loops: the bags of {@link
 * EmbeddingBag} built without a kernel, and SparseAdam's update as {@code AdamBase.updateRows}
 * writes it, on random tables of every width from 1 to 40 (full vectors, and the floats after them
 * in a blended vector or, at the end of an array, one at a time), random bags (empty ones, repeated
 * ids, the table's last rows) and columns, both modes. The whole arrays are compared, so the floats
 * beside a row (other columns, other rows, some of them −0) must keep their bits too. The build
 * runs it with the vector kernels; without the Vector API there is no kernel to compare.
 */
class RowKernelsTest {

  @Test
  void bags_forwardAndBackward_sameBitsAsTheLoops() {
    RowKernel kernel = Kernels.rows();
    assumeTrue(kernel != null && Kernels.vector(), "no vector kernels in this JVM");
    SplittableRandom random = new SplittableRandom(11);
    for (int trial = 0; trial < 400; trial++) {
      int dim = 1 + trial % 40; // every width ten times: full vectors, tails, rows narrower
      int buckets = 1 + random.nextInt(30);
      Mode mode = random.nextBoolean() ? Mode.MEAN : Mode.SUM;
      int batch = random.nextInt(10);
      int[] offsets = new int[batch + 1];
      for (int b = 0; b < batch; b++) {
        offsets[b + 1] = offsets[b] + (random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(12));
      }
      int[] ids = new int[offsets[batch] + 1];
      for (int k = 0; k < ids.length; k++) {
        ids[k] = random.nextInt(buckets);
      }
      Columns columns = new Columns(random.nextInt(5), dim + 5 + random.nextInt(5));
      EmbeddingBag fast = new EmbeddingBag(buckets, dim, mode, kernel);
      EmbeddingBag loops = new EmbeddingBag(buckets, dim, mode, null);
      fast.initialize(new SplitMix64(trial));
      loops.initialize(new SplitMix64(trial));
      float[] outFast = uniform(random, Math.max(batch, 1) * columns.width());
      float[] outLoops = outFast.clone();
      fast.forward(ids, offsets, batch, outFast, columns);
      loops.forward(ids, offsets, batch, outLoops, columns);
      assertThat(bits(outFast)).as("forward, trial %d", trial).isEqualTo(bits(outLoops));

      float[] dOut = uniform(random, Math.max(batch, 1) * columns.width());
      for (int pass = 0; pass < 2; pass++) { // the second accumulates onto the first
        fast.backward(ids, offsets, batch, dOut, columns);
        loops.backward(ids, offsets, batch, dOut, columns);
      }
      assertThat(bits(fast.dWeight()))
          .as("dWeight, trial %d", trial)
          .isEqualTo(bits(loops.dWeight()));
      assertThat(fast.touchedRows().count()).isEqualTo(loops.touchedRows().count());
    }
  }

  @Test
  void sparseAdam_sameBitsAsTheLoop_untouchedRowsKeepTheirs() {
    RowKernel kernel = Kernels.rows();
    assumeTrue(kernel != null && Kernels.vector(), "no vector kernels in this JVM");
    SplittableRandom random = new SplittableRandom(12);
    for (int trial = 0; trial < 400; trial++) {
      int width = 1 + trial % 40; // every width ten times
      int rows = 1 + random.nextInt(20);
      int n = rows * width;
      float[] param = uniform(random, n);
      float[] grad = uniform(random, n);
      float[] m = uniform(random, n);
      float[] v = uniform(random, n);
      for (int i = 0; i < n; i++) {
        v[i] = Math.abs(v[i]) * (random.nextInt(8) == 0 ? 0f : 1f);
      }
      int count = random.nextInt(rows + 1);
      int[] list = new int[count];
      for (int k = 0, r = 0; k < count; r++) {
        if (random.nextInt(rows) < count - k || rows - r == count - k) {
          list[k++] = r;
        }
      }
      float b1 = 0.1f;
      float b2 = (float) (1 - 0.999);
      float eps = 1e-8f;
      float step = -0.003f * random.nextFloat();
      float[][] fast = {param.clone(), m.clone(), v.clone()};
      float[][] loop = {param.clone(), m.clone(), v.clone()};
      kernel.sparseAdam(fast[0], grad, fast[1], fast[2], list, count, width, b1, b2, eps, step);
      for (int k = 0; k < count; k++) { // AdamBase.updateRows
        int start = list[k] * width;
        for (int i = start; i < start + width; i++) {
          float g = grad[i];
          loop[1][i] = loop[1][i] + b1 * (g - loop[1][i]);
          loop[2][i] = loop[2][i] + b2 * (g * g - loop[2][i]);
          float denom = (float) Math.sqrt(loop[2][i]) + eps;
          loop[0][i] += step * (loop[1][i] / denom);
        }
      }
      for (int a = 0; a < 3; a++) {
        assertThat(bits(fast[a])).as("array %d, trial %d", a, trial).isEqualTo(bits(loop[a]));
      }
    }
  }

  private static float[] uniform(SplittableRandom random, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(20);
      a[i] = kind == 0 ? -0f : (float) (random.nextDouble() * 4 - 2) * (kind == 1 ? 1e-20f : 1f);
    }
    return a;
  }

  private static int[] bits(float[] a) {
    int[] bits = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      bits[i] = Float.floatToRawIntBits(a[i]);
    }
    return bits;
  }
}
