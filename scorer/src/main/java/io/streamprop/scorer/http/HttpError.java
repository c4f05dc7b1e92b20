package io.streamprop.scorer.http;

/**
 * A request the scorer refuses, with the HTTP status and a message that names the problem. Thrown
 * while handling a request and turned into {@code {"error": "..."}} by {@link ScorerHandler}.
 */
public final class HttpError extends RuntimeException {
  private final int status;
  private final String allow;

  public HttpError(int status, String message) {
    this(status, message, null);
  }

  private HttpError(int status, String message, String allow) {
    super(message, null, false, false);
    this.status = status;
    this.allow = allow;
  }

  /** A 405 that also names the method the route takes (the {@code Allow} header). */
  public static HttpError methodNotAllowed(String allow, String method, String path) {
    return new HttpError(405, method + " is not allowed on " + path + "; use " + allow, allow);
  }

  public int status() {
    return status;
  }

  /** The methods the route allows, for a 405; null otherwise. */
  public String allow() {
    return allow;
  }
}
