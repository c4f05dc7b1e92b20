package io.streamprop.scorer.http;

import io.streamprop.scorer.metrics.PredictOutcome;
import io.streamprop.scorer.metrics.ScorerMetrics;
import io.streamprop.scorer.predlog.IdGenerator;
import io.streamprop.scorer.predlog.PredictionLog;
import io.streamprop.scorer.predlog.PredictionLogMode;
import io.streamprop.scorer.registry.ModelRegistry;
import io.streamprop.scorer.registry.ServedModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
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
  private static final String PREDICT_VERB = ":predict";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final ModelRegistry models;
  private final ScorerMetrics metrics;
  private final Health health;
  private final int maxBodyBytes;
  private final Clock clock;
  private final AccessPolicy access;
  private IdGenerator idGenerator = new IdGenerator();
  private PredictionLog predictionLog;
  private String predictionsTopic;

  /** A handler with every route open and no rate limit. */
  public ScorerHandler(
      ModelRegistry models, ScorerMetrics metrics, Health health, int maxBodyBytes, Clock clock) {
    this(models, metrics, health, maxBodyBytes, clock, AccessPolicy.open());
  }

  /**
   * @param maxBodyBytes largest predict body accepted; larger ones get a 413
   * @param access who may call which route, and the rate limit
   */
  public ScorerHandler(
      ModelRegistry models,
      ScorerMetrics metrics,
      Health health,
      int maxBodyBytes,
      Clock clock,
      AccessPolicy access) {
    super(InvocationType.NON_BLOCKING);
    this.models = models;
    this.metrics = metrics;
    this.health = health;
    this.maxBodyBytes = maxBodyBytes;
    this.clock = clock;
    this.access = access;
  }

  /**
   * Writes every answered prediction to {@code log} on {@code topic} and generates missing ids by
   * {@code ids}; call before the server starts.
   */
  public ScorerHandler withPredictionLog(PredictionLog log, String topic, IdGenerator ids) {
    this.predictionLog = log.mode() == PredictionLogMode.OFF ? null : log;
    this.predictionsTopic = topic;
    this.idGenerator = ids;
    return this;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    String predictModel = predictTarget(path);
    String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (predictModel != null) {
      try {
        access.check(
            AccessPolicy.Route.PREDICT, authorization, () -> Request.getRemoteAddr(request));
      } catch (HttpError e) {
        metrics.requestRefused(ScorerMetrics.PREDICT_ROUTE, e.status(), e.limit());
        closeIfBodyUnread(request, response);
        finish(response, callback, predictModel, System.nanoTime(), errorReply(e, -1), 0);
        return true;
      }
      predict(request, response, callback, predictModel);
      return true;
    }
    Reply reply;
    try {
      AccessPolicy.Route route = routeOf(path);
      try {
        access.check(route, authorization, () -> Request.getRemoteAddr(request));
      } catch (HttpError e) {
        metrics.requestRefused(route.name().toLowerCase(Locale.ROOT), e.status(), e.limit());
        throw e;
      }
      reply = route(request, path);
    } catch (HttpError e) {
      closeIfBodyUnread(request, response);
      reply = errorReply(e, -1);
    } catch (RuntimeException e) {
      log.error("request {} {} failed", request.getMethod(), request.getHttpURI(), e);
      reply = Reply.json(500, JsonBodies.error("internal error: " + e, -1), -1);
    }
    send(response, callback, reply);
    return true;
  }

  /** The model name if the path is {@code /v1/models/{model}:predict}, else null. */
  private static String predictTarget(String path) {
    if (!path.startsWith(MODELS_PREFIX) || !path.endsWith(PREDICT_VERB)) {
      return null;
    }
    int end = path.length() - PREDICT_VERB.length();
    return end > MODELS_PREFIX.length() ? path.substring(MODELS_PREFIX.length(), end) : null;
  }

  /** The access class of a non-predict path. */
  private static AccessPolicy.Route routeOf(String path) {
    if (path.equals("/v1/models") || path.startsWith("/v1/models/")) {
      return AccessPolicy.Route.MODELS;
    }
    if (path.equals("/metrics")) {
      return AccessPolicy.Route.METRICS;
    }
    if (path.startsWith("/health/")) {
      return AccessPolicy.Route.HEALTH;
    }
    return AccessPolicy.Route.OTHER;
  }

  private Reply route(Request request, String path) {
    String method = request.getMethod();
    if (path.startsWith(MODELS_PREFIX) && path.length() > MODELS_PREFIX.length()) {
      String rest = path.substring(MODELS_PREFIX.length());
      if (rest.indexOf(':') >= 0) {
        throw new HttpError(
            404, "no route for " + method + " " + path + "; the only model verb is ':predict'");
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
        return listModels(request);
      }
      case "/metrics" -> {
        requireGet(method, path);
        return new Reply(
            200, PROMETHEUS_TEXT, metrics.scrape().getBytes(StandardCharsets.UTF_8), -1, Map.of());
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

  /**
   * Look the model up once, read the body without blocking, parse it against the model's width (or
   * featurize its raw instances, for a model with raw features), predict, and answer with that
   * model's version. Every step is CPU work of microseconds, which is why the handler can be {@link
   * InvocationType#NON_BLOCKING}: Jetty may run it on the selector thread and save a thread
   * hand-off per request.
   */
  /** Models listed per page unless {@code ?limit=} says otherwise. */
  static final int LIST_LIMIT = 1000;

  /** Most models one page may list. */
  static final int LIST_LIMIT_MAX = 10_000;

  /**
   * {@code GET /v1/models[?limit=N][&after=NAME]}: a page of the served models sorted by name, with
   * {@code next_after} when more follow (a scorer may serve 100,000 models; a page bounds the
   * decoding a listing costs).
   */
  private Reply listModels(Request request) {
    Fields query = Request.extractQueryParameters(request);
    String limitText = query.getValue("limit");
    int limit = LIST_LIMIT;
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText.strip());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > LIST_LIMIT_MAX) {
        throw new HttpError(
            400,
            "query parameter 'limit' must be a whole number from 1 to "
                + LIST_LIMIT_MAX
                + ", got '"
                + limitText
                + "'");
      }
    }
    ModelRegistry.Page page = models.page(query.getValue("after"), limit);
    return Reply.json(200, JsonBodies.models(page.models(), page.nextAfter(), clock.instant()), -1);
  }

  private void predict(Request request, Response response, Callback callback, String name) {
    long start = System.nanoTime();
    ServedModel model = null;
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
      long length = request.getLength();
      if (length > maxBodyBytes) {
        throw tooLarge(length + " bytes");
      }
    } catch (HttpError e) {
      closeIfBodyUnread(request, response);
      finish(
          response, callback, name, start, errorReply(e, model == null ? -1 : model.version()), 0);
      return;
    }
    ServedModel served = model;
    BodyReader.read(
        request,
        maxBodyBytes,
        (body, error) -> {
          int rows = 0;
          Reply reply;
          ProducerRecord<byte[], byte[]>[] records = null;
          try {
            if (error != null) {
              throw error;
            }
            PredictBody.Answer answer =
                PredictBody.answer(
                    served,
                    body,
                    idGenerator,
                    predictionLog == null ? null : predictionsTopic,
                    clock.millis());
            rows = answer.rows();
            reply = Reply.json(200, answer.body(), served.version());
            records = answer.records();
          } catch (HttpError e) {
            reply = errorReply(e, served.version());
          } catch (RuntimeException e) {
            log.error("predict on model '{}' failed", name, e);
            reply =
                Reply.json(
                    500,
                    JsonBodies.error("internal error: " + e, served.version()),
                    served.version());
          }
          if (records == null) {
            finish(response, callback, name, start, reply, rows);
            return;
          }
          // Answered only once the log has the predictions (or at once, in the async mode).
          Reply answered = reply;
          int logged = rows;
          predictionLog.write(
              records,
              failure ->
                  finish(
                      response,
                      callback,
                      name,
                      start,
                      failure == null ? answered : logFailed(failure, served.version()),
                      logged));
        });
  }

  /** The 503 of a request whose predictions the log could not take: they are not answered. */
  private Reply logFailed(Exception failure, long version) {
    return errorReply(
        new HttpError(
            503,
            "the prediction log could not record the predictions (topic '"
                + predictionsTopic
                + "'): "
                + failure
                + "; they are not answered, retry the request"),
        version);
  }

  private void finish(
      Response response, Callback callback, String name, long start, Reply reply, int rows) {
    metrics
        .predict(name)
        .record(PredictOutcome.ofStatus(reply.status()), rows, System.nanoTime() - start);
    send(response, callback, reply);
  }

  private HttpError tooLarge(String size) {
    return tooLarge(size, maxBodyBytes);
  }

  static HttpError tooLarge(String size, int maxBodyBytes) {
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
        JsonBodies.error(error.getMessage(), modelVersion, error.limit()),
        modelVersion,
        error.headers());
  }

  /**
   * An answer sent before the request's body was read ends the connection, and says so with {@code
   * Connection: close}. Otherwise Jetty closes it anyway once it finds the unread body, after the
   * answer, and a client that pooled the connection for its next request sees it die under that
   * request with no answer at all (RFC 9112 section 9.6: a server that closes must say so).
   */
  private static void closeIfBodyUnread(Request request, Response response) {
    if (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
  }

  private static void send(Response response, Callback callback, Reply reply) {
    response.setStatus(reply.status());
    var headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, reply.contentType());
    headers.put(HttpHeader.CONTENT_LENGTH, reply.body().length);
    if (reply.modelVersion() >= 0) {
      headers.put(VERSION_HEADER, Long.toString(reply.modelVersion()));
    }
    reply.headers().forEach(headers::put);
    response.write(true, ByteBuffer.wrap(reply.body()), callback);
  }
}
