package io.meterline.client;

import java.time.Duration;
import java.util.Objects;

/**
 * What a product does while the service refuses its usage for reasons that concern the whole
 * product (the buyer's subscription ended, the credentials or region are wrong): keep serving,
 * degrade to the free tier at once, or keep serving for a while and then stop. The meter keeps the
 * usage and keeps retrying under every policy; the policy only decides the {@link EntitlementState}
 * the product is told.
 */
public final class GracePolicy {
  private final EntitlementState.Mode whileLost;
  private final Duration stopAfter;

  private GracePolicy(EntitlementState.Mode whileLost, Duration stopAfter) {
    this.whileLost = whileLost;
    this.stopAfter = stopAfter;
  }

  /** Keep serving however long it lasts ({@link EntitlementState.Mode#GRACE}); the default. */
  public static GracePolicy keepServing() {
    return new GracePolicy(EntitlementState.Mode.GRACE, null);
  }

  /** Serve only the free tier at once ({@link EntitlementState.Mode#DEGRADED}). */
  public static GracePolicy degradeToFree() {
    return new GracePolicy(EntitlementState.Mode.DEGRADED, null);
  }

  /** Keep serving for {@code grace}, then {@link EntitlementState.Mode#STOPPED}. */
  public static GracePolicy stopAfter(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must be >= 0, was " + grace);
    }
    return new GracePolicy(EntitlementState.Mode.GRACE, grace);
  }

  /** The mode after the usage has been refused for {@code lostFor}. */
  EntitlementState.Mode modeAfter(Duration lostFor) {
    if (stopAfter != null && lostFor.compareTo(stopAfter) >= 0) {
      return EntitlementState.Mode.STOPPED;
    }
    return whileLost;
  }

  @Override
  public String toString() {
    return stopAfter != null
        ? "stop after " + stopAfter
        : whileLost == EntitlementState.Mode.DEGRADED ? "degrade to free" : "keep serving";
  }
}
