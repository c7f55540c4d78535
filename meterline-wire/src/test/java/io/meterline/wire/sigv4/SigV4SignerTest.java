package io.meterline.wire.sigv4;

import static io.meterline.wire.testing.ServiceErrors.serviceError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.crypto.Hashing;
import io.meterline.wire.testing.CapturedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * {@link SigV4Signer} signs the way the SDKs do: its requests verify, and its Authorization header
 * is byte for byte the one the official SDK signer ({@code AwsV4HttpSigner}, GOLDEN §8.2) makes.
 */
class SigV4SignerTest {
  private static final String KEY_ID = "AKIDSIGNERTEST0001";
  private static final String SECRET = "signer/Test+Secret/EXAMPLEKEY";
  private static final String SESSION_TOKEN =
      "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJH";
  private static final String HOST = "127.0.0.1";
  private static final int PORT = 33907;
  private static final Instant TIME = Instant.parse("2026-11-27T15:50:45Z");
  private static final byte[] METER_USAGE_BODY =
      ("{\"ProductCode\":\"prod-abc123\","
              + "\"Timestamp\":1704164645.000,\"UsageDimension\":\"Hosts\",\"UsageQuantity\":3,"
              + "\"ClientToken\":\"c625405c-2ddb-4637-88ce-5ac2666e61a8\"}")
          .getBytes(StandardCharsets.UTF_8);
  private static final SigV4Verifier VERIFIER =
      new SigV4Verifier("aws-marketplace", region -> true, Duration.ofMinutes(15));

  @Test
  void sign_thenVerify_acceptsWithTheSecretAndRejectsAnother() {
    SigV4Signer signer = new SigV4Signer(KEY_ID, SECRET, null, "us-east-1", "aws-marketplace");
    Map<String, String> headers =
        signer.sign(
            "POST", "/", sdkHeaders("MeterUsage", METER_USAGE_BODY), METER_USAGE_BODY, TIME);

    SignatureClaim claim = VERIFIER.check(request("/", headers, METER_USAGE_BODY), TIME);

    assertThat(claim.accessKeyId()).isEqualTo(KEY_ID);
    assertThat(claim.securityToken()).isNull();
    assertThat(claim.isSignedWith(SECRET)).isTrue();
    assertThat(claim.isSignedWith(SECRET + "x")).isFalse();
  }

  @Test
  void sign_addsDateContentHashAndTokenHeadersInLowerCase() {
    SigV4Signer signer =
        new SigV4Signer(KEY_ID, SECRET, SESSION_TOKEN, "eu-west-1", "aws-marketplace");

    Map<String, String> headers =
        signer.sign(
            "POST",
            "/",
            Map.of("Host", HOST + ":" + PORT, "X-Amz-Target", "AWSMPMeteringService.MeterUsage"),
            METER_USAGE_BODY,
            TIME);

    assertThat(headers)
        .containsEntry("x-amz-date", "20261127T155045Z")
        .containsEntry("x-amz-content-sha256", Hashing.sha256Hex(METER_USAGE_BODY))
        .containsEntry("x-amz-security-token", SESSION_TOKEN)
        .containsEntry("host", HOST + ":" + PORT)
        .containsEntry("x-amz-target", "AWSMPMeteringService.MeterUsage");
    assertThat(headers.get("authorization"))
        .startsWith(
            "AWS4-HMAC-SHA256 Credential="
                + KEY_ID
                + "/20261127/eu-west-1/aws-marketplace/aws4_request, SignedHeaders=host;"
                + "x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target, Signature=");
  }

  @Test
  void sign_sessionCredentials_verifiesAndCarriesTheToken() {
    SigV4Signer signer =
        new SigV4Signer(KEY_ID, SECRET, SESSION_TOKEN, "us-east-1", "aws-marketplace");
    Map<String, String> headers =
        signer.sign(
            "POST", "/", sdkHeaders("MeterUsage", METER_USAGE_BODY), METER_USAGE_BODY, TIME);

    SignatureClaim claim = VERIFIER.check(request("/", headers, METER_USAGE_BODY), TIME);

    assertThat(claim.securityToken()).isEqualTo(SESSION_TOKEN);
    assertThat(claim.isSignedWith(SECRET)).isTrue();
  }

  @Test
  void sign_withoutHost_isRejected() {
    SigV4Signer signer = new SigV4Signer(KEY_ID, SECRET, null, "us-east-1", "aws-marketplace");

    assertThatThrownBy(
            () -> signer.sign("POST", "/", Map.of("x-amz-target", "t"), new byte[0], TIME))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host");
  }

  @Test
  void sign_scopeServiceMetering_isRejectedByTheVerifier() {
    SigV4Signer signer = new SigV4Signer(KEY_ID, SECRET, null, "us-east-1", "metering");
    Map<String, String> headers =
        signer.sign(
            "POST", "/", sdkHeaders("MeterUsage", METER_USAGE_BODY), METER_USAGE_BODY, TIME);

    serviceError(
        ErrorCode.INVALID_SIGNATURE,
        () -> VERIFIER.check(request("/", headers, METER_USAGE_BODY), TIME));
  }

