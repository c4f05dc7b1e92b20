package io.streamprop.wire;

import io.streamprop.learn.population.AverageState;
import io.streamprop.learn.state.DenseState;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A member's averaged weights in a population's container ({@link PopulationCodec}, flag bit 4),
 * after the member's snapshot, big-endian:
 *
 * <pre>
 * uint8 1 (0: the member has no average yet, and nothing follows); int64 updates; float64 recent loss; int32 layers; per layer, input side first:
 *   int32 n, n float32 weight (inFeatures × outFeatures, row-major); int32 m, m float32 bias
 * </pre>
 */
final class PopulationAverageCodec {
  private PopulationAverageCodec() {}

  /** Most layers an average may hold (a spec's hidden layers are far fewer). */
  private static final int MAX_LAYERS = 1024;

  static void write(DataOutputStream out, AverageState average) throws IOException {
    out.writeByte(average == null ? 0 : 1);
    if (average == null) {
      return;
    }
    out.writeLong(average.updates());
    out.writeDouble(average.recentLoss());
    out.writeInt(average.layers().size());
    for (DenseState layer : average.layers()) {
      writeFloats(out, layer.weight());
      writeFloats(out, layer.bias());
    }
  }

  static AverageState read(ByteBuffer in) {
    if (absent(in)) {
      return null;
    }
    long updates = in.getLong();
    double recentLoss = in.getDouble();
    int layers = PopulationBytes.count(in, "average layers", MAX_LAYERS);
    List<DenseState> dense = new ArrayList<>(layers);
    for (int l = 0; l < layers; l++) {
      dense.add(new DenseState(readFloats(in), readFloats(in)));
    }
    return new AverageState(dense, updates, recentLoss);
  }

  /** Moves past a member's average without building it. */
  static void skip(ByteBuffer in) {
    if (absent(in)) {
      return;
    }
    PopulationBytes.skip(in, 16);
    for (int l = 2 * PopulationBytes.count(in, "average layers", MAX_LAYERS); l > 0; l--) {
      PopulationBytes.skip(in, 4L * PopulationBytes.count(in, "average floats", Integer.MAX_VALUE));
    }
  }

  /** Reads the presence byte: true when the member has no average (nothing follows). */
  private static boolean absent(ByteBuffer in) {
    byte b = in.get();
    if (b != 0 && b != 1) {
      throw new SnapshotException(
          "invalid population: member average marker must be 0 or 1, got " + b);
    }
    return b == 0;
  }

  private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    out.writeInt(values.length);
    for (float v : values) {
      out.writeFloat(v);
    }
  }

  private static float[] readFloats(ByteBuffer in) {
    int n = PopulationBytes.count(in, "average floats", in.remaining() / 4);
    float[] values = new float[n];
    in.asFloatBuffer().get(values);
    in.position(in.position() + 4 * n);
    return values;
  }
}
