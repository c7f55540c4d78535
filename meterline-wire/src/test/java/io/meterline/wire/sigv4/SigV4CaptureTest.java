package io.meterline.wire.sigv4;

import static io.meterline.wire.testing.ServiceErrors.serviceError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import io.meterline.wire.crypto.Hashing;
import io.meterline.wire.testing.CapturedRequest;
import io.meterline.wire.testing.Captures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * SigV4 verification of every request the official SDKs signed (reference/wire/GOLDEN.md §8.3), and
 * of the tampered variants the reference verifier rejected.
 */
class SigV4CaptureTest {
  private static final SigV4Verifier VERIFIER =
      new SigV4Verifier("aws-marketplace", region -> true, Duration.ofMinutes(15));

  /** java-req-01: a plain MeterUsage signed by the Java SDK with the static keys. */
  private static final CapturedRequest METER_USAGE =
      Captures.firstRequest("java-req-01-meterusage-basic");

  /** java-req-10: the same with session credentials. */
  private static final CapturedRequest SESSION_METER_USAGE =
      Captures.firstRequest("java-req-10-meterusage-session-token");

  @TestFactory
  Stream<DynamicTest> everySignedCapturedRequest_verifiesWithItsSecret() {
    return Captures.signedRequests().stream()
        .map(
            r ->
                dynamicTest(
                    r.name(), () -> assertThatCode(() -> verify(r)).doesNotThrowAnyException()));
  }

  @Test
  void verifiedCaptures_matchTheReferenceCountPerSdk() {
    JsonNode report = Captures.verificationReport();
    List<CapturedRequest> verified =
        Captures.signedRequests().stream().filter(SigV4CaptureTest::verifies).toList();

    assertThat(verified).hasSize(report.path("offlineMatched").asInt());
    assertThat(verified).hasSize(369);
    assertThat(verified.stream().filter(r -> r.sdk().equals("java")))
        .hasSize(report.path("offlinePerSdk").path("java match").asInt())
        .hasSize(201);
    assertThat(verified.stream().filter(r -> r.sdk().equals("js")))
        .hasSize(report.path("offlinePerSdk").path("js match").asInt())
        .hasSize(168);
  }

  @Test
  void verifiedCaptures_areExactlyTheRequestsTheReferenceVerified() {
    Set<String> reference = new TreeSet<>();
    for (JsonNode entry : Captures.verificationReport().path("offline")) {
      if (entry.path("match").asBoolean()) {
        String file = entry.path("file").asText();
        String id = file.substring(file.indexOf('/') + 1, file.length() - ".json".length());
        reference.add(id + "#" + entry.path("seq").asInt());
      }
    }
    Set<String> ours = new TreeSet<>();
    Captures.signedRequests().stream()
        .filter(SigV4CaptureTest::verifies)
        .forEach(r -> ours.add(r.name()));

    assertThat(ours).isEqualTo(reference);
  }

  @Test
  void signedCaptures_coverEveryOperationCredentialKindAndPathPrefix() {
    List<CapturedRequest> signed = Captures.signedRequests();

    assertThat(signed)
        .extracting(r -> r.header("x-amz-target"))
        .contains(
            "AWSMPMeteringService.MeterUsage", "AWSMPMeteringService.BatchMeterUsage",
            "AWSMPMeteringService.RegisterUsage", "AWSMPMeteringService.ResolveCustomer");
    assertThat(signed)
        .extracting(CapturedRequest::accessKeyId)
        .contains(
            "AKIAIOSFODNN7EXAMPLE",
            "ASIAIOSFODNN7EXAMPLE",
            "ASIACONTAINEREXAMPLE",
            "AKIACONTAINEREXAMPLE");
    assertThat(signed).extracting(CapturedRequest::target).contains("/", "/pfx/", "/some/prefix/");
  }

  @Test
  void requestsSignedInsideTheSdkForHttpsEndpoints_verify() {
    List<CapturedRequest> inSdk =
        Captures.files().stream().flatMap(f -> f.inSdkSignedRequests().stream()).toList();

    assertThat(inSdk)
        .hasSize(4)
        .allSatisfy(r -> assertThatCode(() -> verify(r)).doesNotThrowAnyException());
  }

