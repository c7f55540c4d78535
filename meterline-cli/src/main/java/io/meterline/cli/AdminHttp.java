package io.meterline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The few admin API calls the command line makes. */
final class AdminHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  AdminHttp(URI endpoint, String token) {
    this.endpoint = endpoint;
    this.token = token;
  }

  URI endpoint() {
    return endpoint;
  }

  JsonNode post(String path, Object body) {
    return send("POST", path, body, Map.of());
  }

  /** A POST whose refusals name the command-line option behind the field at fault. */
  JsonNode post(String path, Object body, Map<String, String> optionOfField) {
    return send("POST", path, body, optionOfField);
  }

  JsonNode delete(String path) {
    return send("DELETE", path, null, Map.of());
  }

  private JsonNode send(
      String method, String path, Object body, Map<String, String> optionOfField) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(endpoint.resolve("/admin/v1" + path))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode json = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
      if (r.statusCode() >= 300) {
        String field = json.path("field").asText("");
        throw new IllegalStateException(
            method
                + " "
                + path
                + " was refused ("
                + r.statusCode()
                + "): "
                + json.path("message").asText(new String(r.body()))
                + (field.isEmpty() ? "" : " [field " + field + "]"));
      }
      return json;
    } catch (ConnectException e) {
      throw new IllegalStateException(
          "cannot reach the server at " + endpoint + ": is it running?", e);
    } catch (IOException e) {
      throw new IllegalStateException("talking to " + endpoint + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
