package io.meterline.client;

import java.time.Instant;
import java.util.Objects;

/**
 * A verified entitlement: which product code, which tier it unlocks, and when it was confirmed.
 *
 * @param publicKeyVersion the key version of the verified signature; 0 for a metered product, whose
 *     entitlement check (a MeterUsage DryRun) carries no signature
 */
public record Entitlement(
    String productCode, TrustedProduct.Tier tier, int publicKeyVersion, Instant confirmedAt) {
  public Entitlement {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(confirmedAt, "confirmedAt");
  }

  /** Whether paid features may be used: only with a paid listing's code. */
  public boolean isPaid() {
    return tier == TrustedProduct.Tier.PAID;
  }
}
