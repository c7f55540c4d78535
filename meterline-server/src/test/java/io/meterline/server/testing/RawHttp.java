package io.meterline.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.Meterline;
import io.meterline.wire.sigv4.SigV4Signer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Metering-API requests written by hand, for what the SDK will not send or does not show: raw
 * bodies, missing or tampered signatures, response headers. Signed like the SDK signs ({@link
 * SigV4Signer}).
 */
public final class RawHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Headers {@link HttpClient} sets itself and refuses to be given. */
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection");

  /** A response: status, headers and body text. */
  public record Reply(int status, HttpHeaders headers, String body) {
    /** The body as JSON. */
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("the body is not JSON: " + body, e);
      }
    }

    /** The first value of a header, or {@code null}. */
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  private final URI endpoint;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  public RawHttp(URI endpoint) {
    this.endpoint = endpoint;
  }

  /** The headers of a request to this operation, signed now with these credentials. */
  public Map<String, String> signedHeaders(
      String operation, byte[] body, AwsCredentials credentials, String region) {
    return signedHeaders(operation, "/", body, credentials, region, Instant.now());
  }

  /** The headers of a request to this operation and path, signed at the given time. */
  public Map<String, String> signedHeaders(
      String operation,
      String path,
      byte[] body,
      AwsCredentials credentials,
      String region,
      Instant signingTime) {
    String token = credentials instanceof AwsSessionCredentials s ? s.sessionToken() : null;
    SigV4Signer signer =
        new SigV4Signer(
            credentials.accessKeyId(),
            credentials.secretAccessKey(),
            token,
            region,
            Meterline.SIGNING_NAME);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("host", endpoint.getHost() + ":" + endpoint.getPort());
    headers.put("content-type", "application/x-amz-json-1.1");
    if (operation != null) {
      headers.put("x-amz-target", "AWSMPMeteringService." + operation);
    }
    return signer.sign("POST", path, headers, body, signingTime);
  }

  /** POSTs a JSON body to this operation, signed now. */
  public Reply call(String operation, String body, AwsCredentials credentials, String region) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return post("/", signedHeaders(operation, bytes, credentials, region), bytes);
  }

  /** POSTs these bytes with exactly these headers (except those the JDK client sets itself). */
  public Reply post(String path, Map<String, String> headers, byte[] body) {
    return send("POST", path, headers, body);
  }

  /** Sends a request with exactly these headers (except those the JDK client sets itself). */
  public Reply send(String method, String path, Map<String, String> headers, byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(endpoint.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(
        (name, value) -> {
          if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
            b.header(name, value);
          }
        });
    try {
      HttpResponse<String> r =
          http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Reply(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
