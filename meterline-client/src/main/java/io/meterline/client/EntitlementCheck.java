package io.meterline.client;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.CustomerNotEntitledException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidEndpointRegionException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidRegionException;
import software.amazon.awssdk.services.marketplacemetering.model.PlatformNotSupportedException;

/**
 * The entitlement check a paid container product runs at start-up, in-process (never in an
 * entrypoint script a buyer could replace), as AWS's integration guidelines require (facts
 * §4.5–4.8, SPEC §4):
 *
 * <ul>
 *   <li>The product code comes from configuration but must be one the product ships, each marked
 *       paid or free; a free code never unlocks the paid tier.
 *   <li>Hourly and monthly products call RegisterUsage with a fresh random nonce and verify the
 *       PS256 signature with the shipped public key; custom-metered products call MeterUsage with
 *       DryRun.
 *   <li>Throttling and transient failures are retried with jittered backoff for a bounded time (30
 *       minutes by default, as AWS advises), each kind of failure logged once; every other refusal
 *       is final, and so is a configuration error (no region, no credentials, EKS IRSA without the
 *       SDK's {@code sts} module): no retry can mend those.
 * </ul>
 *
 * <pre>{@code
 * Entitlement e = EntitlementCheck.builder()
 *     .trust(TrustedProduct.paid("6n2x…", 1, PAID_KEY_PEM))
 *     .trust(TrustedProduct.free("9q7h…", 1, FREE_KEY_PEM))
 *     .productCode(System.getenv("PRODUCT_CODE"))
 *     .build()
 *     .run();
 * }</pre>
 */
public final class EntitlementCheck {
  private static final Logger LOG = LoggerFactory.getLogger(EntitlementCheck.class);

  private final Map<String, TrustedProduct> trusted;
  private final String productCode;
  private final List<String> meteredDimensions;
  private final Duration retryFor;
  private final Backoff backoff;
  private final Duration maxIatSkew;
  private final Clock clock;
  private final MarketplaceMeteringClient client;
  private final SellerEndpoint sellerEndpoint;
  private final FailureLog retries = new FailureLog(LOG, "the entitlement check");

  private EntitlementCheck(Builder b) {
    this.trusted = Map.copyOf(b.trusted);
    this.productCode = b.productCode;
    this.meteredDimensions = List.copyOf(b.meteredDimensions);
    this.retryFor = b.retryFor;
    this.backoff = b.backoff;
    this.maxIatSkew = b.maxIatSkew;
    this.clock = b.clock;
    this.client = b.client;
    this.sellerEndpoint = b.sellerEndpoint;
  }

  /** A builder: at least one trusted product and the product code are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Confirms the entitlement, retrying transient failures for the configured time.
   *
   * @throws EntitlementException when the product must not start, with the reason
   */
  public Entitlement run() throws EntitlementException {
    TrustedProduct product = trusted.get(productCode);
    if (product == null) {
      throw new EntitlementException(
          EntitlementException.Reason.UNTRUSTED_PRODUCT_CODE,
          "product code '" + productCode + "' is not one this product accepts");
    }
    MarketplaceMeteringClient c = client != null ? client : Clients.meteringChecked();
    LOG.info(
        "checking the entitlement of {} with {}",
        productCode,
        meteredDimensions.isEmpty()
            ? "RegisterUsage"
            : "a MeterUsage DryRun of " + String.join(", ", meteredDimensions));
    try {
      EndpointGuard.check(c, EndpointGuard.Service.METERING, sellerEndpoint, client == null);
      Entitlement e =
          new StartupRetry("the metering service", retryFor, backoff, retries)
              .run(() -> once(c, product), EntitlementCheck::refusal);
      LOG.info("entitled to {} ({})", productCode, e.tier());
      return e;
    } catch (EntitlementException e) {
      LOG.error("not entitled to run {}: {}", productCode, e.getMessage());
      throw e;
    } finally {
      if (client == null) {
        c.close();
      }
    }
  }

