package io.streamprop.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

/**
 * The current thread's allocation counter, for tests that check a steady state allocates nothing.
 */
public final class ThreadAllocations {
  private ThreadAllocations() {}

  /**
   * HotSpot's thread bean with allocation counting on; skips the calling test where the JVM cannot
   * count a thread's allocated bytes.
   */
  public static com.sun.management.ThreadMXBean counter() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(
        bean instanceof com.sun.management.ThreadMXBean mx && mx.isThreadAllocatedMemorySupported(),
        "this JVM cannot count allocated bytes per thread");
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
    mx.setThreadAllocatedMemoryEnabled(true);
    return mx;
  }
}
