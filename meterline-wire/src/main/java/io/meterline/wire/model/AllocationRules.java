package io.meterline.wire.model;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rules for usage allocations and their tags, with their modelled errors.
 *
 * <p>reference/aws-metering-facts.md §3.5 and §4.4; SPEC §1.1 "MeterUsage".
 */
public final class AllocationRules {
  /**
   * The model's tag pattern, compiled exactly as written. Inside the class, {@code " -="} is a
   * range from space to '=', so it also admits {@code !"#$%&'()*,;<} (facts §3.5).
   */
  public static final Pattern TAG_PATTERN = Pattern.compile("^[a-zA-Z0-9+ -=._:\\/@]+$");

  public static final int MAX_ALLOCATIONS = 2500;
  public static final int MAX_TAGS_PER_ALLOCATION = 5;
  public static final int MAX_DISTINCT_TAG_KEYS = 5;
  public static final int MAX_TAG_KEY_LENGTH = 100;
  public static final int MAX_TAG_VALUE_LENGTH = 256;

  private AllocationRules() {}

  /**
   * Checks allocations against the usage quantity they divide.
   *
   * @param allocations the allocations as sent, {@code null} when there were none
   * @throws ServiceException InvalidUsageAllocationsException or InvalidTagException
   */
  public static void check(long quantity, List<UsageAllocation> allocations) {
    if (allocations == null) {
      return;
    }
    if (allocations.isEmpty() || allocations.size() > MAX_ALLOCATIONS) {
      throw ErrorCode.INVALID_USAGE_ALLOCATIONS.exception(
          "UsageAllocations must hold between 1 and %d allocations, it holds %d",
          MAX_ALLOCATIONS, allocations.size());
    }
    Set<String> keys = new HashSet<>();
    Set<TreeMap<String, String>> tagSets = new HashSet<>();
    long sum = 0;
    for (UsageAllocation allocation : allocations) {
      TreeMap<String, String> tagSet = checkTags(allocation.tags());
      keys.addAll(tagSet.keySet());
      if (!tagSets.add(tagSet)) {
        throw ErrorCode.INVALID_USAGE_ALLOCATIONS.exception(
            "Each allocation must have a unique tag set; %s appears more than once",
            tagSet.isEmpty() ? "the untagged allocation" : "the tag set " + tagSet);
      }
      sum += allocation.allocatedUsageQuantity();
    }
    if (keys.size() > MAX_DISTINCT_TAG_KEYS) {
      throw ErrorCode.INVALID_TAG.exception(
          "At most %d distinct tag keys may be used across the allocations, found %d",
          MAX_DISTINCT_TAG_KEYS, keys.size());
    }
    if (sum != quantity) {
      throw ErrorCode.INVALID_USAGE_ALLOCATIONS.exception(
          "The allocated quantities sum to %d but the usage quantity is %d", sum, quantity);
    }
  }

  private static TreeMap<String, String> checkTags(List<Tag> tags) {
    TreeMap<String, String> set = new TreeMap<>();
    if (tags == null) {
      return set;
    }
    if (tags.isEmpty() || tags.size() > MAX_TAGS_PER_ALLOCATION) {
      throw ErrorCode.INVALID_TAG.exception(
          "An allocation must carry between 1 and %d tags, or none at all; it carries %d",
          MAX_TAGS_PER_ALLOCATION, tags.size());
    }
    for (Tag tag : tags) {
      checkText("key", tag.key(), MAX_TAG_KEY_LENGTH);
      checkText("value", tag.value(), MAX_TAG_VALUE_LENGTH);
      if (set.put(tag.key(), tag.value()) != null) {
        throw ErrorCode.INVALID_TAG.exception(
            "Tag key '%s' appears more than once in one allocation", tag.key());
      }
    }
    return set;
  }

  private static void checkText(String what, String text, int maxLength) {
    int length = text.codePointCount(0, text.length());
    if (length < 1 || length > maxLength) {
      throw ErrorCode.INVALID_TAG.exception(
          "Tag %s must be 1 to %d characters long, was %d", what, maxLength, length);
    }
    if (!TAG_PATTERN.matcher(text).matches()) {
      throw ErrorCode.INVALID_TAG.exception(
          "Tag %s '%s' does not match %s", what, text, TAG_PATTERN.pattern());
    }
  }
}
