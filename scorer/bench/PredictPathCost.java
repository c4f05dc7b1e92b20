package io.streamprop.scorer.http;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.learn.Predictor;
import io.streamprop.scorer.registry.ModelInfo;
import io.streamprop.scorer.registry.ServedModel;
import io.streamprop.spec.SpecJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

/**
 * CPU cost of each stage of a predict request outside HTTP: parsing the body ({@link Instances}),
 * inference ({@link io.streamprop.learn.Predictor}) and writing the response ({@link JsonBodies}),
 * in microseconds of this thread's CPU time (robust to a busy machine, unlike wall time) for model
 * M and the body of {@code predict-batch64.lua} (arguments: rows per request, default 64; then
 * {@code repr} to write each feature as the shortest decimal of its double, 16-17 digits, as
 * Python's {@code json.dumps} and JavaScript's {@code JSON.stringify} do, instead of the script's
 * 4 decimals). It lives in the scorer's package to reach its package-private classes; run it as
 * docs/benchmarks.md ("Scorer: where the time goes") shows.
 */
public class PredictPathCost {
  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    boolean repr = args.length > 1 && args[1].equals("repr");
    OnlineLearner learner =
        OnlineLearner.create(
            SpecJson.parse("{\"inputs\": 54, \"classes\": 7, \"hidden\": [64, 32]}"));
    Random rnd = new Random(1);
    for (int i = 0; i < 2000; i++) {
      float[] f = new float[54];
      for (int j = 0; j < 54; j++) f[j] = (float) rnd.nextGaussian();
      learner.learn(f, new float[] {rnd.nextInt(7)});
    }
    Predictor p = learner.predictor();
    ServedModel model =
        new ServedModel(
            "M",
            1,
            p.spec(),
            p::predict,
            new ModelInfo(0, 0, 0, 0, Instant.now(), Instant.now(), 0, 0, "{}"));
    StringBuilder sb = new StringBuilder("{\"instances\": [");
    for (int i = 1; i <= rows; i++) {
      sb.append(i > 1 ? "," : "").append('[');
      for (int j = 1; j <= 54; j++) {
        double value = ((i * 54 + j * 37) % 19) / 9.5 - 1;
        sb.append(j > 1 ? "," : "")
            .append(repr ? Double.toString(value) : String.format("%.4f", value));
      }
      sb.append(']');
    }
    byte[] body = sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    Instances inst = Instances.parse(body, model);
    float[] out = model.inference().predict(inst.features(), inst.rows());
    long sink = 0;
    String[] ids = new io.streamprop.scorer.predlog.IdGenerator().next(rows);
    for (int round = 0; round < 6; round++) {
      int n = 20000 * 64 / rows;
      var mx = java.lang.management.ManagementFactory.getThreadMXBean();
      long t0 = mx.getCurrentThreadCpuTime();
      for (int k = 0; k < n; k++) sink += Instances.parse(body, model).rows();
      long t1 = mx.getCurrentThreadCpuTime();
      for (int k = 0; k < n; k++) sink += model.inference().predict(inst.features(), rows).length;
      long t2 = mx.getCurrentThreadCpuTime();
      for (int k = 0; k < n; k++) sink += JsonBodies.predictions(model, out, rows, ids, null).length;
      long t3 = mx.getCurrentThreadCpuTime();
      System.out.printf(
          "rows %d: parse %.1f us, predict %.1f us, write %.1f us per request CPU (%d B in, %d B"
              + " out)%n",
          rows,
          (t1 - t0) / 1e3 / n,
          (t2 - t1) / 1e3 / n,
          (t3 - t2) / 1e3 / n,
          body.length,
          JsonBodies.predictions(model, out, rows, ids, null).length);
    }
    System.out.println(sink);
  }
}
