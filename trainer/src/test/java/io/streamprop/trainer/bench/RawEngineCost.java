package io.streamprop.trainer.bench;

import io.streamprop.learn.OnlineLearner;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.Example;
import io.streamprop.wire.ExampleParser;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * What the trainer's engine costs on raw events without Kafka (not a test; {@code java -cp ...
 * RawEngineCost [examples] [rounds]}): the spec and the events of {@link RawEventThroughput}, each
 * event parsed by the trainer's {@link ExampleParser} and learned by a fresh {@link OnlineLearner},
 * in rounds; prints the thread's CPU time per example, parsing and learning one event after the
 * other as the stream thread does, and parsing alone. The first round includes the JIT's and the
 * vector kernels' warm up; the later ones are the engine's share of a warm trainer's time per
 * example.
 */
public final class RawEngineCost {
  private RawEngineCost() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    ModelSpec spec = SpecJson.parse(RawEventThroughput.spec());
    byte[][] events = RawEventThroughput.events(n, 42);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < rounds; round++) {
      ExampleParser parser = new ExampleParser(spec, 1 << 20);
      long start = threads.getCurrentThreadCpuTime();
      for (byte[] event : events) {
        parser.parse(event);
      }
      long parsing = threads.getCurrentThreadCpuTime() - start;
      OnlineLearner learner = OnlineLearner.create(spec);
      start = threads.getCurrentThreadCpuTime();
      for (byte[] event : events) {
        Example e = parser.parse(event);
        if (e.ids() == null) {
          learner.learn(e.features(), e.label(), e.weight());
        } else {
          learner.learn(e.features(), e.ids(), e.label(), e.weight());
        }
      }
      long both = threads.getCurrentThreadCpuTime() - start;
      System.out.printf(
          Locale.ROOT,
          "round %d: %.2f us of CPU per example parsed and learned (parsing alone %.2f)%n",
          round,
          both / 1e3 / n,
          parsing / 1e3 / n);
    }
  }
}
