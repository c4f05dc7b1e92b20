package io.streamprop.scorer.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The embedded Jetty 12 server (core API, no servlets) that runs a {@link ScorerHandler}: one
 * acceptor, a given number of selectors (the non-blocking predict handler runs on them), keep-alive
 * connections, 64 KiB input buffers, and a bounded pool of request threads.
 */
public final class ScorerHttpServer implements AutoCloseable {
  /**
   * Bytes a connection reads from its socket at a time (Jetty's default: 8 KiB). A batch of 64
   * instances of 54 features is about 27 KB, which takes four {@code read} calls at 8 KiB and one
   * at 64 KiB (docs/benchmarks.md, "Scorer: where the time goes"). 64 KiB is the largest buffer
   * Jetty's default pool keeps for reuse, and a connection holds it only while bytes are waiting in
   * it.
   */
  static final int INPUT_BUFFER_BYTES = 64 * 1024;

  private final Server server;
  private final ServerConnector connector;

  /**
   * @param host interface to bind, e.g. {@code 0.0.0.0}
   * @param port port to bind; 0 picks a free one (see {@link #port()})
   */
  public ScorerHttpServer(String host, int port, int maxThreads, Handler handler) {
    this(host, port, maxThreads, 1, handler);
  }

  /**
   * @param selectors Jetty selector threads; the non-blocking predict handler runs on them
   */
  public ScorerHttpServer(String host, int port, int maxThreads, int selectors, Handler handler) {
    QueuedThreadPool threads = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
    threads.setName("scorer-http");
    server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);
    HttpConnectionFactory http = new HttpConnectionFactory(config);
    http.setInputBufferSize(INPUT_BUFFER_BYTES);
    connector = new ServerConnector(server, 1, selectors, http);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(handler);
    server.setStopTimeout(2_000);
  }

  public void start() throws Exception {
    server.start();
  }

  /** The bound port (useful when constructed with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