  private Entitlement once(MarketplaceMeteringClient c, TrustedProduct product)
      throws EntitlementException {
    if (!meteredDimensions.isEmpty()) {
      for (String dimension : meteredDimensions) {
        c.meterUsage(
            r ->
                r.productCode(productCode)
                    .usageDimension(dimension)
                    .usageQuantity(0)
                    .timestamp(clock.instant())
                    .dryRun(true));
      }
      return new Entitlement(productCode, product.tier(), 0, clock.instant());
    }
    int version = product.latestVersion();
    String nonce = UUID.randomUUID().toString();
    String signature =
        c.registerUsage(r -> r.productCode(productCode).publicKeyVersion(version).nonce(nonce))
            .signature();
    SignatureCheck.verify(
        signature,
        product.publicKeys().get(version),
        productCode,
        version,
        nonce,
        clock.instant(),
        maxIatSkew);
    return new Entitlement(productCode, product.tier(), version, clock.instant());
  }

  private static EntitlementException refusal(AwsServiceException e) {
    EntitlementException.Reason reason;
    if (e instanceof CustomerNotEntitledException) {
      reason = EntitlementException.Reason.NOT_ENTITLED;
    } else if (e instanceof PlatformNotSupportedException) {
      reason = EntitlementException.Reason.PLATFORM_NOT_SUPPORTED;
    } else if (e instanceof InvalidRegionException || e instanceof InvalidEndpointRegionException) {
      reason = EntitlementException.Reason.INVALID_REGION;
    } else {
      reason = EntitlementException.Reason.REJECTED;
    }
    return new EntitlementException(reason, StartupRetry.message(e), e);
  }

  /** Builds an {@link EntitlementCheck}. */
  public static final class Builder {
    private final Map<String, TrustedProduct> trusted = new LinkedHashMap<>();
    private String productCode;
    private final List<String> meteredDimensions = new ArrayList<>();
    private Duration retryFor = Duration.ofMinutes(30);
    private Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    private Duration maxIatSkew = Duration.ofHours(24);
    private Clock clock = Clock.systemUTC();
    private MarketplaceMeteringClient client;
    private SellerEndpoint sellerEndpoint = SellerEndpoint.none();

    private Builder() {}

    /**
     * The endpoints besides AWS's that an override in the environment may point at (default {@link
     * SellerEndpoint#none()}: an override from the environment is refused).
     */
    public Builder sellerEndpoint(SellerEndpoint sellerEndpoint) {
      this.sellerEndpoint = Objects.requireNonNull(sellerEndpoint, "sellerEndpoint");
      return this;
    }

    /** A product code the product accepts; call once per code. */
    public Builder trust(TrustedProduct product) {
      trusted.put(product.productCode(), product);
      return this;
    }

    /** The product code to check, typically from configuration (a Helm value, a variable). */
    public Builder productCode(String productCode) {
      this.productCode = productCode;
      return this;
    }

    /**
     * Checks with a MeterUsage DryRun of each of these dimensions instead of RegisterUsage: for
     * products priced by custom dimensions. Name every dimension the product meters, so that a
     * listing that lacks one fails here, at start-up, and not hours later.
     */
    public Builder meteredBy(String... dimensions) {
      if (dimensions.length == 0) {
        throw new IllegalArgumentException("meteredBy needs at least one dimension");
      }
      for (String d : dimensions) {
        meteredDimensions.add(Objects.requireNonNull(d, "dimension"));
      }
      return this;
    }

    /** How long throttling and transient failures are retried (default 30 minutes). */
    public Builder retryFor(Duration retryFor) {
      this.retryFor = Durations.nonNegative(retryFor, "retryFor");
      return this;
    }

    /** The backoff between retries: full jitter up to base·2ⁿ, at most cap. */
    public Builder backoff(Duration base, Duration cap) {
      this.backoff = new Backoff(base, cap);
      return this;
    }

    /** How far a signature's iat may be from the clock (default 24 hours). */
    public Builder maxIatSkew(Duration maxIatSkew) {
      this.maxIatSkew = maxIatSkew;
      return this;
    }

    /** The clock (default: the system's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The client to call (default: built with the SDK's default credentials and endpoint, in the
     * region found from the platform). The caller keeps ownership of a client given here.
     */
    public Builder client(MarketplaceMeteringClient client) {
      this.client = client;
      return this;
    }

    /** The check, ready to {@link EntitlementCheck#run()}. */
    public EntitlementCheck build() {
      if (trusted.isEmpty()) {
        throw new IllegalStateException("trust at least one product code");
      }
      if (productCode == null || productCode.isBlank()) {
        throw new IllegalStateException("productCode is required");
      }
      return new EntitlementCheck(this);
    }
  }
}
