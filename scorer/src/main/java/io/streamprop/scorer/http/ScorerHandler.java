package io.streamprop.scorer.http;

import io.streamprop.scorer.metrics.PredictOutcome;
import io.streamprop.scorer.metrics.ScorerMetrics;
import io.streamprop.scorer.registry.ModelRegistry;
import io.streamprop.scorer.registry.ServedModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every HTTP route of the scorer (documented in {@code docs/api.md}), as one Jetty core handler:
 *
 * <pre>
 * POST /v1/models/{model}:predict   predictions from the served version of the model
 * GET  /v1/models/{model}           status and metadata of one model
 * GET  /v1/models                   status and metadata of every model
 * GET  /metrics                     Prometheus exposition
 * GET  /health/live                 200 while the process works
 * GET  /health/ready                200 once the snapshot topic was read to its end
 * </pre>
 *
 * <p>A request looks its model up once and uses that immutable {@link ServedModel} for the
 * prediction, the version header and the body, so a response never mixes two versions. Client
 * mistakes get a 4xx with {@code {"error": "..."}}; only a failure of the scorer itself is a 500.
 */
public final class ScorerHandler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(ScorerHandler.class);

  /** Response header carrying the version of the model that produced the response. */
  public static final String VERSION_HEADER = "X-Model-Version";

  static final String MODELS_PREFIX = "/v1/models/";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final ModelRegistry models;
  private final ScorerMetrics metrics;
  private final Health health;
  private final int maxBodyBytes;
  private final Clock clock;

  /**
   * @param maxBodyBytes largest predict body accepted; larger ones get a 413
   */
  public ScorerHandler(
      ModelRegistry models, ScorerMetrics metrics, Health health, int maxBodyBytes, Clock clock) {
    super(InvocationType.BLOCKING);
    this.models = models;
    this.metrics = metrics;
    this.health = health;
    this.maxBodyBytes = maxBodyBytes;
    this.clock = clock;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Reply reply;
    try {
      reply = route(request);
    } catch (HttpError e) {
      reply = errorReply(e, -1);
    } catch (RuntimeException e) {
      log.error("request {} {} failed", request.getMethod(), request.getHttpURI(), e);
      reply = Reply.json(500, JsonBodies.error("internal error: " + e, -1), -1);
    }
    send(response, callback, reply);
    return true;
  }

  private Reply route(Request request) {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    if (path.startsWith(MODELS_PREFIX) && path.length() > MODELS_PREFIX.length()) {
      String rest = path.substring(MODELS_PREFIX.length());
      int colon = rest.lastIndexOf(':');
      if (colon >= 0) {
        String verb = rest.substring(colon + 1);
        if (!verb.equals("predict")) {
          throw new HttpError(
              404, "no route for " + method + " " + path + "; the only model verb is ':predict'");
        }
        return predict(request, rest.substring(0, colon));
      }
      if (rest.indexOf('/') >= 0) {
        throw new HttpError(404, "no route for " + method + " " + path);
      }
      requireGet(method, path);
      return model(rest);
    }
    switch (path) {
      case "/v1/models", "/v1/models/" -> {
        requireGet(method, path);
        requireReady();
        return Reply.json(200, JsonBodies.models(models.all(), clock.instant()), -1);
      }
      case "/metrics" -> {
        requireGet(method, path);
        return new Reply(
            200, PROMETHEUS_TEXT, metrics.scrape().getBytes(StandardCharsets.UTF_8), -1, null);
      }
      case "/health/live" -> {
        requireGet(method, path);
        return health.live()
            ? Reply.json(200, JsonBodies.health("live", health.detail(), false), -1)
            : Reply.json(503, JsonBodies.health("not_live", health.detail(), true), -1);
      }
      case "/health/ready" -> {
        requireGet(method, path);
        return health.ready()
            ? Reply.json(200, JsonBodies.health("ready", health.detail(), false), -1)
            : Reply.json(503, JsonBodies.health("not_ready", health.detail(), true), -1);
      }
      default ->
          throw new HttpError(
              404,
              "no route for "
                  + method
                  + " "
                  + path
                  + "; routes: POST /v1/models/{model}:predict, GET /v1/models/{model},"
                  + " GET /v1/models, GET /metrics, GET /health/live, GET /health/ready");
    }
  }

  private Reply model(String name) {
    requireReady();
    ServedModel model = models.get(name);
    if (model == null) {
      throw unknownModel(name);
    }
    return Reply.json(200, JsonBodies.model(model, clock.instant()), model.version());
  }

  /** Look the model up once, parse the body against its width, predict, answer with its version. */
  private Reply predict(Request request, String name) {
    long start = System.nanoTime();
    ServedModel model = null;
    int rows = 0;
    Reply reply;
    try {
      if (!request.getMethod().equals("POST")) {
        throw HttpError.methodNotAllowed(
            "POST", request.getMethod(), Request.getPathInContext(request));
      }
      requireReady();
      model = models.get(name);
      if (model == null) {
        throw unknownModel(name);
      }
      requireJson(request);
      Instances instances = Instances.parse(readBody(request), model);
      rows = instances.rows();
      float[] outputs = model.inference().predict(instances.features(), rows);
      reply = Reply.json(200, JsonBodies.predictions(model, outputs, rows), model.version());
    } catch (HttpError e) {
      reply = errorReply(e, model == null ? -1 : model.version());
    } catch (RuntimeException e) {
      log.error("predict on model '{}' failed", name, e);
      long version = model == null ? -1 : model.version();
      reply = Reply.json(500, JsonBodies.error("internal error: " + e, version), version);
    }
    metrics
        .predict(name)
        .record(PredictOutcome.ofStatus(reply.status()), rows, System.nanoTime() - start);
    return reply;
  }

  private byte[] readBody(Request request) {
    long length = request.getLength();
    if (length > maxBodyBytes) {
      throw tooLarge(length + " bytes");
    }
    try {
      return Content.Source.asByteArrayAsync(request, maxBodyBytes).get();
    } catch (ExecutionException e) {
      // The reader gives up once it has read more than the limit.
      if (Request.getContentBytesRead(request) > maxBodyBytes) {
        throw tooLarge("more than " + maxBodyBytes + " bytes");
      }
      throw new HttpError(400, "could not read the request body: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpError(503, "interrupted while reading the request body");
    }
  }

  private HttpError tooLarge(String size) {
    return new HttpError(
        413,
        "the request body is "
            + size
            + ", over the limit of "
            + maxBodyBytes
            + " bytes (streamprop.http.max.body.bytes); send fewer instances per request");
  }

  private static void requireJson(Request request) {
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (type == null) {
      return;
    }
    int semicolon = type.indexOf(';');
    String mediaType =
        (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
      throw new HttpError(
          415, "the body must be application/json, not '" + type + "'; set Content-Type");
    }
  }

  private void requireReady() {
    if (!health.ready()) {
      throw new HttpError(503, "not ready: " + health.detail());
    }
  }

  private static void requireGet(String method, String path) {
    if (!method.equals("GET")) {
      throw HttpError.methodNotAllowed("GET", method, path);
    }
  }

  private HttpError unknownModel(String name) {
    return new HttpError(
        404, "model '" + name + "' is not served; GET /v1/models lists the served models");
  }

  private static Reply errorReply(HttpError error, long modelVersion) {
    return new Reply(
        error.status(),
        Reply.JSON,
        JsonBodies.error(error.getMessage(), modelVersion),
        modelVersion,
        error.allow());
  }

  private static void send(Response response, Callback callback, Reply reply) {
    response.setStatus(reply.status());
    var headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, reply.contentType());
    headers.put(HttpHeader.CONTENT_LENGTH, reply.body().length);
    if (reply.modelVersion() >= 0) {
      headers.put(VERSION_HEADER, Long.toString(reply.modelVersion()));
    }
    if (reply.allow() != null) {
      headers.put(HttpHeader.ALLOW, reply.allow());
    }
    response.write(true, ByteBuffer.wrap(reply.body()), callback);
  }
}
