package io.meterline.wire.model;

import static io.meterline.wire.testing.ServiceErrors.serviceError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The usage-allocation and tag rules (SPEC §1.1 "MeterUsage", facts §3.5 and §4.4). */
class AllocationRulesTest {

  @Test
  void check_noAllocations_passes() {
    assertThatCode(() -> AllocationRules.check(7, null)).doesNotThrowAnyException();
  }

  @Test
  void check_goldenAllocations_pass() {
    List<UsageAllocation> allocations =
        List.of(
            UsageAllocation.of(6, List.of(Tag.of("env", "prod"), Tag.of("team", "blue"))),
            UsageAllocation.of(4, List.of(Tag.of("env", "dev"))));

    assertThatCode(() -> AllocationRules.check(10, allocations)).doesNotThrowAnyException();
  }

  @Test
  void check_taggedAndOneUntaggedAllocation_pass() {
    List<UsageAllocation> allocations =
        List.of(UsageAllocation.of(6, List.of(Tag.of("env", "prod"))), UsageAllocation.of(4, null));

    assertThatCode(() -> AllocationRules.check(10, allocations)).doesNotThrowAnyException();
  }

  @Test
  void check_zeroQuantitiesSummingToZero_pass() {
    assertThatCode(() -> AllocationRules.check(0, List.of(UsageAllocation.of(0, null))))
        .doesNotThrowAnyException();
  }

  @Test
  void check_quantitiesNotSummingToUsage_isInvalidUsageAllocations() {
    List<UsageAllocation> allocations =
        List.of(
            UsageAllocation.of(6, List.of(Tag.of("env", "prod"))),
            UsageAllocation.of(3, List.of(Tag.of("env", "dev"))));

    ServiceException e = invalidAllocations(() -> AllocationRules.check(10, allocations));

    assertThat(e).hasMessageContaining("9").hasMessageContaining("10");
  }

  @Test
  void check_sumBeyondIntRange_isComparedWithoutOverflow() {
    List<UsageAllocation> allocations =
        List.of(
            UsageAllocation.of(Integer.MAX_VALUE, List.of(Tag.of("k", "a"))),
            UsageAllocation.of(Integer.MAX_VALUE, List.of(Tag.of("k", "b"))),
            UsageAllocation.of(2, List.of(Tag.of("k", "c"))));

    invalidAllocations(() -> AllocationRules.check(0, allocations));
    assertThatCode(() -> AllocationRules.check(2L * Integer.MAX_VALUE + 2, allocations))
        .doesNotThrowAnyException();
  }

  @Test
  void check_2500Allocations_pass() {
    assertThatCode(() -> AllocationRules.check(2500, distinctAllocations(2500)))
        .doesNotThrowAnyException();
  }

  @Test
  void check_2501Allocations_isInvalidUsageAllocations() {
    ServiceException e =
        invalidAllocations(() -> AllocationRules.check(2501, distinctAllocations(2501)));

    assertThat(e).hasMessageContaining("2501");
  }

  @Test
  void check_emptyAllocationList_isInvalidUsageAllocations() {
    invalidAllocations(() -> AllocationRules.check(0, List.of()));
  }

  @Test
  void check_repeatedTagSet_isInvalidUsageAllocations() {
    List<UsageAllocation> allocations =
        List.of(
            UsageAllocation.of(1, List.of(Tag.of("env", "prod"), Tag.of("team", "blue"))),
            UsageAllocation.of(1, List.of(Tag.of("team", "blue"), Tag.of("env", "prod"))));

    invalidAllocations(() -> AllocationRules.check(2, allocations));
  }

  @Test
  void check_repeatedUntaggedAllocation_isInvalidUsageAllocations() {
    List<UsageAllocation> allocations =
        List.of(UsageAllocation.of(1, null), UsageAllocation.of(1, null));

    ServiceException e = invalidAllocations(() -> AllocationRules.check(2, allocations));

    assertThat(e).hasMessageContaining("untagged");
  }

  @Test
  void check_sameKeysDifferentValues_areDistinctTagSets() {
    List<UsageAllocation> allocations =
        List.of(
            UsageAllocation.of(1, List.of(Tag.of("env", "prod"))),
            UsageAllocation.of(1, List.of(Tag.of("env", "Prod"))));

    assertThatCode(() -> AllocationRules.check(2, allocations)).doesNotThrowAnyException();
  }

  @Test
  void check_fiveTags_pass() {
    assertThatCode(() -> AllocationRules.check(1, List.of(UsageAllocation.of(1, tags(5)))))
        .doesNotThrowAnyException();
  }

  @Test
  void check_sixTagsOnOneAllocation_isInvalidTag() {
    invalidTag(() -> AllocationRules.check(1, List.of(UsageAllocation.of(1, tags(6)))));
  }

  @Test
  void check_emptyTagList_isInvalidTag() {
    invalidTag(() -> AllocationRules.check(1, List.of(UsageAllocation.of(1, List.of()))));
  }