  @Test
  void check_sessionRequest_exposesItsTokenKeyAndRegion() {
    SignatureClaim claim = VERIFIER.check(SESSION_METER_USAGE, SESSION_METER_USAGE.signedAt());

    assertThat(claim.accessKeyId()).isEqualTo("ASIAIOSFODNN7EXAMPLE");
    assertThat(claim.region()).isEqualTo("us-east-1");
    assertThat(claim.securityToken())
        .isEqualTo(SESSION_METER_USAGE.header("x-amz-security-token"))
        .isNotBlank();
    assertThat(claim.requestTime()).isEqualTo(SESSION_METER_USAGE.signedAt());
    assertThat(claim.isSignedWith(Captures.SESSION_SECRET_ACCESS_KEY)).isTrue();
  }

  @Test
  void check_bodyByteChanged_isInvalidSignatureNamingContentSha256() {
    CapturedRequest tampered =
        METER_USAGE.withBody(
            replaceOnce(METER_USAGE.bodyText(), "\"UsageQuantity\":3", "\"UsageQuantity\":4"));

    ServiceException e =
        serviceError(
            ErrorCode.INVALID_SIGNATURE, () -> VERIFIER.check(tampered, tampered.signedAt()));
    assertThat(e.code().httpStatus()).isEqualTo(403);
    assertThat(e).hasMessageContaining("x-amz-content-sha256");
  }

  @Test
  void verify_bodyChangedWithContentSha256Recomputed_isSignatureMismatch() {
    byte[] body = replaceOnce(METER_USAGE.bodyText(), "\"UsageQuantity\":3", "\"UsageQuantity\":4");
    CapturedRequest tampered =
        METER_USAGE.withBody(body).withHeader("x-amz-content-sha256", Hashing.sha256Hex(body));

    assertSignatureMismatch(tampered, Captures.SECRET_ACCESS_KEY);
  }

  @Test
  void verify_targetChanged_isSignatureMismatch() {
    CapturedRequest tampered =
        METER_USAGE.withHeader("X-Amz-Target", "AWSMPMeteringService.RegisterUsage");

    assertSignatureMismatch(tampered, Captures.SECRET_ACCESS_KEY);
  }

