package io.meterline.server.conformance;

import static io.meterline.server.conformance.Harness.REGION;
import static io.meterline.server.conformance.ServiceErrors.expectError;
import static io.meterline.server.conformance.ServiceErrors.expectErrorCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.MutableClock;
import io.meterline.server.testing.RawHttp;
import io.meterline.server.testing.TestServer;
import io.meterline.wire.sigv4.SigV4Signer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.ExpiredTokenException;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;

/**
 * SigV4 authentication and the credentials behind it, through the official SDK and hand-signed
 * requests: SPEC §1.1 "Authentication" and "Two clocks", GOLDEN §5.2 and §8. The server runs on a
 * {@link MutableClock} so tests can move its real time (the SDK keeps signing with the JVM's).
 */
class AuthenticationConformanceTest {
  private static final MutableClock REAL_TIME = new MutableClock();
  private static final String AMZ_JSON = "application/x-amz-json-1.1";
  private static final String EXPIRED_MESSAGE =
      "The security token included in the request is expired";

  @RegisterExtension static final Harness h = Harness.onRealClock(REAL_TIME);

  @AfterEach
  void restoreClocks() {
    REAL_TIME.reset();
    // The Java SDK keeps the skew it learnt in a JVM-global offset (GOLDEN §5.2).
    SdkGlobalTime.setGlobalTimeOffset(0);
  }

  /** A subscribed buyer's running task on a CUSTOM product with dimension Hosts. */
  private record Running(String productCode, String buyer, JsonNode task) {
    AwsSessionCredentials credentials() {
      return TestServer.taskCredentials(task);
    }
  }

  private static Running runningTask() {
    String code =
        h.admin().customProduct(Harness.newAccountId(), "Hosts").get("productCode").asText();
    String buyer = h.buyer();
    h.admin().subscribe(code, buyer);
    return new Running(code, buyer, h.admin().task(buyer, REGION, "ECS"));
  }

  private static MeterUsageResponse meter(MarketplaceMeteringClient client, String code) {
    Instant now = h.now();
    return client.meterUsage(
        b -> b.productCode(code).usageDimension("Hosts").usageQuantity(1).timestamp(now));
  }

  // ---- keys and tokens --------------------------------------------------------------------

  @Test
  void taskCredentials_signedCorrectly_areAccepted() {
    Running t = runningTask();

    assertThat(meter(h.taskClient(t.task()), t.productCode()).meteringRecordId()).isNotBlank();
  }

  @Test
  void taskCredentials_wrongSecret_isInvalidSignature403() {
    Running t = runningTask();
    AwsSessionCredentials c = t.credentials();
    MarketplaceMeteringClient client =
        h.client(
            AwsSessionCredentials.create(
                c.accessKeyId(), c.secretAccessKey() + "x", c.sessionToken()),
            REGION);

    expectErrorCode("InvalidSignatureException", 403, () -> meter(client, t.productCode()));
    assertThat(h.usage(t.productCode())).isEmpty();
  }

