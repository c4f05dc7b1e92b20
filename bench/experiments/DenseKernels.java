/*
 * An experiment, not product code: how fast can the dense forward product `output = input · weight
 * + bias` (input (B, in), weight (in, out) row-major, as io.streamprop.nn.Dense stores it) run on
 * the JVM while every output element still sums its terms in the same order (bias, then i = 0, 1,
 * ...), which is what keeps the engine deterministic and its golden tests valid?
 *
 * Run it (single-file source launcher, JDK 17):
 *
 *   java --add-modules jdk.incubator.vector bench/experiments/DenseKernels.java
 *
 * Four kernels, timed in thread CPU time (the machine may be shared) at mini-batch 32 on the
 * layer shapes of the engine benchmarks:
 *   - engineBefore: the plain loop on the flat arrays; the output row is read and written back for
 *     every input i, so nothing stays in registers;
 *   - engine: the scalar layout of Dense (per-row weight arrays, a zero-based scratch row), one
 *     input per pass;
 *   - vector: the Vector API holding one vector of outputs in a register across the whole i loop;
 *   - vector4: the same for 4 rows at once, so each weight vector loaded serves 4 rows.
 * Each vector kernel multiplies then adds (no fused multiply-add), so every lane rounds exactly as
 * the scalar loop does: the program checks that the results are bit-identical to engineBefore's.
 */
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

public class DenseKernels {
  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  /** The plain loop on the flat arrays: output row read and written back for every input. */
  static void engineBefore(float[] input, float[] output, float[] weight, float[] bias, int batch, int in, int out) {
    for (int b = 0; b < batch; b++) {
      int yRow = b * out;
      int xRow = b * in;
      System.arraycopy(bias, 0, output, yRow, out);
      for (int i = 0; i < in; i++) {
        float x = input[xRow + i];
        int wRow = i * out;
        for (int o = 0; o < out; o++) {
          output[yRow + o] += x * weight[wRow + o];
        }
      }
    }
  }

  /**
   * Dense's scalar layout: weights mirrored as one array per input row, the output row accumulated
   * in a zero-based scratch row (so that the superword pass sees simple loops), one input per pass.
   */
  static void engine(float[] input, float[] output, float[][] weightRows, float[] bias, float[] acc, int batch, int in, int out) {
    for (int b = 0; b < batch; b++) {
      int xRow = b * in;
      System.arraycopy(bias, 0, acc, 0, out);
      for (int i = 0; i < in; i++) {
        float x = input[xRow + i];
        float[] w = weightRows[i];
        for (int o = 0; o < out; o++) {
          acc[o] += x * w[o];
        }
      }
      System.arraycopy(acc, 0, output, b * out, out);
    }
  }

  /** One row at a time, one vector of outputs accumulated in a register over all i. */
  static void vector(float[] input, float[] output, float[] weight, float[] bias, int batch, int in, int out) {
    int lanes = SPECIES.length();
    for (int b = 0; b < batch; b++) {
      int yRow = b * out;
      int xRow = b * in;
      int o = 0;
      for (; o + lanes <= out; o += lanes) {
        FloatVector acc = FloatVector.fromArray(SPECIES, bias, o);
        for (int i = 0; i < in; i++) {
          acc = acc.add(FloatVector.fromArray(SPECIES, weight, i * out + o).mul(input[xRow + i]));
        }
        acc.intoArray(output, yRow + o);
      }
      scalarTail(input, output, weight, bias, b, in, out, o);
    }
  }

  /** Four rows at a time: each weight vector loaded once serves four accumulators. */
  static void vector4(float[] input, float[] output, float[] weight, float[] bias, int batch, int in, int out) {
    int lanes = SPECIES.length();
    int b = 0;
    for (; b + 4 <= batch; b += 4) {
      int x0 = b * in, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in;
      int o = 0;
      for (; o + lanes <= out; o += lanes) {
        FloatVector a0 = FloatVector.fromArray(SPECIES, bias, o);
        FloatVector a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < in; i++) {
          FloatVector w = FloatVector.fromArray(SPECIES, weight, i * out + o);
          a0 = a0.add(w.mul(input[x0 + i]));
          a1 = a1.add(w.mul(input[x1 + i]));
          a2 = a2.add(w.mul(input[x2 + i]));
          a3 = a3.add(w.mul(input[x3 + i]));
        }
        a0.intoArray(output, b * out + o);
        a1.intoArray(output, (b + 1) * out + o);
        a2.intoArray(output, (b + 2) * out + o);
        a3.intoArray(output, (b + 3) * out + o);
      }
      for (int r = b; r < b + 4; r++) {
        scalarTail(input, output, weight, bias, r, in, out, o);
      }
    }
    for (; b < batch; b++) { // the rows left over when batch is not a multiple of 4
      scalarTail(input, output, weight, bias, b, in, out, 0);
    }
  }

  /** Outputs o.. out-1 of row b, scalar, same order of terms. */
  static void scalarTail(float[] input, float[] output, float[] weight, float[] bias, int b, int in, int out, int from) {
    for (int o = from; o < out; o++) {
      float sum = bias[o];
      for (int i = 0; i < in; i++) {
        sum += input[b * in + i] * weight[i * out + o];
      }
      output[b * out + o] = sum;
    }
  }

  interface Kernel {
    void run(float[] input, float[] output, float[] weight, float[] bias, int batch, int in, int out);
  }

  public static void main(String[] args) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int batch = 32;
    int[][] layers = {{10, 32}, {32, 2}, {54, 64}, {64, 32}, {32, 7}, {784, 256}, {256, 128}, {128, 10}};
    String[] names = {"engineBefore", "engine", "vector", "vector4"};
    System.out.println("species " + SPECIES + "; GFLOP/s in thread CPU time, best of 5, batch " + batch);
    for (int[] layer : layers) {
      int in = layer[0], out = layer[1];
      SplittableRandom random = new SplittableRandom(1);
      float[] weight = new float[in * out], input = new float[batch * in], bias = new float[out];
      for (int i = 0; i < weight.length; i++) weight[i] = (float) (random.nextDouble() - 0.5);
      for (int i = 0; i < input.length; i++) input[i] = (float) (random.nextDouble() - 0.5);
      for (int i = 0; i < out; i++) bias[i] = (float) random.nextDouble();
      float[] expected = new float[batch * out];
      engineBefore(input, expected, weight, bias, batch, in, out);
      float[][] weightRows = new float[in][];
      for (int i = 0; i < in; i++) {
        weightRows[i] = Arrays.copyOfRange(weight, i * out, (i + 1) * out);
      }
      float[] acc = new float[out];
      Kernel[] kernels = {
        DenseKernels::engineBefore,
        (x, y, w, c, n, p, q) -> engine(x, y, weightRows, c, acc, n, p, q),
        DenseKernels::vector,
        DenseKernels::vector4
      };
      StringBuilder line = new StringBuilder(String.format("%4d -> %-4d", in, out));
      int reps = (int) (5e7 / ((long) batch * in * out)) + 1;
      for (int k = 0; k < kernels.length; k++) {
        float[] output = new float[batch * out];
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
          long start = threads.getCurrentThreadCpuTime();
          for (int r = 0; r < reps; r++) {
            kernels[k].run(input, output, weight, bias, batch, in, out);
          }
          best = Math.min(best, (threads.getCurrentThreadCpuTime() - start) / (double) reps);
        }
        double gflops = 2.0 * batch * in * out / best;
        String same = Arrays.equals(expected, output) ? "" : " (DIFFERS)";
        line.append(String.format("  %s %6.2f%s", names[k], gflops, same));
      }
      System.out.println(line);
    }
  }
}
