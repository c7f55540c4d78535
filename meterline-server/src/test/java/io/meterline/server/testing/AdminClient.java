package io.meterline.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A test client of the admin API over a real socket. */
public final class AdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A response: status and JSON body. */
  public record Reply(int status, JsonNode body) {
    /** The body, after checking the status. */
    public JsonNode expect(int expected) {
      if (status != expected) {
        throw new AssertionError("expected HTTP " + expected + " but got " + status + ": " + body);
      }
      return body;
    }
  }

  private final URI endpoint;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public AdminClient(URI endpoint, String token) {
    this.endpoint = endpoint;
    this.token = token;
  }

  public Reply send(String method, String path, Object body) {
    return send(method, path, body, token);
  }

  public Reply send(String method, String path, Object body, String bearer) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(endpoint.resolve("/admin/v1" + path))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json");
      if (bearer != null) {
        b.header("Authorization", "Bearer " + bearer);
      }
      byte[] bytes =
          body == null
              ? new byte[0]
              : body instanceof String s
                  ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                  : JSON.writeValueAsBytes(body);
      b.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(bytes));
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode json = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
      return new Reply(r.statusCode(), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public JsonNode post(String path, Object body) {
    return send("POST", path, body).expect(201);
  }

  public JsonNode get(String path) {
    return send("GET", path, null).expect(200);
  }

  /** A CUSTOM-priced container product with these dimensions, sold by this account. */
  public JsonNode customProduct(String seller, String... dimensions) {
    return post(
        "/products",
        Map.of(
            "name",
            "Test product",
            "pricing",
            "CUSTOM",
            "sellerAccountId",
            seller,
            "dimensions",
            dimensions(dimensions)));
  }

  /** A SaaS product with these dimensions, sold by this account. */
  public JsonNode saasProduct(String seller, String... dimensions) {
    return post(
        "/products",
        Map.of(
            "name",
            "Test SaaS",
            "pricing",
            "CUSTOM",
            "saas",
            true,
            "sellerAccountId",
            seller,
            "dimensions",
            dimensions(dimensions)));
  }

  /** An HOURLY-priced container product sold by this account. */
  public JsonNode hourlyProduct(String seller) {
    return post(
        "/products",
        Map.of(
            "name",
            "Hourly product",
            "pricing",
            "HOURLY",
            "hourlyPrice",
            "0.50",
            "sellerAccountId",
            seller));
  }

  /** A FREE container product sold by this account. */
  public JsonNode freeProduct(String seller) {
    return post(
        "/products", Map.of("name", "Free product", "pricing", "FREE", "sellerAccountId", seller));
  }

  /** A CUSTOM-priced container product in preview (its seller may use it unsubscribed). */
  public JsonNode previewCustomProduct(String seller, String... dimensions) {
    return post(
        "/products",
        Map.of(
            "name",
            "Preview product",
            "pricing",
            "CUSTOM",
            "preview",
            true,
            "sellerAccountId",
            seller,
            "dimensions",
            dimensions(dimensions)));
  }

  /** Rotates a product's signing key: {@code {publicKeyVersion, publicKeyPem, ...}}. */
  public JsonNode rotateKey(String productCode) {
    return send("POST", "/products/" + productCode + "/keys/rotate", null).expect(200);
  }

  /** Ends a subscription (the buyer unsubscribes). */
  public JsonNode unsubscribe(String subscriptionId) {
    return send("DELETE", "/subscriptions/" + subscriptionId, null).expect(200);
  }

  /** Stops a task, pod or instance. */
  public JsonNode stopTask(String taskId) {
    return send("DELETE", "/tasks/" + taskId, null).expect(200);
  }

  /** Sets the fault of one operation: an error (may be null), a rate, a latency. */
  public JsonNode fault(String operation, String error, double rate, long latencyMs) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("operation", operation);
    if (error != null) {
      body.put("error", error);
    }
    body.put("rate", rate);
    if (latencyMs > 0) {
      body.put("latencyMs", latencyMs);
    }
    return send("PUT", "/faults", body).expect(200);
  }

  /** Removes every fault. */
  public JsonNode clearFaults() {
    return send("DELETE", "/faults", null).expect(200);
  }

  /** The service time. */
  public Instant now() {
    return java.time.Instant.parse(get("/clock").get("now").asText());
  }

  public JsonNode buyer(String accountId) {
    return post("/buyers", Map.of("awsAccountId", accountId));
  }

  public JsonNode subscribe(String productCode, String accountId) {
    return post("/subscriptions", Map.of("productCode", productCode, "awsAccountId", accountId));
  }

  /**
   * Subscribes with a contract: each pair a dimension and its quantity, prepaid per month, e.g.
   * {@code subscribe(code, account, "Seats", 5, "Storage", 100)}.
   */
  public JsonNode subscribe(String productCode, String accountId, Object... dimensionQuantities) {
    List<Map<String, Object>> contract = new ArrayList<>();
    for (int i = 0; i < dimensionQuantities.length; i += 2) {
      contract.add(
          Map.of(
              "dimension",
              dimensionQuantities[i],
              "quantity",
              dimensionQuantities[i + 1],
              "per",
              "MONTH"));
    }
    return post(
        "/subscriptions",
        Map.of("productCode", productCode, "awsAccountId", accountId, "contract", contract));
  }

  /**
   * A CONTRACT product: each triple a dimension, its unit ({@code Count}, {@code None}…) and its
   * price per unit per month, e.g. {@code contractProduct(seller, "Seats", "Count", "10")}.
   */
  public JsonNode contractProduct(String seller, String... dimensionUnitPrice) {
    List<Map<String, Object>> dimensions = new ArrayList<>();
    for (int i = 0; i < dimensionUnitPrice.length; i += 3) {
      dimensions.add(
          Map.of(
              "name",
              dimensionUnitPrice[i],
              "unit",
              dimensionUnitPrice[i + 1],
              "price",
              dimensionUnitPrice[i + 2]));
    }
    return post(
        "/products",
        Map.of(
            "name",
            "Contract product",
            "pricing",
            "CONTRACT",
            "sellerAccountId",
            seller,
            "dimensions",
            dimensions));
  }

  /**
   * Subscribes to a CONTRACT product until {@code endsAt}: each pair a dimension and its quantity.
   */
  public JsonNode subscribeContract(
      String productCode, String accountId, Instant endsAt, Object... dimensionQuantities) {
    return post(
        "/subscriptions",
        Map.of(
            "productCode",
            productCode,
            "awsAccountId",
            accountId,
            "contract",
            contractLines(dimensionQuantities),
            "endsAt",
            endsAt.toString()));
  }

  /**
   * Amends a CONTRACT subscription: the lines (pairs; none to keep them) and, if given, the end.
   */
  public JsonNode amendContract(
      String subscriptionId, Instant endsAt, Object... dimensionQuantities) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (dimensionQuantities.length > 0) {
      body.put("contract", contractLines(dimensionQuantities));
    }
    if (endsAt != null) {
      body.put("endsAt", endsAt.toString());
    }
    return send("PUT", "/subscriptions/" + subscriptionId + "/contract", body).expect(200);
  }

  private static List<Map<String, Object>> contractLines(Object... dimensionQuantities) {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (int i = 0; i < dimensionQuantities.length; i += 2) {
      lines.add(
          Map.of("dimension", dimensionQuantities[i], "quantity", dimensionQuantities[i + 1]));
    }
    return lines;
  }

  public JsonNode task(String accountId, String region, String platform) {
    return post(
        "/tasks", Map.of("awsAccountId", accountId, "region", region, "platform", platform));
  }

  public JsonNode accessKey(String accountId, String kind) {
    return post("/access-keys", Map.of("awsAccountId", accountId, "kind", kind));
  }

  public JsonNode advanceClock(String isoDuration) {
    return send("PUT", "/clock", Map.of("advance", isoDuration)).expect(200);
  }

  public JsonNode setClock(String isoInstant) {
    return send("PUT", "/clock", Map.of("now", isoInstant)).expect(200);
  }

  /**
   * Every ledger record the query selects, all its pages followed: {@code {"records": [...]}} with
   * no {@code nextToken}.
   */
  public JsonNode usage(String query) {
    ArrayNode all = JSON.createArrayNode();
    String token = null;
    do {
      String page =
          "/usage?limit=1000"
              + (query.isEmpty() ? "" : "&" + query)
              + (token == null ? "" : "&nextToken=" + encode(token));
      JsonNode reply = get(page);
      all.addAll((ArrayNode) reply.get("records"));
      token = reply.path("nextToken").asText(null);
    } while (token != null);
    ObjectNode result = JSON.createObjectNode();
    result.set("records", all);
    return result;
  }

  /** One page of the ledger, as the server answers it. */
  public Reply usagePage(String query) {
    return send("GET", "/usage" + (query.isEmpty() ? "" : "?" + query), null);
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static List<Map<String, Object>> dimensions(String... names) {
    return java.util.Arrays.stream(names)
        .map(
            n -> {
              Map<String, Object> d = new LinkedHashMap<>();
              d.put("name", n);
              d.put("price", "0.01");
              return d;
            })
        .toList();
  }
}
