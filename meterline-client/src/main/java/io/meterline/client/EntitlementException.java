package io.meterline.client;

/** The product may not start: why, in a form it can act on, and the service's words. */
public final class EntitlementException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why entitlement failed. */
  public enum Reason {
    /** The product code from configuration is not one the product ships. */
    UNTRUSTED_PRODUCT_CODE,
    /**
     * The buyer has no subscription (CustomerNotEntitledException), or no license of the product's
     * id (License Manager's ResourceNotFoundException).
     */
    NOT_ENTITLED,
    /**
     * The buyer's license allows none of what the product checks out: every seat is in use, the
     * license ended or expired, or none of the product's tiers was bought (License Manager's
     * NoEntitlementsAllowedException).
     */
    NO_ENTITLEMENTS_ALLOWED,
    /** Not on ECS, EKS with IRSA, or Fargate (PlatformNotSupportedException). */
    PLATFORM_NOT_SUPPORTED,
    /** Called in another region than the task's (InvalidRegion, InvalidEndpointRegion). */
    INVALID_REGION,
    /** The answer's signature is missing or wrong: not the real service, or tampered with. */
    INVALID_SIGNATURE,
    /** The service refused the request for another reason (e.g. an unknown key version). */
    REJECTED,
    /** The service could not be reached, or kept throttling, for the whole retry period. */
    UNAVAILABLE,
    /**
     * The product cannot call the service as deployed: no region, no credentials, or EKS IRSA
     * without the SDK's {@code sts} module. The message names the cause and the fix.
     */
    CONFIGURATION,
    /**
     * The environment points the metering or License Manager client at an endpoint that did not
     * prove it is the seller's (see {@link SellerEndpoint}); the message names the setting.
     */
    UNTRUSTED_ENDPOINT
  }

  private final Reason reason;

  EntitlementException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  EntitlementException(Reason reason, String message) {
    this(reason, message, null);
  }

  /** Why entitlement failed. */
  public Reason reason() {
    return reason;
  }
}
