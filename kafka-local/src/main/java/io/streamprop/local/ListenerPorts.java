package io.streamprop.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The loopback ports of a {@link LocalKafka} node's listeners, chosen once when it is built and
 * kept across restarts: the client port, the controller's own port, and the TLS listener's port
 * (the client port itself on a TLS-only node, -1 without TLS). Free ports are picked below the
 * operating system's ephemeral range (see {@link #freePort()}).
 */
record ListenerPorts(int client, int controller, int tls) {

  /** Every listener binds this address: nothing of a local node is reachable from elsewhere. */
  static final String HOST = "127.0.0.1";

  private static final int FIRST_CHOSEN_PORT = 10000;

  /**
   * Chooses the ports: {@code requestedClientPort} (0 picks a free one), a different free port for
   * the controller and, beside a plaintext listener, a third one for TLS.
   */
  static ListenerPorts choose(int requestedClientPort, ClientSecurity security) {
    int client = requestedClientPort == 0 ? freePort() : requestedClientPort;
    int controller = freePortOtherThan(client);
    int tls = security.plaintext() ? -1 : client;
    while (security.hasTls() && (tls < 0 || tls == controller)) {
      tls = freePortOtherThan(client);
    }
    return new ListenerPorts(client, controller, tls);
  }

  /** {@code HOST:port} of the client listener. */
  String clientAddress() {
    return HOST + ":" + client;
  }

  /** {@code HOST:port} of the TLS listener. */
  String tlsAddress() {
    return HOST + ":" + tls;
  }

  /** {@code HOST:port} of the controller listener. */
  String controllerAddress() {
    return HOST + ":" + controller;
  }

  /**
   * A port that was free a moment ago, chosen below the operating system's ephemeral range. The
   * broker binds it seconds later (and again after every restart); a port inside the ephemeral
   * range could meanwhile become the local end of some outgoing connection on this machine, and the
   * bind would fail. Below that range only a process that binds this very port can collide.
   */
  private static int freePort() {
    return freePort(HOST);
  }

  /**
   * A port free on {@code host} a moment ago, chosen as {@link #freePort()} chooses one on
   * loopback: for a further listener on another local address (a cluster's external listener).
   */
  static int freePort(String host) {
    int ephemeralLow = ephemeralPortRangeStart();
    if (ephemeralLow > FIRST_CHOSEN_PORT + 1000) {
      for (int attempt = 0; attempt < 50; attempt++) {
        int candidate = ThreadLocalRandom.current().nextInt(FIRST_CHOSEN_PORT, ephemeralLow);
        if (isFree(host, candidate)) {
          return candidate;
        }
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new LocalKafkaException("no free port on " + host + ": " + e.getMessage(), e);
    }
  }

  private static int freePortOtherThan(int taken) {
    int port = freePort();
    while (port == taken) {
      port = freePort();
    }
    return port;
  }

  private static boolean isFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Linux publishes its ephemeral range; elsewhere assume the IANA range (49152 and up). */
  private static int ephemeralPortRangeStart() {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    // Read line by line: /proc reports a size of 0, and size-based reads (Files.readString)
    // come back truncated.
    try (BufferedReader reader = Files.newBufferedReader(range, StandardCharsets.US_ASCII)) {
      String[] bounds = reader.readLine().trim().split("\\s+");
      return Integer.parseInt(bounds[0]);
    } catch (IOException | RuntimeException e) {
      return 49152;
    }
  }
}
