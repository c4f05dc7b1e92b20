package io.streamprop.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A PKCS12 key store holding the broker's private key and certificate, and a PKCS12 trust store
 * holding that certificate, for a TLS listener on {@link LocalKafka}. {@link #selfSigned} makes a
 * fresh pair with the JDK's {@code keytool}: an EC P-256 key and a self-signed certificate for
 * {@code CN=localhost} with subject alternative names {@code IP:127.0.0.1} and {@code
 * DNS:localhost}, so clients keep hostname verification on. For local runs and tests only: the
 * password is not a secret.
 */
public record TlsFiles(Path keyStore, Path trustStore, String password) {

  /** The {@code ssl.*} settings a client needs to reach a listener that uses these files. */
  public Map<String, String> clientProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("security.protocol", "SSL");
    properties.put("ssl.truststore.location", trustStore.toString());
    properties.put("ssl.truststore.password", password);
    properties.put("ssl.truststore.type", "PKCS12");
    return properties;
  }

  /** Generates a self-signed key store and trust store in {@code dir} (valid for 30 days). */
  public static TlsFiles selfSigned(Path dir) {
    String password = "streamprop-local";
    Path keyStore = dir.resolve("broker.keystore.p12");
    Path certificate = dir.resolve("broker.crt");
    Path trustStore = dir.resolve("broker.truststore.p12");
    try {
      Files.createDirectories(dir);
      for (Path file : List.of(keyStore, certificate, trustStore)) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new LocalKafkaException("cannot prepare " + dir + " for TLS files: " + e, e);
    }
    keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=IP:127.0.0.1,DNS:localhost",
        "-validity",
        "30",
        "-storetype",
        "PKCS12",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        password);
    keytool(
        "-exportcert",
        "-alias",
        "broker",
        "-rfc",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        password,
        "-file",
        certificate.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        certificate.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        trustStore.toString(),
        "-storepass",
        password);
    return new TlsFiles(keyStore, trustStore, password);
  }

  private static void keytool(String... args) {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new ArrayList<>();
    command.add(keytool.toString());
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(Duration.ofMinutes(1).toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new LocalKafkaException("keytool " + args[0] + " did not finish within a minute");
      }
      if (process.exitValue() != 0) {
        throw new LocalKafkaException(
            "keytool "
                + args[0]
                + " failed ("
                + process.exitValue()
                + "): "
                + new String(output, StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new LocalKafkaException("cannot run " + keytool + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalKafkaException("interrupted while running keytool", e);
    }
  }
}
