package io.streamprop.scorer.http;

import java.util.Map;

/**
 * A request the scorer refuses, with the HTTP status and a message that names the problem, and any
 * header the status calls for ({@code Allow}, {@code WWW-Authenticate}, {@code Retry-After}).
 * Thrown while handling a request and turned into {@code {"error": "..."}} by {@link
 * ScorerHandler}.
 */
public final class HttpError extends RuntimeException {
  private final int status;
  private final Map<String, String> headers;
  private final String limit;

  public HttpError(int status, String message) {
    this(status, message, Map.of(), null);
  }

  private HttpError(int status, String message, Map<String, String> headers, String limit) {
    super(message, null, false, false);
    this.status = status;
    this.headers = headers;
    this.limit = limit;
  }

  /** A 405 that also names the method the route takes (the {@code Allow} header). */
  public static HttpError methodNotAllowed(String allow, String method, String path) {
    return new HttpError(
        405,
        method + " is not allowed on " + path + "; use " + allow,
        Map.of("Allow", allow),
        null);
  }

  /**
   * A 401 with the challenge of RFC 6750 §3: {@code WWW-Authenticate: Bearer}, plus {@code
   * error="invalid_token"} when a token was given but is not accepted.
   */
  public static HttpError unauthorized(String message, String bearerError) {
    String challenge =
        bearerError == null
            ? "Bearer realm=\"streamprop\""
            : "Bearer realm=\"streamprop\", error=\"" + bearerError + "\"";
    return new HttpError(401, message, Map.of("WWW-Authenticate", challenge), null);
  }

  /**
   * A 429 with {@code Retry-After} in whole seconds; {@code limit} names the limit that refused it
   * ({@code "client"} or {@code "global"}), for the body's {@code "limit"} field and the metrics.
   */
  public static HttpError tooManyRequests(String message, long retryAfterSeconds, String limit) {
    return new HttpError(
        429, message, Map.of("Retry-After", Long.toString(retryAfterSeconds)), limit);
  }

  public int status() {
    return status;
  }

  /** The rate limit that refused the request ({@code client}, {@code global}), or null. */
  public String limit() {
    return limit;
  }

  /** Headers the response must carry; empty for most statuses. */
  public Map<String, String> headers() {
    return headers;
  }
}
