package io.streamprop.scorer.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Who may call which route: optional bearer tokens (RFC 6750) and an optional rate limit.
 *
 * <ul>
 *   <li>{@code predict} tokens open the predict route; {@code admin} tokens open every route. An
 *       empty token list leaves its routes open (the default, as before this class existed).
 *   <li>Model metadata ({@code GET /v1/models...}) needs an admin token when admin tokens are set.
 *   <li>{@code /metrics} and {@code /health/*} stay open unless protected, so that Prometheus and
 *       orchestrator probes work without a secret; protected, they need an admin token.
 *   <li>The rate limit applies to the model routes only, after authentication, so that probes and
 *       scrapes are never refused and clients without a token cannot drain the bucket.
 * </ul>
 *
 * <p>Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual} against every
 * configured token, so the time taken says nothing about how much of a token was right, nor which
 * token matched.
 */
public final class AccessPolicy {
  /** The routes the policy tells apart. */
  public enum Route {
    PREDICT,
    MODELS,
    METRICS,
    HEALTH,
    OTHER
  }

  private final List<byte[]> predictTokens;
  private final List<byte[]> adminTokens;
  private final boolean protectMetrics;
  private final boolean protectHealth;
  private final RateLimiter rateLimiter;

  /**
   * @param rateLimiter null for no rate limit
   */
  public AccessPolicy(
      List<String> predictTokens,
      List<String> adminTokens,
      boolean protectMetrics,
      boolean protectHealth,
      RateLimiter rateLimiter) {
    if ((protectMetrics || protectHealth) && adminTokens.isEmpty()) {
      throw new IllegalArgumentException("protecting /metrics or /health needs admin tokens");
    }
    this.predictTokens = predictTokens.stream().map(AccessPolicy::digest).toList();
    this.adminTokens = adminTokens.stream().map(AccessPolicy::digest).toList();
    this.protectMetrics = protectMetrics;
    this.protectHealth = protectHealth;
    this.rateLimiter = rateLimiter;
  }

  /** Everything open, no limit. */
  public static AccessPolicy open() {
    return new AccessPolicy(List.of(), List.of(), false, false, null);
  }

  /**
   * Checks a request.
   *
   * @param authorization the {@code Authorization} header, or null
   * @throws HttpError 401 (no or unknown token, with {@code WWW-Authenticate: Bearer}), 403 (a
   *     predict token on an admin route), or 429 (over the rate limit, with {@code Retry-After})
   */
  public void check(Route route, String authorization) {
    boolean needsAdmin =
        switch (route) {
          case PREDICT -> false;
          case MODELS -> !adminTokens.isEmpty();
          case METRICS -> protectMetrics;
          case HEALTH -> protectHealth;
          case OTHER -> false;
        };
    boolean needsToken =
        needsAdmin
            || (route == Route.PREDICT && !(predictTokens.isEmpty() && adminTokens.isEmpty()));
    if (needsToken) {
      byte[] presented = bearer(authorization);
      boolean admin = matches(adminTokens, presented);
      boolean predict = matches(predictTokens, presented);
      if (!admin && !predict) {
        throw HttpError.unauthorized(
            presented == null
                ? "this route needs a bearer token: send 'Authorization: Bearer <token>'"
                : "the bearer token is not valid for this scorer",
            presented == null ? null : "invalid_token");
      }
      if (needsAdmin && !admin) {
        throw new HttpError(403, "this route needs an admin token; the token given is for predict");
      }
    }
    if (rateLimiter != null && (route == Route.PREDICT || route == Route.MODELS)) {
      long wait = rateLimiter.tryAcquire();
      if (wait > 0) {
        throw HttpError.tooManyRequests(
            "over the scorer's rate limit (streamprop.scorer.rate.limit.per.second); retry after "
                + wait
                + " s",
            wait);
      }
    }
  }

  private static byte[] bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String value = authorization.strip();
    if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = value.substring(7).strip();
    return token.isEmpty() ? null : digest(token);
  }

  /** Compares against every token, without stopping at a match, in constant time per token. */
  private static boolean matches(List<byte[]> tokens, byte[] presented) {
    if (presented == null) {
      return false;
    }
    boolean found = false;
    for (byte[] token : tokens) {
      found |= MessageDigest.isEqual(token, presented);
    }
    return found;
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