  static Stream<Arguments> signingCases() {
    byte[] unicode = "{\"Value\":\"café ✓ \\\"q\\\" \\\\ /\"}".getBytes(StandardCharsets.UTF_8);
    byte[] batch =
        "{\"UsageRecords\":[],\"ProductCode\":\"prod-abc123\"}".getBytes(StandardCharsets.UTF_8);
    return Stream.of(
        Arguments.of("root path", "/", "us-east-1", null, METER_USAGE_BODY),
        Arguments.of("session token", "/", "us-east-1", SESSION_TOKEN, METER_USAGE_BODY),
        Arguments.of("other region", "/", "ap-southeast-2", null, METER_USAGE_BODY),
        Arguments.of("empty body", "/", "us-east-1", null, new byte[0]),
        Arguments.of("unicode body", "/", "us-east-1", null, unicode),
        Arguments.of("batch body", "/", "us-east-1", SESSION_TOKEN, batch),
        Arguments.of("endpoint path prefix", "/pfx/", "us-east-1", null, METER_USAGE_BODY),
        Arguments.of("deeper prefix", "/some/prefix/", "us-east-1", null, METER_USAGE_BODY),
        Arguments.of("dot segment", "/pfx/./", "us-east-1", null, METER_USAGE_BODY),
        Arguments.of("dot-dot segment", "/a/../pfx/", "us-east-1", null, METER_USAGE_BODY),
        Arguments.of(
            "dot segments mid-path", "/pfx/./a/../b/", "us-east-1", null, METER_USAGE_BODY),
        Arguments.of("trailing dot", "/pfx/.", "us-east-1", null, METER_USAGE_BODY),
        Arguments.of("trailing dot-dot", "/pfx/a/..", "us-east-1", null, METER_USAGE_BODY),
        Arguments.of("no trailing slash", "/pfx", "us-east-1", null, METER_USAGE_BODY),
        Arguments.of("double slash", "/pfx//a/", "us-east-1", null, METER_USAGE_BODY),
        Arguments.of("percent-encoded path", "/p%20fx/", "us-east-1", null, METER_USAGE_BODY),
        Arguments.of("unreserved path chars", "/a-b_c.d~e/", "us-east-1", null, METER_USAGE_BODY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signingCases")
  void sign_agreesExactlyWithTheSdkSigner(
      String label, String path, String region, String sessionToken, byte[] body) {
    Map<String, String> given = sdkHeaders("MeterUsage", body);

    Map<String, String> ours =
        new SigV4Signer(KEY_ID, SECRET, sessionToken, region, "aws-marketplace")
            .sign("POST", path, given, body, TIME);
    SdkHttpRequest sdk = sdkSign(path, given, body, region, sessionToken);

    assertThat(ours.get("authorization"))
        .isEqualTo(sdk.firstMatchingHeader("Authorization").orElseThrow());
    assertThat(ours.get("x-amz-date"))
        .isEqualTo(sdk.firstMatchingHeader("X-Amz-Date").orElseThrow());
    assertThat(ours.get("x-amz-content-sha256"))
        .isEqualTo(sdk.firstMatchingHeader("x-amz-content-sha256").orElseThrow());
    assertThat(ours.get("x-amz-security-token"))
        .isEqualTo(sdk.firstMatchingHeader("X-Amz-Security-Token").orElse(null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signingCases")
  void sign_requestsVerifyWithTheVerifier(
      String label, String path, String region, String sessionToken, byte[] body) {
    Map<String, String> headers =
        new SigV4Signer(KEY_ID, SECRET, sessionToken, region, "aws-marketplace")
            .sign("POST", path, sdkHeaders("MeterUsage", body), body, TIME);

    SignatureClaim claim = VERIFIER.check(request(path, headers, body), TIME);

    assertThat(claim.region()).isEqualTo(region);
    assertThat(claim.isSignedWith(SECRET)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signingCases")
  void sdkSignedRequests_verifyWithTheVerifier(
      String label, String path, String region, String sessionToken, byte[] body) {
    SdkHttpRequest sdk = sdkSign(path, sdkHeaders("MeterUsage", body), body, region, sessionToken);
    Map<String, String> headers = new LinkedHashMap<>();
    sdk.forEachHeader((name, values) -> headers.put(name, values.get(0)));

    SignatureClaim claim = VERIFIER.check(request(path, headers, body), TIME);

    assertThat(claim.isSignedWith(SECRET)).isTrue();
  }

  /** The headers the Java SDK signs besides the ones the signer adds (GOLDEN §2.1). */
  private static Map<String, String> sdkHeaders(String operation, byte[] body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", HOST + ":" + PORT);
    headers.put("amz-sdk-invocation-id", "1b859216-4102-6df8-19f3-1c94ffe8e3fc");
    headers.put("amz-sdk-request", "attempt=1; max=4");
    headers.put("Content-Type", "application/x-amz-json-1.1");
    headers.put("X-Amz-Target", "AWSMPMeteringService." + operation);
    headers.put("Content-Length", Integer.toString(body.length));
    return headers;
  }

  /** Signs with the official SDK signer and a signing clock fixed at {@link #TIME}. */
  private static SdkHttpRequest sdkSign(
      String path, Map<String, String> headers, byte[] body, String region, String sessionToken) {
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .protocol("http")
            .host(HOST)
            .port(PORT)
            .encodedPath(path);
    headers.forEach(
        (name, value) -> {
          if (!name.equalsIgnoreCase("host")) {
            request.putHeader(name, value);
          }
        });
    AwsCredentialsIdentity identity =
        sessionToken == null
            ? AwsCredentialsIdentity.create(KEY_ID, SECRET)
            : AwsSessionCredentialsIdentity.create(KEY_ID, SECRET, sessionToken);
    SignedRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(identity)
                        .request(request.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "aws-marketplace")
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(TIME, ZoneOffset.UTC)));
    return signed.request();
  }

  private static CapturedRequest request(String path, Map<String, String> headers, byte[] body) {
    List<Map.Entry<String, String>> list = new ArrayList<>(headers.entrySet());
    return new CapturedRequest("test", "signed", 1, "POST", path, list, body);
  }
}
