package io.meterline.wire.sigv4;

import static io.meterline.wire.testing.ServiceErrors.serviceError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import io.meterline.wire.testing.CapturedRequest;
import io.meterline.wire.testing.Captures;
import io.meterline.wire.testing.Mutations;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever headers a request carries, {@link SigV4Verifier#check} answers with a claim or an
 * authentication error, and a claim's signature check answers true or false.
 */
class SigV4VerifierProperties {
  private static final Set<ErrorCode> AUTHENTICATION_ERRORS =
      EnumSet.of(
          ErrorCode.INCOMPLETE_SIGNATURE,
          ErrorCode.MISSING_AUTHENTICATION_TOKEN,
          ErrorCode.INVALID_SIGNATURE);
  private static final Duration SKEW = Duration.ofMinutes(15);
  private static final DateTimeFormatter STRICT_AMZ_DATE =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);
  private static final SigV4Verifier VERIFIER =
      new SigV4Verifier("aws-marketplace", region -> true, SKEW);

  private static final List<CapturedRequest> BASES =
      List.of(
          Captures.firstRequest("java-req-01-meterusage-basic"),
          Captures.firstRequest("java-req-10-meterusage-session-token"),
          Captures.firstRequest("js-req-06-batchmeterusage"),
          Captures.firstRequest("js-req-10-meterusage-session-token"),
          Captures.firstRequest("java-req-12-endpoint-with-path"));
  private static final List<String> HEADERS =
      List.of(
          "Authorization",
          "X-Amz-Date",
          "Host",
          "x-amz-content-sha256",
          "X-Amz-Security-Token",
          "Date",
          "X-Amz-Target",
          "Content-Length",
          "amz-sdk-request");

  record Change(String header, String value, boolean add) {}

  @Property
  void check_arbitraryHeaderValues_isClaimOrAuthenticationError(
      @ForAll("bases") CapturedRequest base, @ForAll("changes") List<Change> changes) {
    CapturedRequest request = base;
    for (Change c : changes) {
      request =
          c.add()
              ? request.withAddedHeader(c.header(), c.value())
              : request.withHeader(c.header(), c.value());
    }
    Statistics.collect(assertClaimOrAuthenticationError(request, base.signedAt()));
    Statistics.coverage(
        coverage -> {
          coverage.check("claim").count(n -> n > 0);
          coverage.check(ErrorCode.INCOMPLETE_SIGNATURE.wireName()).count(n -> n > 0);
          coverage.check(ErrorCode.INVALID_SIGNATURE.wireName()).count(n -> n > 0);
        });
  }

  @Property
  void check_arbitraryPathAndQuery_isClaimOrAuthenticationError(
      @ForAll("bases") CapturedRequest base, @ForAll("targets") String target) {
    Statistics.collect(assertClaimOrAuthenticationError(base.withTarget(target), base.signedAt()));
  }

  @Property
  void verify_signedHeaderValueChanged_neverVerifies(
      @ForAll("bases") CapturedRequest base,
      @ForAll @IntRange(min = 0, max = 20) int which,
      @ForAll("visibleText") String newValue) {
    List<String> signed = AuthorizationHeader.parse(base.header("authorization")).signedHeaders();
    String name = signed.get(which % signed.size());
    String old = base.header(name);
    Assume.that(!newValue.equals(old == null ? null : old.strip()));
    CapturedRequest changed = base.withHeader(name, newValue);

    try {
      SignatureClaim claim = VERIFIER.check(changed, base.signedAt());
      assertThat(claim.isSignedWith(secretOf(base))).as("changed %s", name).isFalse();
    } catch (ServiceException e) {
      assertThat(e.code()).isIn(AUTHENTICATION_ERRORS);
    }
  }

  @Property
  void check_serverClockOffset_acceptsExactlyWithinFifteenMinutes(
      @ForAll("bases") CapturedRequest base,
      @ForAll @IntRange(min = -7_200, max = 7_200) int offsetSeconds) {
    Instant now = base.signedAt().plusSeconds(offsetSeconds);

    if (Math.abs(offsetSeconds) <= SKEW.toSeconds()) {
      assertThat(VERIFIER.check(base, now).isSignedWith(secretOf(base))).isTrue();
    } else {
      ServiceException e =
          serviceError(ErrorCode.INVALID_SIGNATURE, () -> VERIFIER.check(base, now));
      assertThat(e)
          .hasMessageStartingWith(
              offsetSeconds > 0 ? "Signature expired" : "Signature not yet current");
    }
  }

  @Property
  void parseAmzDate_anySecondOfYearsOneToNineThousand_readsBackWhatWasWritten(
      @ForAll @LongRange(min = -62_135_596_800L, max = 221_845_392_000L) long epochSecond) {
    Instant time = Instant.ofEpochSecond(epochSecond);

    assertThat(SigV4Verifier.parseAmzDate(SigV4Verifier.AMZ_DATE.format(time))).isEqualTo(time);
  }

  @Property
  void parseAmzDate_textThatIsNotADate_isIncompleteSignature(@ForAll("notAmzDates") String text) {
    ServiceException e =
        serviceError(ErrorCode.INCOMPLETE_SIGNATURE, () -> SigV4Verifier.parseAmzDate(text));

    assertThat(e).hasMessageStartingWith("X-Amz-Date must have the form YYYYMMDD'T'HHMMSS'Z'");
  }

  @Provide
  Arbitrary<String> notAmzDates() {
    Arbitrary<String> mutated =
        Mutations.of(Arbitraries.of("20261127T153918Z")).filter(s -> !isRealAmzDate(s));
    return Arbitraries.oneOf(
        mutated,
        Arbitraries.strings().ofMaxLength(40).filter(s -> !isRealAmzDate(s)),
        Arbitraries.of(
            "",
            "20260230T120000Z",
            "20270229T120000Z",
            "20261127T240000Z",
            "20261127T156000Z",
            "20261127T153960Z",
            "20261300T000000Z",
            "20261127t153918Z",
            "20261127T153918z",
            "2026112T153918Z",
            "20261127T1539180Z",
            "+2026112T153918Z",
            "2026-1127T153918Z",
            "２0261127T153918Z"));
  }

  /** What a strict reader of the X-Amz-Date form accepts. */
  private static boolean isRealAmzDate(String s) {
    try {
      STRICT_AMZ_DATE.parse(s, LocalDateTime::from);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** Checks within a second; answers "claim" or the error's name, for the statistics. */
  private static String assertClaimOrAuthenticationError(CapturedRequest request, Instant now) {
    return assertTimeoutPreemptively(
        Duration.ofSeconds(1),
        () -> {
          try {
            SignatureClaim claim = VERIFIER.check(request, now);
            claim.isSignedWith(Captures.SECRET_ACCESS_KEY);
            assertThat(claim.stringToSign()).startsWith("AWS4-HMAC-SHA256\n");
            return "claim";
          } catch (ServiceException e) {
            assertThat(e.code()).isIn(AUTHENTICATION_ERRORS);
            return e.code().wireName();
          }
        });
  }

  private static String secretOf(CapturedRequest request) {
    return Captures.file(request.capture()).secretFor(request.accessKeyId()).orElseThrow();
  }

  @Provide
  Arbitrary<CapturedRequest> bases() {
    return Arbitraries.of(BASES);
  }

  @Provide
  Arbitrary<List<Change>> changes() {
    Arbitrary<String> header = Arbitraries.of(HEADERS);
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(200),
            Arbitraries.strings().ofMaxLength(10_000),
            Mutations.of(
                Arbitraries.of(BASES)
                    .flatMap(
                        b ->
                            Arbitraries.of(HEADERS)
                                .map(h -> b.header(h) == null ? "" : b.header(h)))),
            Arbitraries.of(
                "",
                " ",
                "20261127T153918Z",
                "20261127T153918",
                "99991231T235959Z",
                "00000101T000000Z",
                "+1000000000-01-01T00:00:00Z",
                "20261327T153918Z",
                "Fri, 27 Nov 2026 15:39:18 GMT",
                "Mon, 27 Nov 2026 15:39:18 GMT",
                "AWS4-HMAC-SHA256 Credential=a/20261127/r/s/aws4_request, SignedHeaders=date, "
                    + "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
    return Combinators.combine(header, value, Arbitraries.of(false, true))
        .as(Change::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(4);
  }

  @Provide
  Arbitrary<String> targets() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(300),
        Mutations.of(Arbitraries.of("/", "/pfx/", "/a/./b/../c?x=1&y=%20", "/?a=b&c")),
        Arbitraries.strings().withChars("/.%?&=+2Fa").ofMaxLength(100));
  }

  @Provide
  Arbitrary<String> visibleText() {
    return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(80);
  }
}
