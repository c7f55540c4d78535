package io.meterline.wire;

import java.util.Optional;

/**
 * Every error the service answers with: its wire name ({@code __type}) and HTTP status.
 *
 * <p>The modelled errors come from reference/aws-metering-facts.md §3.6; the authentication and
 * protocol errors are those AWS's JSON services send (facts §7). Statuses follow SPEC §1.1: 400
 * unless stated, 500 for the internal error, 409 for an idempotency conflict, 403 for signature
 * failures.
 */
public enum ErrorCode {
  CUSTOMER_NOT_ENTITLED("CustomerNotEntitledException", 400),
  DISABLED_API("DisabledApiException", 400),
  DUPLICATE_REQUEST("DuplicateRequestException", 400),
  EXPIRED_TOKEN("ExpiredTokenException", 400),
  IDEMPOTENCY_CONFLICT("IdempotencyConflictException", 409),
  INTERNAL_SERVICE_ERROR("InternalServiceErrorException", 500),
  INVALID_CUSTOMER_IDENTIFIER("InvalidCustomerIdentifierException", 400),
  INVALID_ENDPOINT_REGION("InvalidEndpointRegionException", 400),
  /**
   * Newer models' BatchMeterUsage: a LicenseArn that is not the customer's license of the product,
   * or usage outside its activation period (facts §3.6).
   */
  INVALID_LICENSE("InvalidLicenseException", 400),
  INVALID_PRODUCT_CODE("InvalidProductCodeException", 400),
  INVALID_PUBLIC_KEY_VERSION("InvalidPublicKeyVersionException", 400),
  /** The Marketplace Entitlement Service's bad-input error (contracts-facts §4). */
  INVALID_PARAMETER("InvalidParameterException", 400),
  /** License Manager's bad-input error (contracts-facts §2.8). */
  INVALID_PARAMETER_VALUE("InvalidParameterValueException", 400),
  /** License Manager: no license matches (facts §2.1). */
  RESOURCE_NOT_FOUND("ResourceNotFoundException", 400),
  /** License Manager: nothing left to check out, or not of that kind (facts §2.1, §2.8). */
  NO_ENTITLEMENTS_ALLOWED("NoEntitlementsAllowedException", 400),
  /** License Manager: a check-in that conflicts with the checkout's state (facts §2.2). */
  CONFLICT("ConflictException", 400),
  INVALID_REGION("InvalidRegionException", 400),
  INVALID_TAG("InvalidTagException", 400),
  INVALID_TOKEN("InvalidTokenException", 400),
  INVALID_USAGE_ALLOCATIONS("InvalidUsageAllocationsException", 400),
  INVALID_USAGE_DIMENSION("InvalidUsageDimensionException", 400),
  PLATFORM_NOT_SUPPORTED("PlatformNotSupportedException", 400),
  THROTTLING("ThrottlingException", 400),
  TIMESTAMP_OUT_OF_BOUNDS("TimestampOutOfBoundsException", 400),

  VALIDATION("ValidationException", 400),
  ACCESS_DENIED("AccessDeniedException", 400),
  UNKNOWN_OPERATION("UnknownOperationException", 400),
  SERVICE_UNAVAILABLE("ServiceUnavailableException", 503),
  REQUEST_TOO_LARGE("RequestEntityTooLargeException", 413),

  INCOMPLETE_SIGNATURE("IncompleteSignatureException", 400),
  MISSING_AUTHENTICATION_TOKEN("MissingAuthenticationTokenException", 403),
  INVALID_SIGNATURE("InvalidSignatureException", 403),
  UNRECOGNIZED_CLIENT("UnrecognizedClientException", 400);

  private final String wireName;
  private final int httpStatus;

  ErrorCode(String wireName, int httpStatus) {
    this.wireName = wireName;
    this.httpStatus = httpStatus;
  }

  /** The name sent as {@code __type} and {@code x-amzn-ErrorType}. */
  public String wireName() {
    return wireName;
  }

  /** The HTTP status this error is answered with. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Whether the server, not the caller, is at fault (the SDKs retry these). */
  public boolean isServerFault() {
    return httpStatus >= 500;
  }

  /** The error with this wire name, if there is one. */
  public static Optional<ErrorCode> fromWireName(String name) {
    for (ErrorCode code : values()) {
      if (code.wireName.equals(name)) {
        return Optional.of(code);
      }
    }
    return Optional.empty();
  }

  /** A service exception of this kind with the given message. */
  public ServiceException exception(String message) {
    return new ServiceException(this, message);
  }

  /** A service exception of this kind whose message is built with {@link String#format}. */
  public ServiceException exception(String format, Object... args) {
    return new ServiceException(this, String.format(format, args));
  }
}
