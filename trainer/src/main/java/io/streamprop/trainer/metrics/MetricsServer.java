package io.streamprop.trainer.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The Prometheus scrape endpoint: {@code GET /metrics} in the text exposition format, on the JDK's
 * built-in HTTP server (one scrape every few seconds needs nothing more).
 */
public final class MetricsServer implements AutoCloseable {
  private final HttpServer server;

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts serving {@code registry} on {@code port} of every interface (0: any free port).
   *
   * @throws IOException if the port cannot be bound; its message names the address, {@code cannot
   *     listen on 0.0.0.0:8081: Address already in use}
   */
  public static MetricsServer start(int port, PrometheusMeterRegistry registry) throws IOException {
    InetSocketAddress address = new InetSocketAddress(port);
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new IOException(
          "cannot listen on "
              + address.getAddress().getHostAddress()
              + ":"
              + port
              + ": "
              + e.getMessage(),
          e);
    }
    server.createContext("/metrics", exchange -> scrape(exchange, registry));
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "streamprop-metrics-http");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    return new MetricsServer(server);
  }

  private static void scrape(HttpExchange exchange, PrometheusMeterRegistry registry)
      throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
