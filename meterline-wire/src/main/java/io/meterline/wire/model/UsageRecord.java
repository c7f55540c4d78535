package io.meterline.wire.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One record of a BatchMeterUsage call (reference/aws-metering-facts.md §3.2).
 *
 * <p>{@code quantity} stays {@code null} when the caller left it out, so that the record is echoed
 * back exactly as it was sent; it counts as zero. {@code licenseArn} is a member of newer models
 * (facts §3.2), {@code null} when not sent.
 */
public record UsageRecord(
    Instant timestamp,
    String customerIdentifier,
    String dimension,
    Integer quantity,
    List<UsageAllocation> usageAllocations,
    String customerAwsAccountId,
    String licenseArn) {

  public UsageRecord {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(dimension, "dimension");
    if (quantity != null && quantity < 0) {
      throw new IllegalArgumentException("quantity must be >= 0, was " + quantity);
    }
    usageAllocations = usageAllocations == null ? null : List.copyOf(usageAllocations);
  }

  /** A record without a license, as older models send. */
  public UsageRecord(
      Instant timestamp,
      String customerIdentifier,
      String dimension,
      Integer quantity,
      List<UsageAllocation> usageAllocations,
      String customerAwsAccountId) {
    this(
        timestamp,
        customerIdentifier,
        dimension,
        quantity,
        usageAllocations,
        customerAwsAccountId,
        null);
  }

  /** The quantity, zero when it was left out. */
  public int quantityOrZero() {
    return quantity == null ? 0 : quantity;
  }

  /** The allocations, empty when none were sent. */
  public List<UsageAllocation> allocationsOrEmpty() {
    return usageAllocations == null ? List.of() : usageAllocations;
  }
}
