package io.meterline.wire.model;

import java.util.List;

/** A share of a usage quantity, optionally tagged; no tags means the untagged bucket. */
public record UsageAllocation(int allocatedUsageQuantity, List<Tag> tags) {
  public UsageAllocation {
    if (allocatedUsageQuantity < 0) {
      throw new IllegalArgumentException(
          "allocatedUsageQuantity must be >= 0, was " + allocatedUsageQuantity);
    }
    tags = tags == null ? null : List.copyOf(tags);
  }

  /** An allocation of this quantity with these tags ({@code null} when untagged). */
  public static UsageAllocation of(int quantity, List<Tag> tags) {
    return new UsageAllocation(quantity, tags);
  }

  /** The tags, empty when the allocation is untagged. */
  public List<Tag> tagsOrEmpty() {
    return tags == null ? List.of() : tags;
  }
}
