package io.streamprop.faults.rig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Linux network namespace joined to this host by a veth pair, made with iproute2's {@code ip}
 * (root only): the host end gets {@link #hostAddress()}, the namespace end {@link
 * #namespaceAddress()}, one {@code 10.231.X.Y/30} subnet not yet on any interface here, and the
 * namespace's loopback is up. A process started with {@link #launcher()} in front of its command
 * line ({@code ip netns exec NAME java ...}; {@code ip} execs the command, so the process is the
 * JVM itself) sees only the namespace: it reaches this host at {@link #hostAddress()} and nothing
 * else, loopback included. {@link #cut()} sets the host end down, so no packet crosses in either
 * direction (connections stay open and hang, as across a failed switch); {@link #restore()} sets it
 * up again and forgets the neighbours each side failed to resolve meanwhile. {@link #close()} (and
 * a shutdown hook, if the test JVM is stopped first) deletes the namespace and the pair.
 *
 * <p>Call order: {@link #create()}, any number of {@link #cut()} / {@link #restore()}, {@link
 * #close()} after the processes inside have ended.
 */
public final class NetNamespace implements AutoCloseable {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final String name;
  private final String hostEnd;
  private final String namespaceEnd;
  private final String hostAddress;
  private final String namespaceAddress;
  private final Thread hook;
  private boolean closed;

  private NetNamespace(String name, String hostEnd, String namespaceEnd, int subnet) {
    this.name = name;
    this.hostEnd = hostEnd;
    this.namespaceEnd = namespaceEnd;
    // subnet (0..16383) numbers the /30 blocks of 10.231.0.0/16: .1 is the host, .2 the namespace.
    String prefix = "10.231." + (subnet >> 6) + ".";
    this.hostAddress = prefix + ((subnet & 63) * 4 + 1);
    this.namespaceAddress = prefix + ((subnet & 63) * 4 + 2);
    this.hook = new Thread(this::delete, "net-namespace-delete");
  }

  /**
   * Whether this process may make network namespaces: {@code ip} runs, and a namespace can be added
   * and deleted. Empty when it may; otherwise why not, for a skipped test's message.
   */
  public static String unavailableReason() {
    String probe = "sp-probe-" + ProcessHandle.current().pid();
    try {
      Result added = run("ip", "netns", "add", probe);
      if (added.code != 0) {
        return "`ip netns add` is not permitted here (needs root and iproute2): " + added.output;
      }
      run("ip", "netns", "del", probe);
      return "";
    } catch (IOException e) {
      return "no `ip` command (Debian package iproute2): " + e.getMessage();
    }
  }

  /** Makes the namespace and the veth pair, both ends up, with unique names and addresses. */
  public static NetNamespace create() {
    int n = COUNTER.incrementAndGet();
    String tag = Long.toHexString(ProcessHandle.current().pid()) + "x" + n;
    // Interface names are at most 15 characters.
    NetNamespace ns =
        new NetNamespace("sp-zombie-" + tag, "spz" + tag + "h", "spz" + tag + "n", freeSubnet());
    Runtime.getRuntime().addShutdownHook(ns.hook);
    try {
      ns.must("ip", "netns", "add", ns.name);
      ns.must("ip", "link", "add", ns.hostEnd, "type", "veth", "peer", "name", ns.namespaceEnd);
      ns.must("ip", "link", "set", ns.namespaceEnd, "netns", ns.name);
      ns.must("ip", "addr", "add", ns.hostAddress + "/30", "dev", ns.hostEnd);
      ns.must("ip", "link", "set", ns.hostEnd, "up");
      ns.inside("ip", "addr", "add", ns.namespaceAddress + "/30", "dev", ns.namespaceEnd);
      ns.inside("ip", "link", "set", ns.namespaceEnd, "up");
      ns.inside("ip", "link", "set", "lo", "up");
      return ns;
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  /** The namespace's name ({@code ip netns list}). */
  public String name() {
    return name;
  }

  /** This host's address on the pair: what the namespace can reach. */
  public String hostAddress() {
    return hostAddress;
  }

  /** The namespace's own address on the pair. */
  public String namespaceAddress() {
    return namespaceAddress;
  }

  /** The words to put before a command line to run it inside the namespace. */
  public List<String> launcher() {
    return List.of("ip", "netns", "exec", name);
  }

  /** Drops every packet between the namespace and the host, both ways: the host end goes down. */
  public synchronized void cut() {
    must("ip", "link", "set", hostEnd, "down");
  }

  /**
   * Joins them again: the host end goes up, and both sides forget neighbours that failed to resolve
   * while the link was down (a failed entry would answer "no route to host" for some seconds).
   */
  public synchronized void restore() {
    must("ip", "link", "set", hostEnd, "up");
    must("ip", "neigh", "flush", "dev", hostEnd);
    inside("ip", "neigh", "flush", "dev", namespaceEnd);
  }

  /** Deletes the namespace and the pair; errors are ignored (parts may never have been made). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    delete();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook runs anyway.
    }
  }

  private void delete() {
    try {
      // Deleting the namespace destroys its end, and with it the pair; the host end is deleted
      // too in case a process inside still holds the namespace open.
      run("ip", "netns", "del", name);
      run("ip", "link", "del", hostEnd);
    } catch (IOException e) {
      // No ip: nothing was made.
    }
  }

  private void inside(String... command) {
    List<String> full = new ArrayList<>(launcher());
    full.addAll(List.of(command));
    must(full.toArray(String[]::new));
  }

  private void must(String... command) {
    Result r;
    try {
      r = run(command);
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + " did not run: " + e, e);
    }
    if (r.code != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited with " + r.code + ": " + r.output);
    }
  }

  /** A /30 block of 10.231.0.0/16 that no interface of this host holds an address in. */
  private static int freeSubnet() {
    String used;
    try {
      used = run("ip", "-4", "-o", "addr", "show").output;
    } catch (IOException e) {
      throw new IllegalStateException("ip -4 -o addr show did not run: " + e, e);
    }
    for (int attempt = 0; attempt < 100; attempt++) {
      int subnet = ThreadLocalRandom.current().nextInt(1 << 14);
      boolean taken = false;
      for (int host = 0; host < 4; host++) {
        taken |= used.contains(" 10.231." + (subnet >> 6) + "." + ((subnet & 63) * 4 + host) + "/");
      }
      if (!taken) {
        return subnet;
      }
    }
    throw new IllegalStateException("no free /30 found in 10.231.0.0/16 in 100 tries");
  }

  private record Result(int code, String output) {}

  private static Result run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "no exit within 30 s");
      }
      return new Result(p.exitValue(), output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return new Result(-1, "interrupted");
    }
  }
}