  @Test
  void verify_wrongSecret_isSignatureMismatch() {
    assertSignatureMismatch(METER_USAGE, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYOTHERKEY");
  }

  @Test
  void check_serverClock20MinutesAhead_isSignatureExpired() {
    Instant now = METER_USAGE.signedAt().plus(Duration.ofMinutes(20));

    ServiceException e =
        serviceError(ErrorCode.INVALID_SIGNATURE, () -> VERIFIER.check(METER_USAGE, now));
    assertThat(e.code().httpStatus()).isEqualTo(403);
    assertThat(e).hasMessageStartingWith("Signature expired");
  }

  @Test
  void check_serverClock20MinutesBehind_isSignatureNotYetCurrent() {
    Instant now = METER_USAGE.signedAt().minus(Duration.ofMinutes(20));

    ServiceException e =
        serviceError(ErrorCode.INVALID_SIGNATURE, () -> VERIFIER.check(METER_USAGE, now));
    assertThat(e.code().httpStatus()).isEqualTo(403);
    assertThat(e).hasMessageStartingWith("Signature not yet current");
  }

  @Test
  void verify_serverClock14MinutesOffEitherWay_stillVerifies() {
    Instant signedAt = METER_USAGE.signedAt();

    for (Instant now :
        List.of(signedAt.plus(Duration.ofMinutes(14)), signedAt.minus(Duration.ofMinutes(14)))) {
      assertThat(VERIFIER.check(METER_USAGE, now).isSignedWith(Captures.SECRET_ACCESS_KEY))
          .as("server clock at %s", now)
          .isTrue();
    }
  }

  @Test
  void check_skewWindow_includesExactly15MinutesAndExcludesOneSecondMore() {
    Instant signedAt = METER_USAGE.signedAt();
    Duration window = Duration.ofMinutes(15);

    assertThatCode(() -> VERIFIER.check(METER_USAGE, signedAt.plus(window)))
        .doesNotThrowAnyException();
    assertThatCode(() -> VERIFIER.check(METER_USAGE, signedAt.minus(window)))
        .doesNotThrowAnyException();
    serviceError(
        ErrorCode.INVALID_SIGNATURE,
        () -> VERIFIER.check(METER_USAGE, signedAt.plus(window).plusSeconds(1)));
    serviceError(
        ErrorCode.INVALID_SIGNATURE,
        () -> VERIFIER.check(METER_USAGE, signedAt.minus(window).minusSeconds(1)));
  }

  @Test
  void verify_unsignedHeaderAddedInTransit_stillVerifies() {
    CapturedRequest proxied =
        METER_USAGE
            .withAddedHeader("X-Forwarded-For", "10.1.2.3")
            .withAddedHeader("Via", "1.1 proxy");

    assertThatCode(() -> verify(proxied)).doesNotThrowAnyException();
  }

  @Test
  void verify_unsignedHeaderChanged_stillVerifies() {
    CapturedRequest changed =
        METER_USAGE.withHeader("User-Agent", "something-else/1.0").withoutHeader("Connection");

    assertThatCode(() -> verify(changed)).doesNotThrowAnyException();
  }

  @Test
  void verify_secondValueAppendedToSignedHeader_isSignatureMismatch() {
    CapturedRequest changed = METER_USAGE.withAddedHeader("amz-sdk-request", "attempt=2; max=4");

    assertSignatureMismatch(changed, Captures.SECRET_ACCESS_KEY);
  }

  @Test
  void verify_sessionTokenSwappedAfterSigning_isSignatureMismatch() {
    CapturedRequest swapped =
        SESSION_METER_USAGE.withHeader("X-Amz-Security-Token", "AnotherSessionToken//EXAMPLE=");

    assertSignatureMismatch(swapped, Captures.SESSION_SECRET_ACCESS_KEY);
  }

  @Test
  void check_missingAuthorization_isMissingAuthenticationToken() {
    CapturedRequest anonymous = METER_USAGE.withoutHeader("Authorization");

    ServiceException e =
        serviceError(
            ErrorCode.MISSING_AUTHENTICATION_TOKEN,
            () -> VERIFIER.check(anonymous, anonymous.signedAt()));
    assertThat(e.code().httpStatus()).isEqualTo(403);
  }

  @Test
  void check_scopeServiceMetering_isInvalidSignature() {
    CapturedRequest wrongService =
        withAuthorization(METER_USAGE, "/us-east-1/aws-marketplace/", "/us-east-1/metering/");

    ServiceException e =
        serviceError(
            ErrorCode.INVALID_SIGNATURE,
            () -> VERIFIER.check(wrongService, wrongService.signedAt()));
    assertThat(e.code().httpStatus()).isEqualTo(403);
    assertThat(e).hasMessageContaining("'aws-marketplace'");
  }

  @Test
  void check_scopeDateNotTheDateOfXAmzDate_isInvalidSignature() {
    String date = METER_USAGE.header("x-amz-date").substring(0, 8);
    CapturedRequest wrongDate = withAuthorization(METER_USAGE, "/" + date + "/", "/20200101/");

    ServiceException e =
        serviceError(
            ErrorCode.INVALID_SIGNATURE, () -> VERIFIER.check(wrongDate, wrongDate.signedAt()));
    assertThat(e.code().httpStatus()).isEqualTo(403);
    assertThat(e).hasMessageContaining("Date in Credential scope");
  }

  @Test
  void check_scopeRegionNotServed_isInvalidSignature() {
    SigV4Verifier westOnly =
        new SigV4Verifier("aws-marketplace", Set.of("us-west-2")::contains, Duration.ofMinutes(15));

    ServiceException e =
        serviceError(
            ErrorCode.INVALID_SIGNATURE, () -> westOnly.check(METER_USAGE, METER_USAGE.signedAt()));
    assertThat(e).hasMessageContaining("us-east-1");
  }

  @Test
  void check_scopeTerminatorNotAws4Request_isInvalidSignature() {
    CapturedRequest wrongTerminator =
        withAuthorization(METER_USAGE, "/aws4_request,", "/aws5_request,");

    serviceError(
        ErrorCode.INVALID_SIGNATURE,
        () -> VERIFIER.check(wrongTerminator, wrongTerminator.signedAt()));
  }

  @Test
  void check_hostNotSigned_isIncompleteSignature() {
    CapturedRequest unsignedHost = withAuthorization(METER_USAGE, ";host;", ";");

    ServiceException e =
        serviceError(
            ErrorCode.INCOMPLETE_SIGNATURE,
            () -> VERIFIER.check(unsignedHost, unsignedHost.signedAt()));
    assertThat(e.code().httpStatus()).isEqualTo(400);
    assertThat(e).hasMessageContaining("Host");
  }

  @Test
  void check_sessionTokenSentButNotSigned_isIncompleteSignature() {
    CapturedRequest unsignedToken =
        withAuthorization(SESSION_METER_USAGE, ";x-amz-security-token;", ";");

    ServiceException e =
        serviceError(
            ErrorCode.INCOMPLETE_SIGNATURE,
            () -> VERIFIER.check(unsignedToken, unsignedToken.signedAt()));
    assertThat(e).hasMessageContaining("X-Amz-Security-Token");
  }

  @Test
  void check_sessionTokenAddedToLongTermKeyRequest_isIncompleteSignature() {
    CapturedRequest added = METER_USAGE.withAddedHeader("X-Amz-Security-Token", "token");

    serviceError(ErrorCode.INCOMPLETE_SIGNATURE, () -> VERIFIER.check(added, added.signedAt()));
  }

  @Test
  void check_xAmzDateSentButNotSigned_isIncompleteSignature() {
    CapturedRequest unsignedDate = withAuthorization(METER_USAGE, ";x-amz-date;", ";");

    serviceError(
        ErrorCode.INCOMPLETE_SIGNATURE,
        () -> VERIFIER.check(unsignedDate, unsignedDate.signedAt()));
  }

  @Test
  void check_noXAmzDateAndNoDate_isIncompleteSignature() {
    CapturedRequest undated = METER_USAGE.withoutHeader("X-Amz-Date");

    serviceError(
        ErrorCode.INCOMPLETE_SIGNATURE, () -> VERIFIER.check(undated, METER_USAGE.signedAt()));
  }

  @Test
  void check_garbledXAmzDate_isIncompleteSignature() {
    CapturedRequest garbled = METER_USAGE.withHeader("X-Amz-Date", "2026-11-27T15:39:18Z");

    serviceError(
        ErrorCode.INCOMPLETE_SIGNATURE, () -> VERIFIER.check(garbled, METER_USAGE.signedAt()));
  }

  @Test
  void check_garbledAuthorization_isIncompleteSignature() {
    CapturedRequest garbled = METER_USAGE.withHeader("Authorization", "AWS4-HMAC-SHA256 garbage");

    ServiceException e =
        serviceError(
            ErrorCode.INCOMPLETE_SIGNATURE, () -> VERIFIER.check(garbled, garbled.signedAt()));
    assertThat(e.code().httpStatus()).isEqualTo(400);
  }

  @Test
  void verify_pathChanged_isSignatureMismatch() {
    assertSignatureMismatch(METER_USAGE.withTarget("/pfx/"), Captures.SECRET_ACCESS_KEY);
  }

  @Test
  void verify_lowerCaseSignatureInUpperCase_stillVerifies() {
    String auth = METER_USAGE.header("authorization");
    int sig = auth.indexOf("Signature=") + "Signature=".length();
    CapturedRequest upper =
        METER_USAGE.withHeader(
            "Authorization", auth.substring(0, sig) + auth.substring(sig).toUpperCase(Locale.ROOT));

    assertThatCode(() -> verify(upper)).doesNotThrowAnyException();
  }

  private static void verify(CapturedRequest request) {
    String secret =
        Captures.file(request.capture())
            .secretFor(request.accessKeyId())
            .orElseThrow(() -> new AssertionError("no secret known for " + request.accessKeyId()));
    VERIFIER.check(request, request.signedAt()).requireSignedWith(secret);
  }

  private static boolean verifies(CapturedRequest request) {
    try {
      verify(request);
      return true;
    } catch (ServiceException e) {
      return false;
    }
  }

  private static void assertSignatureMismatch(CapturedRequest request, String secret) {
    SignatureClaim claim = VERIFIER.check(request, request.signedAt());

    assertThat(claim.isSignedWith(secret)).isFalse();
    ServiceException e =
        serviceError(ErrorCode.INVALID_SIGNATURE, () -> claim.requireSignedWith(secret));
    assertThat(e.code().httpStatus()).isEqualTo(403);
    assertThat(e).hasMessageContaining("signature we calculated does not match");
  }

  private static CapturedRequest withAuthorization(
      CapturedRequest request, String from, String to) {
    String auth = request.header("authorization");
    assertThat(auth).contains(from);
    return request.withHeader("Authorization", auth.replace(from, to));
  }

  private static byte[] replaceOnce(String text, String from, String to) {
    assertThat(text).contains(from);
    return text.replaceFirst(Pattern.quote(from), to).getBytes(StandardCharsets.UTF_8);
  }
}
