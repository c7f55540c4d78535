package io.meterline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls to a Meterline server's admin API ({@code /admin/v1}) with its bearer token. */
final class Admin {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** An answer other than 2xx: its status and body. */
  static final class Refused extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final int status;

    Refused(String call, int status, String body) {
      super(call + " answered " + status + ": " + body);
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  Admin(URI endpoint, String token) {
    this.endpoint = endpoint;
    this.token = token;
  }

  /** The server's base URI. */
  URI endpoint() {
    return endpoint;
  }

  JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
    return send("GET", pathAndQuery, null);
  }

  JsonNode post(String path, Object body) throws IOException, InterruptedException {
    return send("POST", path, body);
  }

  JsonNode put(String path, Object body) throws IOException, InterruptedException {
    return send("PUT", path, body);
  }

  /**
   * One call; a body of {@code null} sends none.
   *
   * @throws Refused when the answer is not 2xx
   */
  private JsonNode send(String method, String path, Object body)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new IOException("cannot connect to " + endpoint + " (" + method + " " + path + ")", e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new Refused(method + " " + path, response.statusCode(), response.body());
    }
    return JSON.readTree(response.body());
  }

  /** The text of {@code /metrics} (Prometheus), which needs no token. */
  String metrics() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(endpoint.resolve("/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new Refused("GET /metrics", response.statusCode(), response.body());
    }
    return response.body();
  }
}
