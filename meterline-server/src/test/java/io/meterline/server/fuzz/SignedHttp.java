package io.meterline.server.fuzz;

import io.meterline.wire.sigv4.SigV4Signer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Sends raw, SigV4-signed requests: bodies the SDK would never produce. */
final class SignedHttp {
  // java.net.http sets these itself and refuses them as user headers.
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI endpoint;

  SignedHttp(URI endpoint) {
    this.endpoint = endpoint;
  }

  /** Signs the body for the target with the signer and sends it. */
  HttpResponse<String> send(SigV4Signer signer, String target, byte[] body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("host", endpoint.getHost() + ":" + endpoint.getPort());
    headers.put("content-type", "application/x-amz-json-1.1");
    headers.put("x-amz-target", target);
    return sendRaw(signer.sign("POST", "/", headers, body, Instant.now()), body);
  }

  /** Sends the body with exactly these headers (restricted ones are left to the client). */
  HttpResponse<String> sendRaw(Map<String, String> headers, byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(endpoint.resolve("/"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(
        (k, v) -> {
          if (!RESTRICTED.contains(k.toLowerCase(java.util.Locale.ROOT))) {
            b.header(k, v);
          }
        });
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("the server did not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
