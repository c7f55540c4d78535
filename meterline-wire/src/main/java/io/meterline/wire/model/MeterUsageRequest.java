package io.meterline.wire.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The input of MeterUsage (reference/aws-metering-facts.md §3.1). */
public record MeterUsageRequest(
    String productCode,
    Instant timestamp,
    String usageDimension,
    int usageQuantity,
    boolean dryRun,
    List<UsageAllocation> usageAllocations,
    String clientToken) {

  public MeterUsageRequest {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(usageDimension, "usageDimension");
    if (usageQuantity < 0) {
      throw new IllegalArgumentException("usageQuantity must be >= 0, was " + usageQuantity);
    }
    usageAllocations = usageAllocations == null ? null : List.copyOf(usageAllocations);
  }

  /** The allocations, empty when none were sent. */
  public List<UsageAllocation> allocationsOrEmpty() {
    return usageAllocations == null ? List.of() : usageAllocations;
  }
}
