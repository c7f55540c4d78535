package io.meterline.wire.sigv4;

import static io.meterline.wire.testing.ServiceErrors.serviceError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing of the SigV4 Authorization header: the SDKs' shapes, and every malformed one. */
class AuthorizationHeaderTest {
  private static final String SIGNATURE =
      "9d5caaf3f4954ee78150ad521281ebba0b8bcd2877897df9d803ef862c43768f";

  /** GOLDEN §2.1, as the Java SDK sends it. */
  static final String JAVA_HEADER =
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261127/"
          + "us-east-1/aws-marketplace/aws4_request, SignedHeaders=amz-sdk-invocation-id;"
          + "amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;"
          + "x-amz-target, Signature="
          + SIGNATURE;

  /** GOLDEN §2.12, as the JS SDK sends it with session credentials. */
  private static final String JS_SESSION_HEADER =
      "AWS4-HMAC-SHA256 Credential=ASIAIOSFODNN7EXAMPLE"
          + "/20261127/us-east-1/aws-marketplace/aws4_request, SignedHeaders=amz-sdk-invocation-id;"
          + "amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;"
          + "x-amz-security-token;x-amz-target;x-amz-user-agent, Signature="
          + SIGNATURE;

  @Test
  void parse_javaSdkHeader_yieldsEveryPart() {
    AuthorizationHeader header = AuthorizationHeader.parse(JAVA_HEADER);

    assertThat(header.accessKeyId()).isEqualTo("AKIAIOSFODNN7EXAMPLE");
    assertThat(header.scopeDate()).isEqualTo("20261127");
    assertThat(header.region()).isEqualTo("us-east-1");
    assertThat(header.service()).isEqualTo("aws-marketplace");
    assertThat(header.terminator()).isEqualTo("aws4_request");
    assertThat(header.scope()).isEqualTo("20261127/us-east-1/aws-marketplace/aws4_request");
    assertThat(header.signedHeaders())
        .containsExactly(
            "amz-sdk-invocation-id",
            "amz-sdk-request",
            "content-length",
            "content-type",
            "host",
            "x-amz-content-sha256",
            "x-amz-date",
            "x-amz-target");
    assertThat(header.signedHeadersLine())
        .isEqualTo(
            "amz-sdk-invocation-id;amz-sdk-request;"
                + "content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target");
    assertThat(header.signature()).isEqualTo(SIGNATURE);
  }

  @Test
  void parse_jsSdkSessionHeader_yieldsTokenAndUserAgentAsSigned() {
    AuthorizationHeader header = AuthorizationHeader.parse(JS_SESSION_HEADER);

    assertThat(header.accessKeyId()).isEqualTo("ASIAIOSFODNN7EXAMPLE");
    assertThat(header.signedHeaders())
        .contains("x-amz-security-token", "x-amz-user-agent")
        .hasSize(10);
  }

  @Test
  void parse_parametersWithoutSpacesOrWithSurroundingWhitespace_isAccepted() {
    String compact = JAVA_HEADER.replace(", ", ",");
    String padded = "  " + JAVA_HEADER.replace(", ", " ,  ") + "  ";

    AuthorizationHeader expected = AuthorizationHeader.parse(JAVA_HEADER);

    assertThat(AuthorizationHeader.parse(compact)).isEqualTo(expected);
    assertThat(AuthorizationHeader.parse(padded)).isEqualTo(expected);
  }

  @Test
  void parse_parametersInAnotherOrder_isAccepted() {
    String reordered =
        "AWS4-HMAC-SHA256 Signature="
            + SIGNATURE
            + ", SignedHeaders=host;x-amz-date"
            + ", Credential=AKID/20261127/eu-west-1/aws-marketplace/aws4_request";

    AuthorizationHeader header = AuthorizationHeader.parse(reordered);

    assertThat(header.region()).isEqualTo("eu-west-1");
    assertThat(header.signedHeaders()).containsExactly("host", "x-amz-date");
  }

  @Test
  void parse_upperCaseSignature_isLowerCased() {
    AuthorizationHeader header =
        AuthorizationHeader.parse(
            JAVA_HEADER.replace(SIGNATURE, SIGNATURE.toUpperCase(java.util.Locale.ROOT)));

    assertThat(header.signature()).isEqualTo(SIGNATURE);
  }

  @Test
  void parse_missingCredential_isIncompleteSignatureNamingIt() {
    ServiceException e = incomplete(JAVA_HEADER.replaceFirst("Credential=[^,]*, ", ""));

    assertThat(e)
        .hasMessageContaining("'Credential'")
        .hasMessageNotContaining("'SignedHeaders'")
        .hasMessageNotContaining("'Signature'");
  }

  @Test
  void parse_missingSignedHeaders_isIncompleteSignatureNamingIt() {
    ServiceException e = incomplete(JAVA_HEADER.replaceFirst("SignedHeaders=[^,]*, ", ""));

    assertThat(e).hasMessageContaining("'SignedHeaders'").hasMessageNotContaining("'Credential'");
  }

  @Test
  void parse_missingSignature_isIncompleteSignatureNamingIt() {
    ServiceException e = incomplete(JAVA_HEADER.replaceFirst(", Signature=.*", ""));

    assertThat(e).hasMessageContaining("'Signature'").hasMessageNotContaining("'Credential'");
  }

