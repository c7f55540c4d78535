package io.meterline.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Error names and statuses (SPEC §1.1 "Wire", GOLDEN §4.3), and operation targets. */
class ErrorCodeTest {
  /** GOLDEN §4.3: the 18 names both SDKs map to a typed exception. */
  private static final List<String> MODELLED =
      List.of(
          "CustomerNotEntitledException",
          "DisabledApiException",
          "DuplicateRequestException",
          "ExpiredTokenException",
          "IdempotencyConflictException",
          "InternalServiceErrorException",
          "InvalidCustomerIdentifierException",
          "InvalidEndpointRegionException",
          "InvalidLicenseException",
          "InvalidProductCodeException",
          "InvalidPublicKeyVersionException",
          "InvalidRegionException",
          "InvalidTagException",
          "InvalidTokenException",
          "InvalidUsageAllocationsException",
          "InvalidUsageDimensionException",
          "PlatformNotSupportedException",
          "ThrottlingException",
          "TimestampOutOfBoundsException");

  @Test
  void everyModelledErrorName_hasACode() {
    assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::wireName)).containsAll(MODELLED);
  }

  @Test
  void statuses_areThoseTheSpecFixes() {
    assertThat(ErrorCode.INVALID_SIGNATURE.httpStatus()).isEqualTo(403);
    assertThat(ErrorCode.MISSING_AUTHENTICATION_TOKEN.httpStatus()).isEqualTo(403);
    assertThat(ErrorCode.IDEMPOTENCY_CONFLICT.httpStatus()).isEqualTo(409);
    assertThat(ErrorCode.INTERNAL_SERVICE_ERROR.httpStatus()).isEqualTo(500);
    assertThat(
            List.of(
                ErrorCode.INCOMPLETE_SIGNATURE,
                ErrorCode.UNRECOGNIZED_CLIENT,
                ErrorCode.EXPIRED_TOKEN,
                ErrorCode.THROTTLING,
                ErrorCode.VALIDATION,
                ErrorCode.ACCESS_DENIED,
                ErrorCode.CUSTOMER_NOT_ENTITLED))
        .allSatisfy(code -> assertThat(code.httpStatus()).as(code.name()).isEqualTo(400));
  }

  @Test
  void serverFault_isOnlyTheFiveHundreds() {
    assertThat(Arrays.stream(ErrorCode.values()).filter(ErrorCode::isServerFault))
        .containsExactlyInAnyOrder(ErrorCode.INTERNAL_SERVICE_ERROR, ErrorCode.SERVICE_UNAVAILABLE);
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void fromWireName_findsEveryCodeByItsName(ErrorCode code) {
    assertThat(ErrorCode.fromWireName(code.wireName())).contains(code);
    assertThat(code.wireName()).endsWith("Exception");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "customernotentitledexception",
        "EntitlementNotAllowedException",
        "com.amazonaws.marketplacemetering#CustomerNotEntitledException"
      })
  void fromWireName_unknownName_isEmpty(String name) {
    assertThat(ErrorCode.fromWireName(name)).isEmpty();
  }

  @Test
  void exception_carriesCodeAndFormattedMessageWithoutStackTrace() {
    ServiceException e = ErrorCode.INVALID_TAG.exception("Tag %s is %d long", "k", 101);

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TAG);
    assertThat(e).hasMessage("Tag k is 101 long");
    assertThat(e.getStackTrace()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Operation.class)
  void operation_fromTarget_findsEveryOperation(Operation op) {
    assertThat(op.target()).isEqualTo("AWSMPMeteringService." + op.wireName());
    assertThat(Operation.fromTarget(op.target())).contains(op);
    assertThat(Operation.fromWireName(op.wireName())).contains(op);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "AWSMPMeteringService.",
        "AWSMPMeteringService.meterusage",
        "AWSMPMeteringService.DescribeThings",
        "MeterUsage",
        "OtherService.MeterUsage",
        "AWSMPMeteringService.MeterUsage "
      })
  void operation_fromTarget_unknownTarget_isEmpty(String target) {
    assertThat(Operation.fromTarget(target)).isEmpty();
  }
}
