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

  JsonNode get(String path) {
    return send("GET", path, null, Map.of());
  }

  JsonNode put(String path, Object body) {
    return send("PUT", path, body, Map.of());
  }

  /** A PUT whose refusals name the command-line option behind the field at fault. */
  JsonNode put(String path, Object body, Map<String, String> optionOfField) {
    return send("PUT", path, body, optionOfField);
  }

  // The top-level member a field path names: "contract" of "contract[1].quantity".
  private static String member(String field) {
    int end = field.length();
    for (char c : new char[] {'[', '.'}) {
      int at = field.indexOf(c);
      if (at >= 0 && at < end) {
        end = at;
      }
    }
    return field.substring(0, end);
  }

  /** A GET answered in CSV, as text. */
  String getCsv(String path) {
    return new String(
        raw("GET", path, null, "text/csv", Map.of()), java.nio.charset.StandardCharsets.UTF_8);
  }

  private JsonNode send(
      String method, String path, Object body, Map<String, String> optionOfField) {
    byte[] answer = raw(method, path, body, "application/json", optionOfField);
    try {
      return answer.length == 0 ? JSON.createObjectNode() : JSON.readTree(answer);
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " answered something not JSON", e);
    }
  }

  private byte[] raw(
      String method, String path, Object body, String accept, Map<String, String> optionOfField) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(endpoint.resolve("/admin/v1" + path))
              .timeout(Duration.ofSeconds(60))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .header("Accept", accept)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() >= 300) {
        JsonNode json;
        try {
          json = JSON.readTree(r.body());
        } catch (IOException notJson) {
          json = JSON.createObjectNode();
        }
        String field = json.path("field").asText("");
        throw new IllegalStateException(
            method
                + " "
                + path
                + " was refused ("
                + r.statusCode()
                + "): "
                + json.path("message").asText(new String(r.body()))
                + (field.isEmpty()
                    ? ""
                    : optionOfField.containsKey(member(field))
                        ? " [" + optionOfField.get(member(field)) + ", field " + field + "]"
                        : " [field " + field + "]"));
      }
      return r.body();
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
