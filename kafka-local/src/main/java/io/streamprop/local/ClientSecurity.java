package io.streamprop.local;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How clients reach a {@link LocalKafka} node: over plaintext, over TLS, or both, and whether the
 * TLS listener also asks for a SASL/PLAIN login. Holds the broker's TLS and SASL settings and the
 * properties a client of the TLS listener needs; the listener layout itself is {@link
 * BrokerConfig}'s.
 *
 * @param tls the TLS listener's key and trust stores, or null for no TLS listener
 * @param plaintext whether there is a plaintext listener (false only for TLS only)
 * @param saslUser the one SASL/PLAIN user, or null: the TLS listener then authenticates nobody
 *     ({@code SSL}, not {@code SASL_SSL})
 * @param saslPassword that user's password, or null
 */
record ClientSecurity(TlsFiles tls, boolean plaintext, String saslUser, String saslPassword) {

  /**
   * Refuses a SASL user or password that would need quoting in a JAAS configuration: both must be
   * letters, digits, and {@code -_.}.
   */
  static void requireJaasSafe(String user, String password) {
    for (String value : new String[] {user, password}) {
      if (value == null || !value.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException(
            "SASL user and password must be non-empty letters, digits, '.', '_' or '-', got: "
                + value);
      }
    }
  }

  boolean hasTls() {
    return tls != null;
  }

  /** The security protocol of the TLS listener. */
  String tlsProtocol() {
    return saslUser == null ? "SSL" : "SASL_SSL";
  }

  /**
   * Adds the broker's TLS and SASL settings for the TLS listener named {@code tlsListener}: its key
   * store, the SASL/PLAIN login, and on a TLS-only node the trust store of the broker's own
   * inter-broker client.
   */
  void putBrokerSettings(Map<String, String> config, String tlsListener) {
    if (tls != null) {
      // A server-authenticated TLS listener for clients; the controller keeps talking over
      // loopback in plaintext (one node: nothing crosses a network, and no client can use the
      // controller listener).
      config.put("ssl.keystore.type", "PKCS12");
      config.put("ssl.keystore.location", tls.keyStore().toString());
      config.put("ssl.keystore.password", tls.password());
      config.put("ssl.key.password", tls.password());
      config.put("ssl.client.auth", "none");
    }
    if (saslUser != null) {
      // SASL/PLAIN over TLS on the TLS listener: one user, whose credentials the broker's own
      // inter-broker client uses too when there is no plaintext listener.
      config.put("sasl.enabled.mechanisms", "PLAIN");
      config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
      config.put(
          "listener.name." + tlsListener.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config",
          plainLogin(saslUser, saslPassword) + " user_" + saslUser + "=\"" + saslPassword + "\";");
    }
    if (!plaintext) {
      // TLS only: the broker's own inter-broker clients (transaction markers it sends to the
      // partition leaders, i.e. to itself) go over the TLS listener and must trust its
      // certificate.
      config.put("ssl.truststore.type", "PKCS12");
      config.put("ssl.truststore.location", tls.trustStore().toString());
      config.put("ssl.truststore.password", tls.password());
    }
  }

  /**
   * The properties a client of the TLS listener at {@code tlsBootstrapServers} needs: the trust
   * store, and with a SASL user that user's login too.
   */
  Map<String, String> clientProperties(String tlsBootstrapServers) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("bootstrap.servers", tlsBootstrapServers);
    properties.putAll(tls.clientProperties());
    if (saslUser != null) {
      properties.put("security.protocol", "SASL_SSL");
      properties.put("sasl.mechanism", "PLAIN");
      properties.put("sasl.jaas.config", plainJaasConfig(saslUser, saslPassword));
    }
    return properties;
  }

  /** The {@code sasl.jaas.config} value of a SASL/PLAIN client with these credentials. */
  static String plainJaasConfig(String user, String password) {
    return plainLogin(user, password) + ";";
  }

  /** The PLAIN login module with these credentials, without the closing {@code ;}. */
  private static String plainLogin(String user, String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\"";
  }
}
