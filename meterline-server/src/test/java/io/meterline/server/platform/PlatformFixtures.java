package io.meterline.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.config.ServerConfig;
import io.meterline.server.testing.ServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;

/**
 * A platform test class's server with what its tests need over and over: subscribed buyers, tasks
 * with their environment, plain HTTP to the platform endpoints, SDK clients (closed after each
 * test) and the ledger's task time.
 *
 * <pre>
 * &#64;RegisterExtension static final PlatformFixtures f = PlatformFixtures.withDefaults();
 * </pre>
 */
final class PlatformFixtures extends ServerExtension {
  /** The region tasks launch in unless a test says otherwise. */
  static final String REGION = "us-east-1";

  /** The one dimension of the CUSTOM products made here. */
  static final String DIMENSION = "Requests";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private PlatformFixtures(UnaryOperator<ServerConfig.Builder> adjust, Clock realClock) {
    super(adjust, realClock);
  }

  /** A server with the test defaults: SQLite, test clock, the system's real clock. */
  public static PlatformFixtures withDefaults() {
    return new PlatformFixtures(UnaryOperator.identity(), Clock.systemUTC());
  }

  /** A server with the test defaults on this real clock. */
  public static PlatformFixtures onRealClock(Clock realClock) {
    return new PlatformFixtures(UnaryOperator.identity(), realClock);
  }

  /** A server whose configuration the test adjusts, on this real clock. */
  public static PlatformFixtures configured(
      UnaryOperator<ServerConfig.Builder> adjust, Clock realClock) {
    return new PlatformFixtures(adjust, realClock);
  }

  /** A product and a buyer subscribed to it. */
  record Subscribed(String productCode, String buyer) {}

  /** A new product of this pricing (HOURLY, MONTHLY or CUSTOM) with a subscribed buyer. */
  Subscribed subscribed(String pricing) {
    String code = product(pricing);
    String buyer = buyer();
    admin().subscribe(code, buyer);
    return new Subscribed(code, buyer);
  }

  /** A new container product of this pricing; CUSTOM ones have the dimension {@link #DIMENSION}. */
  String product(String pricing) {
    String seller = newAccountId();
    JsonNode product =
        switch (pricing) {
          case "HOURLY" -> admin().hourlyProduct(seller);
          case "CUSTOM" -> admin().customProduct(seller, DIMENSION);
          case "MONTHLY" ->
              admin()
                  .post(
                      "/products",
                      Map.of(
                          "name",
                          "Monthly product",
                          "pricing",
                          "MONTHLY",
                          "monthlyPrice",
                          "100.00",
                          "sellerAccountId",
                          seller));
          default ->
              throw new IllegalArgumentException("no such pricing in these tests: " + pricing);
        };
    return product.get("productCode").asText();
  }

  /** A new task of this account in {@link #REGION}: the admin API's view with its environment. */
  JsonNode task(String account, String platform) {
    return task(account, REGION, platform);
  }

  /** A new task of this account in this region. */
  JsonNode task(String account, String region, String platform) {
    return admin().task(account, region, platform);
  }

  /** A new task from a full request body of {@code POST /admin/v1/tasks}. */
  JsonNode task(Map<String, Object> body) {
    return admin().post("/tasks", body);
  }

  /** The body of {@code POST /admin/v1/tasks} with these members. */
  static Map<String, Object> taskBody(String account, String region, String platform) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("awsAccountId", account);
    body.put("region", region);
    body.put("platform", platform);
    return body;
  }

  /** The task as {@code GET /admin/v1/tasks/<id>} shows it now. */
  JsonNode taskNow(JsonNode task) {
    return admin().get("/tasks/" + task.get("taskId").asText());
  }

  /** An environment variable of a task; fails the test if the platform did not set it. */
  static String env(JsonNode task, String name) {
    JsonNode value = task.get("environment").get(name);
    assertThat(value).as("environment variable %s of %s", name, task.get("platform")).isNotNull();
    return value.asText();
  }

  // ---- plain HTTP to the platform endpoints ------------------------------------------------

  /** A response: status, headers and body. */
  record Reply(int status, java.net.http.HttpHeaders headers, String body) {
    JsonNode json() {
      return parse(body);
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  /** A body as JSON; fails the test if it is not. */
  static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("the body is not JSON: " + body, e);
    }
  }

  Reply get(String uri, Map<String, String> headers) {
    return send("GET", uri, headers);
  }

  Reply put(String uri, Map<String, String> headers) {
    return send("PUT", uri, headers);
  }

  Reply send(String method, String uri, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(uri))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(b::header);
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

  /** A fetch from an ECS or Fargate task's container credentials endpoint with its token. */
  Reply fetchCredentials(JsonNode task) {
    return get(
        env(task, "AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        Map.of("Authorization", env(task, "AWS_CONTAINER_AUTHORIZATION_TOKEN")));
  }

  /** Fresh credentials of an ECS or Fargate task, from its container credentials endpoint. */
  AwsSessionCredentials containerCredentials(JsonNode task) {
    Reply r = fetchCredentials(task);
    assertThat(r.status()).as("credentials endpoint: %s", r.body()).isEqualTo(200);
    return sessionCredentials(r.json());
  }

  /** The credentials in a credentials document of GOLDEN §7 (or of IMDS). */
  static AwsSessionCredentials sessionCredentials(JsonNode document) {
    return AwsSessionCredentials.create(
        document.get("AccessKeyId").asText(),
        document.get("SecretAccessKey").asText(),
        document.get("Token").asText());
  }

  // ---- SDK calls -----------------------------------------------------------------------------

  /** RegisterUsage of a product's current key version 1. */
  static void registerUsage(MarketplaceMeteringClient client, String productCode) {
    client.registerUsage(b -> b.productCode(productCode).publicKeyVersion(1));
  }

  /** MeterUsage of {@link #DIMENSION} at this time. */
  static MeterUsageResponse meterUsage(
      MarketplaceMeteringClient client, String productCode, Instant at, int quantity) {
    return client.meterUsage(
        b ->
            b.productCode(productCode)
                .usageDimension(DIMENSION)
                .timestamp(at)
                .usageQuantity(quantity));
  }

  // ---- the ledger ----------------------------------------------------------------------------

  /** The ledger rows of a product. */
  List<JsonNode> usage(String productCode) {
    return StreamSupport.stream(
            admin().usage("productCode=" + productCode).get("records").spliterator(), false)
        .toList();
  }

  /** The ledger's task time rows of a product, oldest hour first. */
  List<JsonNode> taskTime(String productCode) {
    return usage(productCode).stream()
        .filter(r -> r.get("source").asText().equals("TASK_TIME"))
        .sorted(java.util.Comparator.comparing(r -> r.get("hour").asText()))
        .toList();
  }
}
