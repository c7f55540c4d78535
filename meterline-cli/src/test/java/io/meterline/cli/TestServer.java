package io.meterline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.Meterline;
import io.meterline.server.MeterlineServer;
import io.meterline.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An in-process server on a random port with admin token {@value #ADMIN_TOKEN}, and a buyer world:
 * an hourly and a custom-metered product, a subscribed and an unsubscribed buyer.
 */
final class TestServer implements AutoCloseable {
  static final String ADMIN_TOKEN = "t";
  static final String SELLER = "111122223333";
  static final String SUBSCRIBED_BUYER = "444455556666";
  static final String UNSUBSCRIBED_BUYER = "777788889999";
  static final String DIMENSION = "Requests";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MeterlineServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String hourlyProduct;
  final String customProduct;

  private TestServer(MeterlineServer server) {
    this.server = server;
    this.hourlyProduct =
        post(
                "/products",
                Map.of(
                    "name", "Hourly probe",
                    "pricing", "HOURLY",
                    "hourlyPrice", "0.50",
                    "sellerAccountId", SELLER))
            .path("productCode")
            .asText();
    this.customProduct =
        post(
                "/products",
                Map.of(
                    "name",
                    "Custom probe",
                    "pricing",
                    "CUSTOM",
                    "dimensions",
                    List.of(Map.of("name", DIMENSION, "price", "0.01")),
                    "sellerAccountId",
                    SELLER))
            .path("productCode")
            .asText();
    post("/buyers", Map.of("awsAccountId", SUBSCRIBED_BUYER));
    post("/buyers", Map.of("awsAccountId", UNSUBSCRIBED_BUYER));
    for (String product : List.of(hourlyProduct, customProduct)) {
      post("/subscriptions", Map.of("productCode", product, "awsAccountId", SUBSCRIBED_BUYER));
    }
  }

  static TestServer start(Path dataDir) throws Exception {
    return new TestServer(
        Meterline.start(ServerConfig.builder(dataDir).port(0).adminToken(ADMIN_TOKEN).build()));
  }

  /** The endpoint, e.g. {@code http://127.0.0.1:41234}. */
  String endpoint() {
    return server.endpoint().toString();
  }

  /** A task as the admin API shows it. */
  JsonNode task(String taskId) {
    return send("GET", "/tasks/" + taskId, null, 200);
  }

  /** The ledger rows of one task of a buyer's, oldest first. */
  List<JsonNode> usageOfTask(String productCode, String buyer, String taskId) {
    JsonNode records =
        send(
                "GET",
                "/usage?productCode="
                    + URLEncoder.encode(productCode, StandardCharsets.UTF_8)
                    + "&awsAccountId="
                    + buyer,
                null,
                200)
            .path("records");
    List<JsonNode> rows = new ArrayList<>();
    records.forEach(r -> rows.add(r));
    return rows.stream().filter(r -> taskId.equals(r.path("taskId").asText())).toList();
  }

  JsonNode post(String path, Object body) {
    return send("POST", path, body, 201);
  }

  JsonNode send(String method, String path, Object body, int expectedStatus) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(server.endpoint().resolve("/admin/v1" + path))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + ADMIN_TOKEN)
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
              .build();
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expectedStatus) {
        throw new AssertionError(
            method
                + " "
                + path
                + ": expected "
                + expectedStatus
                + ", got "
                + r.statusCode()
                + ": "
                + r.body());
      }
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