  @Test
  void parse_algorithmOnly_isIncompleteSignatureNamingAllThreeParameters() {
    ServiceException e = incomplete("AWS4-HMAC-SHA256");

    assertThat(e)
        .hasMessageContaining("'Credential'")
        .hasMessageContaining("'SignedHeaders'")
        .hasMessageContaining("'Signature'");
  }

  @Test
  void parse_parameterWithoutEqualSign_isIncompleteSignature() {
    ServiceException e = incomplete(JAVA_HEADER.replace("Signature=", "Signature"));

    assertThat(e).hasMessageContaining("missing equal-sign");
  }

  @Test
  void parse_parameterWithEmptyName_isIncompleteSignature() {
    incomplete(JAVA_HEADER + ", =x");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "AWS4-HMAC-SHA1",
        "AWS4-HMAC-SHA512",
        "aws4-hmac-sha256",
        "AWS4-ECDSA-P256-SHA256",
        "Bearer",
        "Basic"
      })
  void parse_otherAlgorithm_isIncompleteSignatureNamingIt(String algorithm) {
    ServiceException e = incomplete(JAVA_HEADER.replace("AWS4-HMAC-SHA256", algorithm));

    assertThat(e).hasMessageContaining("'" + algorithm + "'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "AKID/20261127/us-east-1/aws4_request",
        "AKID/20261127/us-east-1/aws-marketplace/aws4_request/extra",
        "/20261127/us-east-1/aws-marketplace/aws4_request",
        "AKID/20261127//aws-marketplace/aws4_request",
        "AKID/20261127/us-east-1//aws4_request",
        "AKID"
      })
  void parse_credentialNotOfFiveParts_isIncompleteSignature(String credential) {
    ServiceException e =
        incomplete(JAVA_HEADER.replaceFirst("Credential=[^,]*,", "Credential=" + credential + ","));

    assertThat(e).hasMessageContaining("Credential must have the form");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-27", "2026112", "202611270", "2026112x", "٢٠٢٦١١٢٧"})
  void parse_scopeDateNotEightDigits_isIncompleteSignature(String date) {
    ServiceException e = incomplete(JAVA_HEADER.replace("/20261127/", "/" + date + "/"));

    assertThat(e).hasMessageContaining("YYYYMMDD");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "9d5caaf3f4954ee78150ad521281ebba0b8bcd2877897df9d803ef862c43768g",
        "9d5caaf3f4954ee78150ad521281ebba0b8bcd2877897df9d803ef862c43768",
        "9d5caaf3f4954ee78150ad521281ebba0b8bcd2877897df9d803ef862c43768ff",
        "",
        "zz"
      })
  void parse_signatureNotSixtyFourHex_isIncompleteSignature(String signature) {
    ServiceException e = incomplete(JAVA_HEADER.replace(SIGNATURE, signature));

    assertThat(e).hasMessageContaining("64 hexadecimal");
  }

  @Test
  void parse_duplicateParameter_isIncompleteSignatureNamingIt() {
    ServiceException e = incomplete(JAVA_HEADER + ", SignedHeaders=host");

    assertThat(e).hasMessageContaining("'SignedHeaders'").hasMessageContaining("twice");
  }

  @Test
  void parse_emptySignedHeaders_isIncompleteSignature() {
    incomplete(JAVA_HEADER.replaceFirst("SignedHeaders=[^,]*,", "SignedHeaders=,"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"host;;x-amz-date", "host;", "host;x amz", "host;x-amz-date:", "host;x-ämz"})
  void parse_invalidSignedHeaderName_isIncompleteSignature(String signedHeaders) {
    ServiceException e =
        incomplete(
            JAVA_HEADER.replaceFirst(
                "SignedHeaders=[^,]*,", "SignedHeaders=" + signedHeaders + ","));

    assertThat(e).hasMessageContaining("SignedHeaders");
  }

  @Test
  void parse_overlongHeader_isIncompleteSignatureWithoutEchoingIt() {
    String overlong = JAVA_HEADER.replace("host;", "host;" + "x-pad;".repeat(2000));

    ServiceException e = incomplete(overlong);

    assertThat(e).hasMessageContaining("longer than 8192");
    assertThat(e.getMessage()).hasSizeLessThan(200);
  }

  @Test
  void parse_headerJustUnderTheLimit_isParsed() {
    String padding = "x-pad;".repeat((8192 - JAVA_HEADER.length()) / 6);
    String big = JAVA_HEADER.replace("host;", "host;" + padding);

    assertThat(big.length()).isLessThanOrEqualTo(8192);
    assertThat(AuthorizationHeader.parse(big).signedHeaders()).contains("host", "x-pad");
  }

  @Test
  void parse_garbageInMessage_isClipped() {
    String garbage = "X".repeat(5000);

    ServiceException e = incomplete(garbage);

    assertThat(e.getMessage()).hasSizeLessThan(400);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   ", "\t"})
  void parse_emptyValue_isIncompleteSignature(String value) {
    assertThat(incomplete(value)).hasMessageContaining("empty");
  }

  @Test
  void signedHeaders_areImmutable() {
    AuthorizationHeader header = AuthorizationHeader.parse(JAVA_HEADER);

    List<String> names = header.signedHeaders();
    assertThatThrownBy(() -> names.add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  private static ServiceException incomplete(String value) {
    ServiceException e =
        serviceError(ErrorCode.INCOMPLETE_SIGNATURE, () -> AuthorizationHeader.parse(value));
    assertThat(e.code().httpStatus()).isEqualTo(400);
    return e;
  }
}
