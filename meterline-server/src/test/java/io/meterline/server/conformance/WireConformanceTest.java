package io.meterline.server.conformance;

import static io.meterline.server.conformance.Harness.REGION;
import static io.meterline.server.conformance.ServiceErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.config.ServerConfig;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.RawHttp;
import io.meterline.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.InternalServiceErrorException;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.ThrottlingException;

/**
 * The wire as the SDKs see it (GOLDEN §1, §3, §4, §5, §9; SPEC §1 and §1.1 "Wire", "Throttling and
 * faults") and the admin API's own error shape (SPEC §3).
 */
class WireConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AMZ_JSON = "application/x-amz-json-1.1";

  @RegisterExtension static final Harness h = Harness.withDefaults();

  @AfterEach
  void clearFaults() {
    h.admin().clearFaults();
  }

  /** A subscribed buyer's running task on a CUSTOM product with dimension Hosts. */
  private record Running(String productCode, String buyer, JsonNode task) {
    AwsSessionCredentials credentials() {
      return TestServer.taskCredentials(task);
    }
  }

  private static Running runningTask(Harness on) {
    String code =
        on.admin().customProduct(Harness.newAccountId(), "Hosts").get("productCode").asText();
    String buyer = on.buyer();
    on.admin().subscribe(code, buyer);
    return new Running(code, buyer, on.admin().task(buyer, REGION, "ECS"));
  }

  private static Running runningTask() {
    return runningTask(h);
  }

  private static MeterUsageResponse meter(
      MarketplaceMeteringClient client, String code, Instant timestamp) {
    return client.meterUsage(
        b -> b.productCode(code).usageDimension("Hosts").usageQuantity(1).timestamp(timestamp));
  }

  private static String meterBody(String code, String timestamp) {
    return "{\"ProductCode\":\""
        + code
        + "\",\"Timestamp\":"
        + timestamp
        + ",\"UsageDimension\":\"Hosts\",\"UsageQuantity\":1}";
  }

  private static Instant httpDate(String value) {
    return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
  }

  // ---- headers on every response ----------------------------------------------------------

  @Test
  void everyResponse_carriesRequestIdAndAccurateDate() {
    Running t = runningTask();
    String now = Long.toString(h.now().getEpochSecond());
    List<RawHttp.Reply> replies =
        List.of(
            h.raw().call("MeterUsage", meterBody(t.productCode(), now), t.credentials(), REGION),
            h.raw()
                .call(
                    "MeterUsage",
                    meterBody("noSuchProduct0000000000000", now),
                    t.credentials(),
                    REGION),
            h.raw().call("MeterUsage", "{", t.credentials(), REGION),
            h.raw()
                .post("/", Map.of("x-amz-target", "AWSMPMeteringService.MeterUsage"), new byte[0]));

    assertThat(replies).extracting(RawHttp.Reply::status).containsExactly(200, 400, 400, 403);
    Set<String> ids = new HashSet<>();
    for (RawHttp.Reply r : replies) {
      assertThat(r.header("x-amzn-RequestId")).as("request id of %s", r.body()).isNotBlank();
      ids.add(r.header("x-amzn-RequestId"));
      assertThat(r.header("Date")).as("Date of %s", r.body()).isNotNull();
      assertThat(httpDate(r.header("Date")))
          .isCloseTo(Instant.now(), within(5, ChronoUnit.SECONDS));
      assertThat(r.json().isObject()).as("JSON object body").isTrue();
    }
    assertThat(ids).as("request ids are unique").hasSize(replies.size());
  }

  @Test
  void sdkSeesRequestIdOfSuccessAndError() {
    Running t = runningTask();
    MarketplaceMeteringClient client = h.taskClient(t.task());
    Instant now = h.now();

    MeterUsageResponse ok = meter(client, t.productCode(), now);
    MarketplaceMeteringException error =
        (MarketplaceMeteringException)
            catchThrowable(() -> meter(client, "noSuchProduct0000000000000", now));

    assertThat(ok.responseMetadata().requestId()).isNotBlank().isNotEqualTo("UNKNOWN");
    assertThat(ok.sdkHttpResponse().firstMatchingHeader("x-amzn-RequestId"))
        .contains(ok.responseMetadata().requestId());
    assertThat(error.requestId()).isNotBlank().isNotEqualTo(ok.responseMetadata().requestId());
  }

  /** Requests that fail in different layers: edge, authentication, model, business. */
  static Stream<Arguments> failingRequests() {
    return Stream.of(
        Arguments.of("unknown product", "InvalidProductCodeException", 400),
        Arguments.of("malformed JSON", "ValidationException", 400),
        Arguments.of("missing member", "ValidationException", 400),
        Arguments.of("unknown operation", "UnknownOperationException", 400),
        Arguments.of("missing target", "UnknownOperationException", 400),
        Arguments.of("unknown key", "UnrecognizedClientException", 400),
        Arguments.of("no signature", "MissingAuthenticationTokenException", 403),
        Arguments.of("wrong secret", "InvalidSignatureException", 403));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failingRequests")
  void errorResponse_hasErrorTypeHeaderEqualToBodyTypeAndAmzJson(
      String what, String type, int status) {
    Running t = runningTask();
    String now = Long.toString(h.now().getEpochSecond());
    AwsSessionCredentials c = t.credentials();
    String good = meterBody(t.productCode(), now);
    RawHttp.Reply r =
        switch (what) {
          case "unknown product" ->
              h.raw().call("MeterUsage", meterBody("noSuchProduct0000000000000", now), c, REGION);
          case "malformed JSON" -> h.raw().call("MeterUsage", "{\"ProductCode\":", c, REGION);
          case "missing member" -> h.raw().call("MeterUsage", "{}", c, REGION);
          case "unknown operation" -> h.raw().call("MeterUsages", good, c, REGION);
          case "missing target" -> h.raw().call(null, good, c, REGION);
          case "unknown key" ->
              h.raw()
                  .call(
                      "MeterUsage",
                      good,
                      AwsBasicCredentials.create(
                          "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                      REGION);
          case "no signature" ->
              h.raw()
                  .post(
                      "/",
                      Map.of(
                          "content-type",
                          AMZ_JSON,
                          "x-amz-target",
                          "AWSMPMeteringService.MeterUsage"),
                      good.getBytes(StandardCharsets.UTF_8));
          case "wrong secret" ->
              h.raw()
                  .call(
                      "MeterUsage",
                      good,
                      AwsSessionCredentials.create(
                          c.accessKeyId(), c.secretAccessKey() + "x", c.sessionToken()),
                      REGION);
          default -> throw new IllegalArgumentException(what);
        };

    assertThat(r.status()).isEqualTo(status);
    JsonNode body = r.json();
    assertThat(body.get("__type").asText()).isEqualTo(type);
    assertThat(body.get("message").asText()).isNotBlank();
    assertThat(r.header("x-amzn-ErrorType")).isEqualTo(type);
    assertThat(r.header("Content-Type")).startsWith(AMZ_JSON);
    assertThat(r.header("x-amzn-RequestId")).isNotBlank();
  }

  @Test
  void missingMembers_areAllNamedInOneValidationMessage() {
    Running t = runningTask();

    RawHttp.Reply r = h.raw().call("MeterUsage", "{}", t.credentials(), REGION);

    assertThat(r.json().get("message").asText())
        .startsWith("3 validation errors detected: ")
        .contains("'productCode'", "'timestamp'", "'usageDimension'");
  }

  @Test
  void unknownTarget_isUnknownOperationThroughSdkErrorShape() {
    Running t = runningTask();
    String now = Long.toString(h.now().getEpochSecond());

    RawHttp.Reply r =
        h.raw().call("DeleteEverything", meterBody(t.productCode(), now), t.credentials(), REGION);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("__type").asText()).isEqualTo("UnknownOperationException");
    assertThat(h.usage(t.productCode())).isEmpty();
  }

  // ---- what requests may carry ------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"integer", "fraction", "fraction6"})
  void requestTimestamp_integerOrFractionalEpochSeconds_isAccepted(String form) {
    Running t = runningTask();
    long seconds = h.now().getEpochSecond();
    String timestamp =
        switch (form) {
          case "integer" -> Long.toString(seconds);
          case "fraction" -> seconds + ".678";
          default -> seconds + ".678901";
        };

    RawHttp.Reply r =
        h.raw().call("MeterUsage", meterBody(t.productCode(), timestamp), t.credentials(), REGION);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("MeteringRecordId").asText()).isNotBlank();
  }

  /** Members the server does not know are ignored; LicenseArn is checked (LicenseArnTest). */
  @Test
  void unknownMembers_areIgnored() {
    String seller = Harness.newAccountId();
    String code = h.admin().saasProduct(seller, "Users").get("productCode").asText();
    String buyer = h.buyer();
    h.admin().subscribe(code, buyer);
    JsonNode key = h.admin().accessKey(seller, "SELLER");
    // A record must not be timed before the subscription began (to the millisecond).
    long now = Instant.parse(h.admin().advanceClock("PT1M").get("now").asText()).getEpochSecond();
    String body =
        "{\"UsageRecords\":[{\"Timestamp\":"
            + now
            + ",\"Dimension\":\"Users\","
            + "\"Quantity\":1,\"CustomerAWSAccountId\":\""
            + buyer
            + "\",\"SomethingNewer\":\"x\"}],"
            + "\"ProductCode\":\""
            + code
            + "\",\"SomethingNew\":{\"x\":1}}";

    RawHttp.Reply r = h.raw().call("BatchMeterUsage", body, TestServer.keyCredentials(key), REGION);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("Results").get(0).get("Status").asText()).isEqualTo("Success");
  }

  @Test
  void responseTimestamps_areEpochSecondNumbers() {
    String seller = Harness.newAccountId();
    String saas = h.admin().saasProduct(seller, "Users").get("productCode").asText();
    String buyer = h.buyer();
    h.admin().subscribe(saas, buyer);
    JsonNode key = h.admin().accessKey(seller, "SELLER");
    // A record must not be timed before the subscription began (to the millisecond).
    long now = Instant.parse(h.admin().advanceClock("PT1M").get("now").asText()).getEpochSecond();
    String hourly = h.admin().hourlyProduct(seller).get("productCode").asText();
    h.admin().subscribe(hourly, buyer);
    h.admin().rotateKey(hourly);
    JsonNode task = h.admin().task(buyer, REGION, "ECS");

    RawHttp.Reply batch =
        h.raw()
            .call(
                "BatchMeterUsage",
                "{\"UsageRecords\":[{\"Timestamp\":"
                    + now
                    + ".250,\"Dimension\":\"Users\",\"Quantity\":1,\"CustomerAWSAccountId\":\""
                    + buyer
                    + "\"}],\"ProductCode\":\""
                    + saas
                    + "\"}",
                TestServer.keyCredentials(key),
                REGION);
    RawHttp.Reply register =
        h.raw()
            .call(
                "RegisterUsage",
                "{\"ProductCode\":\"" + hourly + "\",\"PublicKeyVersion\":1}",
                TestServer.taskCredentials(task),
                REGION);

    assertThat(batch.json().get("Results").get(0).get("Status").asText()).isEqualTo("Success");
    JsonNode echoed = batch.json().get("Results").get(0).get("UsageRecord").get("Timestamp");
    assertThat(echoed.isNumber()).as(batch.body()).isTrue();
    assertThat(echoed.decimalValue()).isEqualByComparingTo(now + ".25");
    JsonNode rotation = register.json().get("PublicKeyRotationTimestamp");
    assertThat(rotation.isNumber()).as(register.body()).isTrue();
  }

  @Test
  void endpointWithPathPrefix_isServed() {
    Running t = runningTask();
    MarketplaceMeteringClient client =
        h.track(
            h.clientBuilder(t.credentials(), REGION)
                .endpointOverride(URI.create(h.endpoint() + "/pfx"))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build());

    MeterUsageResponse r = meter(client, t.productCode(), h.now());

    assertThat(r.meteringRecordId()).isNotBlank();
  }

  @Test
  void bodyOverOneMegabyte_is413BeforeTheBodyIsRead() throws IOException {
    URI endpoint = h.endpoint();
    try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST / HTTP/1.1\r\nHost: "
                  + endpoint.getHost()
                  + ":"
                  + endpoint.getPort()
                  + "\r\nContent-Type: "
                  + AMZ_JSON
                  + "\r\nX-Amz-Target: "
                  + "AWSMPMeteringService.BatchMeterUsage\r\nContent-Length: "
                  + (2 * 1024 * 1024)
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      // Only a sliver of the announced 2 MB: the answer must not wait for the rest.
      out.write("{\"UsageRecords\":[".getBytes(StandardCharsets.US_ASCII));
      out.flush();

      RawResponse r = RawResponse.read(socket.getInputStream());

      assertThat(r.status()).isEqualTo(413);
      assertThat(r.headers()).containsKey("x-amzn-requestid").containsKey("date");
      assertThat(r.headers().get("content-type")).startsWith(AMZ_JSON);
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.get("__type").asText()).isEqualTo(r.headers().get("x-amzn-errortype"));
      assertThat(body.get("message").asText()).isNotBlank();
    }
  }

  /** An HTTP/1.1 response read off a socket: status line, headers, Content-Length body. */
  private record RawResponse(int status, Map<String, String> headers, byte[] body) {
    static RawResponse read(InputStream in) throws IOException {
      String statusLine = line(in);
      Map<String, String> headers = new TreeMap<>();
      for (String l = line(in); !l.isEmpty(); l = line(in)) {
        int colon = l.indexOf(':');
        headers.put(
            l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
      }
      byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
      return new RawResponse(Integer.parseInt(statusLine.split(" ")[1]), headers, body);
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("connection closed inside the response head");
        }
        if (c != '\r') {
          b.write(c);
        }
      }
      return b.toString(StandardCharsets.US_ASCII);
    }
  }

  // ---- fault injection --------------------------------------------------------------------

  @Test
  void injectedInternalError_is500TypedUntilFaultsAreCleared() {
    Running t = runningTask();
    MarketplaceMeteringClient client = h.taskClient(t.task());
    Instant now = h.now();
    h.admin().fault("MeterUsage", "InternalServiceErrorException", 1.0, 0);

    expectError(
        InternalServiceErrorException.class, 500, () -> meter(client, t.productCode(), now));
    h.admin().clearFaults();

    assertThat(meter(client, t.productCode(), now).meteringRecordId()).isNotBlank();
  }

  @Test
  void injectedLatency_delaysTheAnswer() {
    Running t = runningTask();
    MarketplaceMeteringClient client = h.taskClient(t.task());
    Instant now = h.now();
    h.admin().fault("MeterUsage", null, 1.0, 400);

    long start = System.nanoTime();
    MeterUsageResponse r = meter(client, t.productCode(), now);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.meteringRecordId()).isNotBlank();
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  void faultOnOneOperation_leavesOthersAlone() {
    String seller = Harness.newAccountId();
    String code = h.admin().saasProduct(seller, "Users").get("productCode").asText();
    h.admin().fault("MeterUsage", "InternalServiceErrorException", 1.0, 0);
    MarketplaceMeteringClient sellerClient = h.keyClient(seller, "SELLER");

    var r = sellerClient.batchMeterUsage(b -> b.productCode(code).usageRecords(List.of()));

    assertThat(r.results()).isEmpty();
  }

  /** Every error name both SDKs model (GOLDEN §4.3), with the status SPEC §1.1 gives it. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "CustomerNotEntitledException",
        "DisabledApiException",
        "DuplicateRequestException",
        "ExpiredTokenException",
        "IdempotencyConflictException",
        "InternalServiceErrorException",
        "InvalidCustomerIdentifierException",
        "InvalidEndpointRegionException",
        "InvalidProductCodeException",
        "InvalidPublicKeyVersionException",
        "InvalidRegionException",
        "InvalidTagException",
        "InvalidTokenException",
        "InvalidUsageAllocationsException",
        "InvalidUsageDimensionException",
        "PlatformNotSupportedException",
        "ThrottlingException",
        "TimestampOutOfBoundsException"
      })
  void everyModelledError_reachesTheSdkAsItsTypedClass(String name) throws Exception {
    Running t = runningTask();
    MarketplaceMeteringClient client = h.taskClient(t.task());
    Instant now = h.now();
    h.admin().fault("MeterUsage", name, 1.0, 0);
    Class<? extends MarketplaceMeteringException> type =
        Class.forName("software.amazon.awssdk.services.marketplacemetering.model." + name)
            .asSubclass(MarketplaceMeteringException.class);
    int status =
        switch (name) {
          case "InternalServiceErrorException" -> 500;
          case "IdempotencyConflictException" -> 409;
          default -> 400;
        };

    expectError(type, status, () -> meter(client, t.productCode(), now));
  }

  // ---- throttling -------------------------------------------------------------------------

  /** Counts the attempts the SDK makes. */
  private static final class AttemptCounter implements ExecutionInterceptor {
    final AtomicInteger attempts = new AtomicInteger();

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      attempts.incrementAndGet();
    }
  }

  @Test
  void overQuota_isThrottlingWithRetryAfterAndSdkRetriesToSuccess() throws Exception {
    try (Harness throttled = Harness.configured(b -> b.quotas(ServerConfig.awsQuotas())).start()) {
      Running t = runningTask(throttled);
      Instant now = throttled.now();
      MarketplaceMeteringClient noRetries = throttled.taskClient(t.task());
      ThrottlingException throttling = null;
      for (int i = 0; i < 50 && throttling == null; i++) {
        Throwable thrown = catchThrowable(() -> meter(noRetries, t.productCode(), now));
        if (thrown != null) {
          assertThat(thrown).isInstanceOf(ThrottlingException.class);
          throttling = (ThrottlingException) thrown;
        }
      }
      assertThat(throttling).as("10/s quota exceeded by a burst").isNotNull();
      assertThat(throttling.statusCode()).isEqualTo(400);
      assertThat(throttling.isThrottlingException()).isTrue();
      assertThat(throttling.requestId()).isNotBlank();
      assertThat(throttling.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Retry-After"))
          .isPresent();

      Running fresh = runningTask(throttled);
      AttemptCounter counter = new AttemptCounter();
      MarketplaceMeteringClient withRetries =
          throttled.track(
              throttled
                  .clientBuilder(fresh.credentials(), REGION)
                  .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
                  .build());
      int calls = 15;
      ExecutorService pool = Executors.newFixedThreadPool(calls);
      try {
        List<Future<MeterUsageResponse>> results = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
          results.add(pool.submit(() -> meter(withRetries, fresh.productCode(), now)));
        }
        Set<String> ids = new HashSet<>();
        for (Future<MeterUsageResponse> f : results) {
          ids.add(f.get().meteringRecordId());
        }
        assertThat(ids).hasSize(1).doesNotContainNull();
      } finally {
        pool.shutdownNow();
      }
      assertThat(counter.attempts.get())
          .as("attempts, some throttled and retried")
          .isGreaterThan(calls);
    }
  }

  // ---- the admin API's own errors ---------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"", "wrong-token"})
  void adminWithoutRightBearerToken_is401Json(String token) {
    AdminClient.Reply r = h.admin().send("GET", "/clock", null, token.isEmpty() ? null : token);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body().get("error").asText()).isNotBlank();
    assertThat(r.body().get("message").asText()).isNotBlank();
  }

  @Test
  void adminBadInput_is400NamingTheField() {
    AdminClient.Reply pricing =
        h.admin().send("POST", "/products", Map.of("name", "x", "pricing", "SOMETIMES"));
    AdminClient.Reply region =
        h.admin()
            .send(
                "POST",
                "/tasks",
                Map.of("awsAccountId", h.buyer(), "region", "mars-north-1", "platform", "ECS"));
    AdminClient.Reply account = h.admin().send("POST", "/buyers", Map.of("awsAccountId", "12"));

    for (AdminClient.Reply r : List.of(pricing, region, account)) {
      assertThat(r.status()).as(r.body().toString()).isEqualTo(400);
      assertThat(r.body().get("error").asText()).isNotBlank();
      assertThat(r.body().get("message").asText()).isNotBlank();
    }
    assertThat(pricing.body().get("field").asText()).isEqualTo("pricing");
    assertThat(region.body().get("field").asText()).isEqualTo("region");
    assertThat(account.body().get("field").asText()).isEqualTo("awsAccountId");
  }

  @Test
  void adminUnknownThings_are404Json() {
    AdminClient.Reply product = h.admin().send("GET", "/products/noSuchProduct", null);
    AdminClient.Reply path = h.admin().send("GET", "/nothing-here", null);

    assertThat(product.status()).isEqualTo(404);
    assertThat(product.body().get("message").asText()).isNotBlank();
    assertThat(path.status()).isEqualTo(404);
    assertThat(path.body().get("error").asText()).isNotBlank();
  }

  @Test
  void adminConflict_is409Json() {
    String buyer = h.buyer();

    AdminClient.Reply again = h.admin().send("POST", "/buyers", Map.of("awsAccountId", buyer));

    assertThat(again.status()).isEqualTo(409);
    assertThat(again.body().get("field").asText()).isEqualTo("awsAccountId");
  }
}
