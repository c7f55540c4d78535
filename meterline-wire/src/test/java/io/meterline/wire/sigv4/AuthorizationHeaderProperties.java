package io.meterline.wire.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import io.meterline.wire.testing.Mutations;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever the outside world sends as an Authorization header, {@link AuthorizationHeader#parse}
 * answers quickly with a header or an {@code IncompleteSignatureException}, never anything else.
 */
class AuthorizationHeaderProperties {
  /** Generous: a parse takes microseconds; only catastrophic regex backtracking comes near. */
  private static final Duration BOUND = Duration.ofSeconds(1);

  record Parts(
      String accessKeyId,
      String date,
      String region,
      String service,
      List<String> signedHeaders,
      String signature,
      String separator) {
    String render() {
      return "AWS4-HMAC-SHA256 Credential="
          + accessKeyId
          + "/"
          + date
          + "/"
          + region
          + "/"
          + service
          + "/aws4_request"
          + separator
          + "SignedHeaders="
          + String.join(";", signedHeaders)
          + separator
          + "Signature="
          + signature;
    }
  }

  @Property
  void parse_wellFormedHeader_yieldsItsParts(@ForAll("parts") Parts parts) {
    AuthorizationHeader header = AuthorizationHeader.parse(parts.render());

    assertThat(header.accessKeyId()).isEqualTo(parts.accessKeyId());
    assertThat(header.scopeDate()).isEqualTo(parts.date());
    assertThat(header.region()).isEqualTo(parts.region());
    assertThat(header.service()).isEqualTo(parts.service());
    assertThat(header.terminator()).isEqualTo("aws4_request");
    assertThat(header.signedHeaders()).isEqualTo(parts.signedHeaders());
    assertThat(header.signature()).isEqualTo(parts.signature().toLowerCase(java.util.Locale.ROOT));
  }

  @Property
  void parse_arbitraryString_isHeaderOrIncompleteSignature(
      @ForAll @StringLength(max = 10_000) String value) {
    assertParsesOrIsIncomplete(value);
  }

  @Property
  void parse_mutatedValidHeader_isHeaderOrIncompleteSignature(
      @ForAll("mutatedHeaders") String value) {
    collectAndRequireBothOutcomes(assertParsesOrIsIncomplete(value));
  }

  @Property
  void parse_soupOfHeaderTokens_isHeaderOrIncompleteSignature(@ForAll("tokenSoup") String value) {
    Statistics.collect(assertParsesOrIsIncomplete(value));
  }

  @Property
  void parse_longRunsOfSeparatorsAndNameChars_isFast(@ForAll("longPathological") String value) {
    assertParsesOrIsIncomplete(value);
  }

  /** Parses within the bound; answers "parsed" or "incomplete" for the statistics. */
  static String assertParsesOrIsIncomplete(String value) {
    return assertTimeoutPreemptively(
        BOUND,
        () -> {
          try {
            AuthorizationHeader header = AuthorizationHeader.parse(value);
            assertThat(header.accessKeyId()).isNotEmpty();
            assertThat(header.scopeDate()).matches("[0-9]{8}");
            assertThat(header.signedHeaders()).isNotEmpty();
            assertThat(header.signature()).matches("[0-9a-f]{64}");
            return "parsed";
          } catch (ServiceException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INCOMPLETE_SIGNATURE);
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(1_000);
            return "incomplete";
          }
        },
        () -> "parse took longer than " + BOUND + " on " + value.length() + " chars");
  }

  /** The generator reaches both outcomes, so the property tests the parser's deep paths too. */
  private static void collectAndRequireBothOutcomes(String outcome) {
    Statistics.collect(outcome);
    Statistics.coverage(
        coverage -> {
          coverage.check("parsed").count(n -> n > 0);
          coverage.check("incomplete").count(n -> n > 0);
        });
  }

  @Provide
  Arbitrary<Parts> parts() {
    Arbitrary<String> keyId =
        Arbitraries.strings().withCharRange('A', 'Z').numeric().ofMinLength(1).ofMaxLength(24);
    Arbitrary<String> date = Arbitraries.strings().numeric().ofLength(8);
    Arbitrary<String> region =
        Arbitraries.of(
            "us-east-1", "eu-west-1", "ap-southeast-2", "cn-northwest-1", "us-gov-west-1");
    Arbitrary<String> service = Arbitraries.of("aws-marketplace", "metering", "s3");
    Arbitrary<List<String>> signedHeaders =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withChars('-', '_', '.')
            .ofMinLength(1)
            .ofMaxLength(24)
            .list()
            .ofMinSize(1)
            .ofMaxSize(12);
    Arbitrary<String> signature =
        Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofLength(64);
    Arbitrary<String> separator = Arbitraries.of(", ", ",", " , ", ",  ");
    return Combinators.combine(keyId, date, region, service, signedHeaders, signature, separator)
        .as(Parts::new);
  }

  @Provide
  Arbitrary<String> mutatedHeaders() {
    return Mutations.of(parts().map(Parts::render));
  }

  @Provide
  Arbitrary<String> tokenSoup() {
    Arbitrary<String> token =
        Arbitraries.oneOf(
            Arbitraries.of(
                "AWS4-HMAC-SHA256",
                " ",
                ",",
                ", ",
                "=",
                "/",
                ";",
                "Credential",
                "Credential=",
                "SignedHeaders=",
                "Signature=",
                "aws4_request",
                "20261127",
                "us-east-1",
                "aws-marketplace",
                "host",
                "x-amz-date",
                "AKIAIOSFODNN7EXAMPLE",
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
            Arbitraries.strings().ofMaxLength(8));
    return token.list().ofMaxSize(60).map(tokens -> String.join("", tokens));
  }

  @Provide
  Arbitrary<String> longPathological() {
    Arbitrary<String> run =
        Arbitraries.strings().withChars("a-;,=/ \t0f").ofMinLength(2_000).ofMaxLength(9_900);
    Arbitrary<String> prefix =
        Arbitraries.of(
            "AWS4-HMAC-SHA256 ",
            "AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/aws-marketplace/aws4_request, "
                + "SignedHeaders=",
            "AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/aws-marketplace/aws4_request, "
                + "SignedHeaders=host, Signature=");
    Arbitrary<String> suffix = Arbitraries.of("", "!", ", Signature=zz", "=");
    return Combinators.combine(prefix, run, suffix).as((p, r, s) -> p + r + s);
  }
}
