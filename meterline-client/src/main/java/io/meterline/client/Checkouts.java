package io.meterline.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.licensemanager.LicenseManagerClient;
import software.amazon.awssdk.services.licensemanager.model.CheckInLicenseRequest;
import software.amazon.awssdk.services.licensemanager.model.CheckoutLicenseResponse;
import software.amazon.awssdk.services.licensemanager.model.CheckoutType;
import software.amazon.awssdk.services.licensemanager.model.ConflictException;
import software.amazon.awssdk.services.licensemanager.model.EntitlementData;
import software.amazon.awssdk.services.licensemanager.model.EntitlementDataUnit;
import software.amazon.awssdk.services.licensemanager.model.NoEntitlementsAllowedException;
import software.amazon.awssdk.services.licensemanager.model.ResourceNotFoundException;

/**
 * The License Manager calls of one product (contracts-facts §2–3): a PROVISIONAL checkout of its
 * counted entitlements and of every tier, checked for what it allows; a check-in; an extension.
 */
final class Checkouts {
  /** Marketplace's issuer fingerprint, the same for every product ("not a placeholder": §3). */
  static final String KEY_FINGERPRINT = "aws:294406891311:AWS/Marketplace:issuer-fingerprint";

  /** A checkout this copy holds, and what it allows. */
  record Held(String token, LicenseTerms terms) {}

  private final LicenseManagerClient client;
  private final TrustedLicense product;
  private final List<EntitlementData> wanted = new ArrayList<>();

  Checkouts(LicenseManagerClient client, TrustedLicense product) {
    this.client = client;
    this.product = product;
    product
        .counted()
        .forEach(
            (name, value) ->
                wanted.add(
                    EntitlementData.builder()
                        .name(name)
                        .unit(EntitlementDataUnit.COUNT)
                        .value(Long.toString(value))
                        .build()));
    // Every tier is asked for; the answer allows the one bought (facts §3, "tiered model").
    product
        .tiers()
        .keySet()
        .forEach(
            tier ->
                wanted.add(
                    EntitlementData.builder().name(tier).unit(EntitlementDataUnit.NONE).build()));
  }

  /**
   * Checks out the product's entitlements with a fresh ClientToken.
   *
   * @throws NoEntitlementsAllowedException also when the answer lacks a counted entitlement or, for
   *     a product with tiers, allows none of them; that checkout is handed back first
   */
  Held take() {
    CheckoutLicenseResponse r =
        client.checkoutLicense(
            c ->
                c.productSKU(product.productId())
                    .checkoutType(CheckoutType.PROVISIONAL)
                    .keyFingerprint(KEY_FINGERPRINT)
                    .entitlements(wanted)
                    .clientToken(UUID.randomUUID().toString()));
    String missing = missing(r);
    if (missing != null) {
      checkInQuietly(r.licenseConsumptionToken(), null);
      throw notAllowed(missing);
    }
    return new Held(r.licenseConsumptionToken(), terms(r));
  }

  /** Hands a checkout back; one that holds nothing any more needs nothing. */
  void checkIn(String token) {
    checkIn(token, null);
  }

  /**
   * Hands a checkout back within {@code timeout} ({@code null}: the client's own), or lets it
   * lapse.
   *
   * @return whether it was handed back
   */
  boolean checkInQuietly(String token, Duration timeout) {
    try {
      checkIn(token, timeout);
      return true;
    } catch (RuntimeException e) {
      License.LOG.warn(
          "could not check in the checkout {} of {} ({}); its units return to the pool when it "
              + "expires, within 60 minutes",
          token,
          product.productCode(),
          Sender.message(e));
      return false;
    }
  }

  /**
   * Extends a checkout by another 60 minutes from now.
   *
   * @return false when it holds nothing any more (it expired or was checked in)
   */
  boolean extend(String token) {
    try {
      client.extendLicenseConsumption(r -> r.licenseConsumptionToken(token));
      return true;
    } catch (ResourceNotFoundException e) {
      return false;
    }
  }

  private void checkIn(String token, Duration timeout) {
    CheckInLicenseRequest.Builder r =
        CheckInLicenseRequest.builder().licenseConsumptionToken(token);
    if (timeout != null) {
      r.overrideConfiguration(o -> o.apiCallTimeout(timeout).apiCallAttemptTimeout(timeout));
    }
    try {
      client.checkInLicense(r.build());
    } catch (ConflictException | ResourceNotFoundException e) {
      // checked in already, or expired: nothing is held
    }
  }

  // What the product needs and the answer does not allow ("no Seats"), or null.
  private String missing(CheckoutLicenseResponse r) {
    Set<String> allowed = new TreeSet<>();
    r.entitlementsAllowed().forEach(e -> allowed.add(e.name()));
    for (String name : product.counted().keySet()) {
      if (!allowed.contains(name)) {
        return "no " + name;
      }
    }
    if (!product.tiers().isEmpty()
        && product.tiers().keySet().stream().noneMatch(allowed::contains)) {
      return "none of the tiers " + String.join(", ", product.tiers().keySet());
    }
    return null;
  }

  private LicenseTerms terms(CheckoutLicenseResponse r) {
    Set<String> tiers = new TreeSet<>();
    Set<String> features = new TreeSet<>();
    for (EntitlementData e : r.entitlementsAllowed()) {
      Set<String> unlocked = product.tiers().get(e.name());
      if (unlocked != null) {
        tiers.add(e.name());
        features.addAll(unlocked);
      }
    }
    return new LicenseTerms(r.licenseArn(), tiers, features);
  }

  private NoEntitlementsAllowedException notAllowed(String missing) {
    String message = "The license of product id " + product.productId() + " allows " + missing;
    return NoEntitlementsAllowedException.builder()
        .message(message)
        .awsErrorDetails(
            AwsErrorDetails.builder()
                .errorCode("NoEntitlementsAllowedException")
                .errorMessage(message)
                .build())
        .build();
  }

  /** What the product checks out, for logs: "1 Seats, a tier of Basic, Pro". */
  String describe() {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Long> c : product.counted().entrySet()) {
      parts.add(c.getValue() + " " + c.getKey());
    }
    if (!product.tiers().isEmpty()) {
      parts.add("a tier of " + String.join(", ", product.tiers().keySet()));
    }
    return String.join(", ", parts);
  }
}
