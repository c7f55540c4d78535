package io.meterline.server.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a buyer checked out of a license (License Manager's CheckoutLicense): its entitlements and
 * values, and until when.
 *
 * @param expiresAt when a PROVISIONAL checkout returns to the pool (service time); {@code null} for
 *     PERPETUAL, which is drawn down for good
 * @param requestHash what the checkout asked for, to tell a repeat of its ClientToken from a reuse
 */
public record LicenseConsumption(
    String consumptionToken,
    String licenseArn,
    String awsAccountId,
    String checkoutType,
    List<Taken> entitlements,
    String clientToken,
    String requestHash,
    String nodeId,
    Instant issuedAt,
    Instant expiresAt,
    Instant checkedInAt) {

  /** One entitlement checked out: its name, unit and value. */
  public record Taken(String name, String unit, long value) {}

  public LicenseConsumption {
    Objects.requireNonNull(consumptionToken, "consumptionToken");
    Objects.requireNonNull(licenseArn, "licenseArn");
    entitlements = List.copyOf(entitlements);
  }

  public boolean isPerpetual() {
    return expiresAt == null;
  }

  /** Whether it holds its entitlements at this service time. */
  public boolean holdsAt(Instant now) {
    return checkedInAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }
}