  @Test
  void longTermKey_wrongSecret_isInvalidSignature403() {
    String seller = Harness.newAccountId();
    h.admin().saasProduct(seller, "Users");
    JsonNode key = h.admin().accessKey(seller, "SELLER");
    MarketplaceMeteringClient client =
        h.client(
            AwsBasicCredentials.create(
                key.get("accessKeyId").asText(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            REGION);

    expectErrorCode(
        "InvalidSignatureException",
        403,
        () -> client.resolveCustomer(b -> b.registrationToken("whatever")));
  }

  @Test
  void unknownAccessKey_isUnrecognizedClient400() {
    Running t = runningTask();
    MarketplaceMeteringClient client =
        h.client(
            AwsBasicCredentials.create(
                "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            REGION);

    expectErrorCode("UnrecognizedClientException", 400, () -> meter(client, t.productCode()));
  }

  @Test
  void temporaryKeyWithoutItsSessionToken_isUnrecognizedClient400() {
    Running t = runningTask();
    AwsSessionCredentials c = t.credentials();
    MarketplaceMeteringClient client =
        h.client(AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey()), REGION);

    expectErrorCode("UnrecognizedClientException", 400, () -> meter(client, t.productCode()));
  }

  @Test
  void sessionTokenOfAnotherKey_isUnrecognizedClient400() {
    Running t = runningTask();
    Running other = runningTask();
    AwsSessionCredentials mine = t.credentials();
    MarketplaceMeteringClient client =
        h.client(
            AwsSessionCredentials.create(
                mine.accessKeyId(), mine.secretAccessKey(), other.credentials().sessionToken()),
            REGION);

    expectErrorCode("UnrecognizedClientException", 400, () -> meter(client, t.productCode()));
    assertThat(h.usage(t.productCode())).isEmpty();
    assertThat(h.usage(other.productCode())).isEmpty();
  }

  @Test
  void longTermKeyWithASessionToken_isUnrecognizedClient400() {
    Running t = runningTask();
    JsonNode key = h.admin().accessKey(t.buyer(), "BUYER_USER");
    MarketplaceMeteringClient client =
        h.client(
            AwsSessionCredentials.create(
                key.get("accessKeyId").asText(),
                key.get("secretAccessKey").asText(),
                t.credentials().sessionToken()),
            REGION);

    expectErrorCode("UnrecognizedClientException", 400, () -> meter(client, t.productCode()));
  }

  @Test
  void stoppedTasksCredentials_areUnrecognizedClient400() {
    Running t = runningTask();
    MarketplaceMeteringClient client = h.taskClient(t.task());
    meter(client, t.productCode());
    h.admin().stopTask(t.task().get("taskId").asText());

    expectErrorCode("UnrecognizedClientException", 400, () -> meter(client, t.productCode()));
  }

  // ---- credential lifetime (real time) ----------------------------------------------------

  @Test
  void taskCredentials_expireSixHoursOfRealTimeAfterIssue() {
    Running t = runningTask();

    Instant expiration = Instant.parse(t.task().get("credentials").get("expiration").asText());

    assertThat(expiration)
        .isCloseTo(Instant.now().plus(Duration.ofHours(6)), within(1, ChronoUnit.MINUTES));
  }

  @Test
  void expiredTemporaryCredentials_areExpiredTokenWithAwsMessage() {
    String code =
        h.admin().customProduct(Harness.newAccountId(), "Hosts").get("productCode").asText();
    String buyer = h.buyer();
    h.admin().subscribe(code, buyer);
    REAL_TIME.shift(Duration.ofHours(-7));
    JsonNode task = h.admin().task(buyer, REGION, "ECS");
    REAL_TIME.reset();
    MarketplaceMeteringClient client = h.taskClient(task);

    ExpiredTokenException e =
        expectError(ExpiredTokenException.class, 400, () -> meter(client, code));

    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(EXPIRED_MESSAGE);
    assertThat(h.usage(code)).isEmpty();
  }

  // ---- clock skew -------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(longs = {-10, 10})
  void signingTimeWithinFifteenMinutes_isAccepted(long minutes) {
    Running t = runningTask();
    MarketplaceMeteringClient client = h.taskClient(t.task());
    REAL_TIME.shift(Duration.ofMinutes(minutes));

    assertThat(meter(client, t.productCode()).meteringRecordId()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(longs = {-20, 20, 60})
  void signingTimeOutsideFifteenMinutes_isInvalidSignature403WithServersDate(long minutes) {
    Running t = runningTask();
    MarketplaceMeteringClient client = h.taskClient(t.task());
    REAL_TIME.shift(Duration.ofMinutes(minutes));

    var e = expectErrorCode("InvalidSignatureException", 403, () -> meter(client, t.productCode()));

    String date =
        e.awsErrorDetails()
            .sdkHttpResponse()
            .firstMatchingHeader("Date")
            .orElseThrow(() -> new AssertionError("no Date header on the skew error"));
    assertThat(httpDate(date)).isCloseTo(REAL_TIME.instant(), within(5, ChronoUnit.SECONDS));
  }

  /** Records every attempt's request date and response. */
  private static final class Attempts implements ExecutionInterceptor {
    final List<String> amzDates = new CopyOnWriteArrayList<>();
    final List<SdkHttpResponse> responses = new CopyOnWriteArrayList<>();

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      amzDates.add(context.httpRequest().firstMatchingHeader("X-Amz-Date").orElse(null));
    }

    @Override
    public void afterTransmission(
        Context.AfterTransmission context, ExecutionAttributes attributes) {
      responses.add(context.httpResponse());
    }
  }

  @Test
  void serverClockAnHourAhead_sdkWithDefaultRetriesCorrectsFromDateHeaderAndSucceeds() {
    Running t = runningTask();
    Attempts attempts = new Attempts();
    MarketplaceMeteringClient client =
        h.track(
            h.clientBuilder(t.credentials(), REGION)
                .overrideConfiguration(o -> o.addExecutionInterceptor(attempts))
                .build());
    REAL_TIME.shift(Duration.ofHours(1));

    MeterUsageResponse r = meter(client, t.productCode());

    assertThat(r.meteringRecordId()).isNotBlank();
    assertThat(attempts.responses).hasSize(2);
    SdkHttpResponse rejected = attempts.responses.get(0);
    assertThat(rejected.statusCode()).isEqualTo(403);
    assertThat(rejected.firstMatchingHeader("x-amzn-ErrorType"))
        .contains("InvalidSignatureException");
    assertThat(httpDate(rejected.firstMatchingHeader("Date").orElseThrow()))
        .isCloseTo(REAL_TIME.instant(), within(5, ChronoUnit.SECONDS));
    assertThat(attempts.responses.get(1).statusCode()).isEqualTo(200);
    assertThat(amzDate(attempts.amzDates.get(1)))
        .isCloseTo(REAL_TIME.instant(), within(1, ChronoUnit.MINUTES));
  }

  private static Instant httpDate(String value) {
    return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
  }

  private static Instant amzDate(String value) {
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
        .withZone(ZoneOffset.UTC)
        .parse(value, Instant::from);
  }

  // ---- hand-made requests -----------------------------------------------------------------

  private static String meterBody(String code) {
    return "{\"ProductCode\":\""
        + code
        + "\",\"Timestamp\":"
        + h.now().getEpochSecond()
        + ",\"UsageDimension\":\"Hosts\",\"UsageQuantity\":1}";
  }

  @Test
  void bodyChangedAfterSigning_isInvalidSignature403() {
    Running t = runningTask();
    byte[] signedBody = meterBody(t.productCode()).getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers =
        h.raw().signedHeaders("MeterUsage", signedBody, t.credentials(), REGION);
    byte[] tampered =
        meterBody(t.productCode())
            .replace("\"UsageQuantity\":1", "\"UsageQuantity\":9")
            .getBytes(StandardCharsets.UTF_8);

    RawHttp.Reply reply = h.raw().post("/", headers, tampered);

    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.json().get("__type").asText()).isEqualTo("InvalidSignatureException");
    assertThat(reply.header("x-amzn-RequestId")).isNotBlank();
    assertThat(h.usage(t.productCode())).isEmpty();
  }

  @Test
  void bodyAndContentHashChangedAfterSigning_isInvalidSignature403() {
    Running t = runningTask();
    byte[] signedBody = meterBody(t.productCode()).getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers =
        new TreeMap<>(h.raw().signedHeaders("MeterUsage", signedBody, t.credentials(), REGION));
    byte[] tampered =
        meterBody(t.productCode())
            .replace("\"UsageQuantity\":1", "\"UsageQuantity\":9")
            .getBytes(StandardCharsets.UTF_8);
    headers.put("x-amz-content-sha256", sha256Hex(tampered));

    RawHttp.Reply reply = h.raw().post("/", headers, tampered);

    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.json().get("__type").asText()).isEqualTo("InvalidSignatureException");
  }

  @Test
  void signedRequest_isAcceptedByHand() {
    Running t = runningTask();

    RawHttp.Reply reply =
        h.raw().call("MeterUsage", meterBody(t.productCode()), t.credentials(), REGION);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("MeteringRecordId").asText()).isNotBlank();
  }

  @Test
  void missingAuthorization_isMissingAuthenticationToken403() {
    Running t = runningTask();
    byte[] body = meterBody(t.productCode()).getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers =
        new TreeMap<>(h.raw().signedHeaders("MeterUsage", body, t.credentials(), REGION));
    headers.remove("authorization");

    RawHttp.Reply reply = h.raw().post("/", headers, body);

    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.json().get("__type").asText())
        .isEqualTo("MissingAuthenticationTokenException");
    assertThat(reply.header("x-amzn-ErrorType")).isEqualTo("MissingAuthenticationTokenException");
    assertThat(reply.header("x-amzn-RequestId")).isNotBlank();
  }

