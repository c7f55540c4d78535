package io.meterline.server.domain;

/** How a product is priced (SPEC §3 "Pricing"). */
public enum Pricing {
  /** Per task/pod-hour, metered by the platform after RegisterUsage. */
  HOURLY,
  /** Per task/pod per month, charged upfront, after RegisterUsage. */
  MONTHLY,
  /** Per unit of the product's own dimensions, sent with MeterUsage or BatchMeterUsage. */
  CUSTOM,
  /** Nothing is billed; RegisterUsage succeeds for any buyer. */
  FREE,
  /**
   * A contract per subscription (seats, tiers), checked with License Manager and charged per unit
   * per month (SPEC §3.5); nothing is metered.
   */
  CONTRACT;

  /** Whether running tasks of such a product are billed for their time. */
  public boolean isTimeBased() {
    return this == HOURLY || this == MONTHLY;
  }
}
