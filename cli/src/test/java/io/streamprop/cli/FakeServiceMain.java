package io.streamprop.cli;

import java.util.List;

/** Stands in for a service's main class: records the arguments it was started with. */
public final class FakeServiceMain {
  static volatile List<String> lastArgs;

  private FakeServiceMain() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("--fail")) {
      throw new IllegalStateException("the service failed to start");
    }
    lastArgs = List.of(args);
  }
}