  @Test
  void garbledAuthorization_isIncompleteSignature400() {
    Running t = runningTask();
    byte[] body = meterBody(t.productCode()).getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers =
        new TreeMap<>(h.raw().signedHeaders("MeterUsage", body, t.credentials(), REGION));
    headers.put("authorization", "AWS4-HMAC-SHA256 Credential=garbage");

    RawHttp.Reply reply = h.raw().post("/", headers, body);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("__type").asText()).isEqualTo("IncompleteSignatureException");
  }

  @Test
  void sessionTokenSentButNotSigned_isRejected() {
    Running t = runningTask();
    AwsSessionCredentials c = t.credentials();
    byte[] body = meterBody(t.productCode()).getBytes(StandardCharsets.UTF_8);
    // Signed as if the credentials had no token, then the token is added unsigned
    // (GOLDEN §8.2 step 3: the token must be signed).
    Map<String, String> headers =
        new TreeMap<>(
            h.raw()
                .signedHeaders(
                    "MeterUsage",
                    body,
                    AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey()),
                    REGION));
    headers.put("x-amz-security-token", c.sessionToken());

    RawHttp.Reply reply = h.raw().post("/", headers, body);

    assertThat(reply.status()).as(reply.body()).isIn(400, 403);
    assertThat(reply.json().get("__type").asText())
        .isIn("IncompleteSignatureException", "InvalidSignatureException");
    assertThat(h.usage(t.productCode())).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"metering", "execute-api"})
  void scopeWithOtherSigningName_isInvalidSignature403(String service) {
    Running t = runningTask();
    AwsSessionCredentials c = t.credentials();
    byte[] body = meterBody(t.productCode()).getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers =
        new SigV4Signer(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), REGION, service)
            .sign(
                "POST",
                "/",
                Map.of(
                    "host",
                    h.endpoint().getAuthority(),
                    "content-type",
                    AMZ_JSON,
                    "x-amz-target",
                    "AWSMPMeteringService.MeterUsage"),
                body,
                Instant.now());

    RawHttp.Reply reply = h.raw().post("/", headers, body);

    assertThat(reply.status()).as(reply.body()).isEqualTo(403);
    assertThat(reply.json().get("__type").asText()).isEqualTo("InvalidSignatureException");
  }

  @Test
  void scopeWithUnservedRegion_isInvalidSignature403() {
    Running t = runningTask();
    MarketplaceMeteringClient client = h.client(t.credentials(), "xx-nowhere-1");

    expectErrorCode("InvalidSignatureException", 403, () -> meter(client, t.productCode()));
  }

  private static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
