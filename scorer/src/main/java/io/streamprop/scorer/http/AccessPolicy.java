package io.streamprop.scorer.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * Who may call which route: optional bearer tokens (RFC 6750) and optional rate limits, one per
 * client and one for the whole process.
 *
 * <ul>
 *   <li>{@code predict} tokens open the predict route; {@code admin} tokens open every route. An
 *       empty token list leaves its routes open (the default).
 *   <li>Model metadata ({@code GET /v1/models...}) needs an admin token when admin tokens are set.
 *   <li>{@code /metrics} and {@code /health/*} stay open unless protected, so that Prometheus and
 *       orchestrator probes work without a secret; protected, they need an admin token.
 *   <li>The rate limits apply to the model routes only, after authentication, so that probes and
 *       scrapes are never refused and clients without a token cannot drain a bucket. The per-client
 *       limit is checked first, so a client over its own limit takes nothing from the global bucket
 *       that every other client shares.
 *   <li>A client is the bearer token when the route checked one (a verified token: a client cannot
 *       get fresh buckets by inventing tokens), else the remote IP address of the connection.
 *       {@code X-Forwarded-For} is never read: behind a proxy every client has the proxy's address,
 *       so there use tokens, or limit per client in the proxy.
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
  private final ClientRateLimiter clientRateLimiter;

  /**
   * @param rateLimiter null for no rate limit
   */
  public AccessPolicy(
      List<String> predictTokens,
      List<String> adminTokens,
      boolean protectMetrics,
      boolean protectHealth,
      RateLimiter rateLimiter) {
    this(predictTokens, adminTokens, protectMetrics, protectHealth, rateLimiter, null);
  }

  private AccessPolicy(
      List<String> predictTokens,
      List<String> adminTokens,
      boolean protectMetrics,
      boolean protectHealth,
      RateLimiter rateLimiter,
      ClientRateLimiter clientRateLimiter) {
    if ((protectMetrics || protectHealth) && adminTokens.isEmpty()) {
      throw new IllegalArgumentException("protecting /metrics or /health needs admin tokens");
    }
    this.predictTokens = predictTokens.stream().map(AccessPolicy::digest).toList();
    this.adminTokens = adminTokens.stream().map(AccessPolicy::digest).toList();
    this.protectMetrics = protectMetrics;
    this.protectHealth = protectHealth;
    this.rateLimiter = rateLimiter;
    this.clientRateLimiter = clientRateLimiter;
  }

  private AccessPolicy(AccessPolicy policy, ClientRateLimiter clientRateLimiter) {
    this.predictTokens = policy.predictTokens;
    this.adminTokens = policy.adminTokens;
    this.protectMetrics = policy.protectMetrics;
    this.protectHealth = policy.protectHealth;
    this.rateLimiter = policy.rateLimiter;
    this.clientRateLimiter = clientRateLimiter;
  }

  /** This policy plus a per-client rate limit ({@code null}: none). */
  public AccessPolicy withClientRateLimit(ClientRateLimiter clientRateLimiter) {
    return new AccessPolicy(this, clientRateLimiter);
  }

  /** Everything open, no limit. */
  public static AccessPolicy open() {
    return new AccessPolicy(List.of(), List.of(), false, false, null);
  }

  /** {@link #check(Route, String, Supplier)} for a request whose remote address is unknown. */
  public void check(Route route, String authorization) {
    check(route, authorization, () -> "unknown");
  }

  /**
   * Checks a request.
   *
   * @param authorization the {@code Authorization} header, or null
   * @param remoteAddress the IP address of the connection: the client, when no token identifies it;
   *     asked for only when a per-client limit applies (Jetty builds a string per call)
   * @throws HttpError 401 (no or unknown token, with {@code WWW-Authenticate: Bearer}), 403 (a
   *     predict token on an admin route), or 429 (over a rate limit, with {@code Retry-After})
   */
  public void check(Route route, String authorization, Supplier<String> remoteAddress) {
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
    byte[] presented = null;
    if (needsToken) {
      presented = bearer(authorization);
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
    if (route != Route.PREDICT && route != Route.MODELS) {
      return;
    }
    if (clientRateLimiter != null) {
      // Only a token checked above names the client; an unchecked one could be made up per request.
      String client =
          presented != null
              ? "token:" + HexFormat.of().formatHex(presented, 0, 8)
              : "ip:" + remoteAddress.get();
      long wait = clientRateLimiter.tryAcquire(client);
      if (wait > 0) {
        throw HttpError.tooManyRequests(
            "over the per-client rate limit of "
                + clientRateLimiter.perSecond()
                + " requests/s (streamprop.scorer.rate.limit.client.per.second) for this "
                + (presented != null ? "bearer token" : "client address")
                + "; retry after "
                + wait
                + " s",
            wait,
            "client");
      }
    }
    if (rateLimiter != null) {
      long wait = rateLimiter.tryAcquire();
      if (wait > 0) {
        throw HttpError.tooManyRequests(
            "over the scorer's global rate limit (streamprop.scorer.rate.limit.per.second, summed"
                + " over all clients); retry after "
                + wait
                + " s",
            wait,
            "global");
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