  @Test
  void check_sixDistinctKeysAcrossAllocations_isInvalidTag() {
    List<UsageAllocation> allocations =
        List.of(
            UsageAllocation.of(1, List.of(Tag.of("k1", "v"), Tag.of("k2", "v"), Tag.of("k3", "v"))),
            UsageAllocation.of(
                1, List.of(Tag.of("k4", "v"), Tag.of("k5", "v"), Tag.of("k6", "v"))));

    ServiceException e = invalidTag(() -> AllocationRules.check(2, allocations));

    assertThat(e).hasMessageContaining("distinct tag keys");
  }

  @Test
  void check_fiveDistinctKeysAcrossManyAllocations_pass() {
    List<UsageAllocation> allocations = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      allocations.add(UsageAllocation.of(1, List.of(Tag.of("k" + (i % 5), "v" + i))));
    }

    assertThatCode(() -> AllocationRules.check(10, allocations)).doesNotThrowAnyException();
  }

  @Test
  void check_duplicateKeyWithinAnAllocation_isInvalidTag() {
    List<UsageAllocation> allocations =
        List.of(UsageAllocation.of(1, List.of(Tag.of("env", "a"), Tag.of("env", "b"))));

    ServiceException e = invalidTag(() -> AllocationRules.check(1, allocations));

    assertThat(e).hasMessageContaining("'env'");
  }

  @Test
  void check_keyOf100Chars_passesAnd101Chars_isInvalidTag() {
    assertThatCode(() -> AllocationRules.check(1, oneTag("k".repeat(100), "v")))
        .doesNotThrowAnyException();
    invalidTag(() -> AllocationRules.check(1, oneTag("k".repeat(101), "v")));
  }

  @Test
  void check_valueOf256Chars_passesAnd257Chars_isInvalidTag() {
    assertThatCode(() -> AllocationRules.check(1, oneTag("k", "v".repeat(256))))
        .doesNotThrowAnyException();
    invalidTag(() -> AllocationRules.check(1, oneTag("k", "v".repeat(257))));
  }

  @Test
  void check_emptyKeyOrValue_isInvalidTag() {
    invalidTag(() -> AllocationRules.check(1, oneTag("", "v")));
    invalidTag(() -> AllocationRules.check(1, oneTag("k", "")));
  }

  /** The regex's " -=" is a range from space to '=', so these are valid (facts §3.5). */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "!",
        "#",
        "&",
        "<",
        ";",
        "\"",
        "$",
        "%",
        "'",
        "(",
        ")",
        "*",
        ",",
        " ",
        "=",
        "-",
        "+",
        ".",
        "_",
        ":",
        "/",
        "@",
        "a1 b-C=9",
        "team<blue"
      })
  void check_charactersInsideTheSpaceToEqualsRange_areAccepted(String text) {
    assertThatCode(() -> AllocationRules.check(1, oneTag("k" + text, "v" + text)))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ">", "?", "[", "]", "{", "}", "\\", "^", "`", "|", "~", "é", "✓", "😀", "\t", "\n"
      })
  void check_charactersOutsideThePattern_areInvalidTag(String text) {
    ServiceException keyError = invalidTag(() -> AllocationRules.check(1, oneTag("k" + text, "v")));
    invalidTag(() -> AllocationRules.check(1, oneTag("k", "v" + text)));

    assertThat(keyError).hasMessageContaining("does not match");
  }

  @Test
  void tagPattern_isTheModelsRegexCompiledAsWritten() {
    assertThat(AllocationRules.TAG_PATTERN.pattern()).isEqualTo("^[a-zA-Z0-9+ -=._:\\/@]+$");
  }

  @Test
  void check_lengthsCountCodePointsNotChars() {
    // 100 code points made of 200 chars would pass the length rule, then fail the pattern.
    ServiceException e = invalidTag(() -> AllocationRules.check(1, oneTag("😀".repeat(100), "v")));

    assertThat(e).hasMessageContaining("does not match");
  }

  private static List<UsageAllocation> oneTag(String key, String value) {
    return List.of(UsageAllocation.of(1, List.of(Tag.of(key, value))));
  }

  private static List<Tag> tags(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> Tag.of("k" + i, "v")).toList();
  }

  private static List<UsageAllocation> distinctAllocations(int n) {
    List<UsageAllocation> allocations = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      allocations.add(UsageAllocation.of(1, List.of(Tag.of("n", Integer.toString(i)))));
    }
    return allocations;
  }

  private static ServiceException invalidAllocations(ThrowingCallable call) {
    ServiceException e = serviceError(ErrorCode.INVALID_USAGE_ALLOCATIONS, call);
    assertThat(e.code().wireName()).isEqualTo("InvalidUsageAllocationsException");
    assertThat(e.code().httpStatus()).isEqualTo(400);
    return e;
  }

  private static ServiceException invalidTag(ThrowingCallable call) {
    ServiceException e = serviceError(ErrorCode.INVALID_TAG, call);
    assertThat(e.code().wireName()).isEqualTo("InvalidTagException");
    assertThat(e.code().httpStatus()).isEqualTo(400);
    return e;
  }
}
