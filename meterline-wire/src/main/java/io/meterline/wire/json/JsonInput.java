package io.meterline.wire.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Typed, validating reads of request members from a JSON object.
 *
 * <p>Each read records a violation instead of throwing, so that one answer lists every problem; a
 * member that is JSON {@code null} counts as absent (reference/wire/GOLDEN.md §1: the SDKs omit
 * absent members, but a hand-written body may send null).
 */
final class JsonInput {
  // Timestamps beyond this are not plausible epoch seconds (year 5138) and would overflow Instant
  // arithmetic downstream.
  private static final BigDecimal MAX_EPOCH_SECONDS = BigDecimal.valueOf(100_000_000_000L);

  private final Violations violations;

  JsonInput(Violations violations) {
    this.violations = violations;
  }

  Violations violations() {
    return violations;
  }

  /** A string member with length bounds (in code points) and an optional pattern. */
  String string(
      JsonNode parent,
      String member,
      String path,
      boolean required,
      int min,
      int max,
      Pattern pattern) {
    JsonNode node = member(parent, member);
    if (node == null) {
      if (required) {
        violations.missing(path);
      }
      return null;
    }
    if (!node.isTextual()) {
      violations.add(path, null, "be a string");
      return null;
    }
    String value = node.textValue();
    // No member of the model has a use for NUL, and PostgreSQL cannot store it in text.
    if (value.indexOf('\u0000') >= 0) {
      violations.add(path, null, "not contain the NUL character");
      return null;
    }
    int length = value.codePointCount(0, value.length());
    if (length < min) {
      violations.add(path, value, "have length greater than or equal to " + min);
      return null;
    }
    if (length > max) {
      violations.add(path, value, "have length less than or equal to " + max);
      return null;
    }
    if (pattern != null && !pattern.matcher(value).matches()) {
      violations.add(path, value, "satisfy regular expression pattern: " + pattern.pattern());
      return null;
    }
    return value;
  }

  /** An integer member within [min, max]. */
  Integer integer(
      JsonNode parent, String member, String path, boolean required, long min, long max) {
    JsonNode node = member(parent, member);
    if (node == null) {
      if (required) {
        violations.missing(path);
      }
      return null;
    }
    if (!node.isIntegralNumber()) {
      violations.add(path, null, "be an integer");
      return null;
    }
    if (!node.canConvertToLong() || node.longValue() < min) {
      violations.add(path, node.numberValue(), "have value greater than or equal to " + min);
      return null;
    }
    if (node.longValue() > max) {
      violations.add(path, node.numberValue(), "have value less than or equal to " + max);
      return null;
    }
    return (int) node.longValue();
  }

  /** A boolean member; absent reads as {@code false}. */
  boolean bool(JsonNode parent, String member, String path) {
    JsonNode node = member(parent, member);
    if (node == null) {
      return false;
    }
    if (!node.isBoolean()) {
      violations.add(path, null, "be a boolean");
      return false;
    }
    return node.booleanValue();
  }

  /** A timestamp member: integer or fractional epoch seconds (GOLDEN §1). */
  Instant timestamp(JsonNode parent, String member, String path, boolean required) {
    JsonNode node = member(parent, member);
    if (node == null) {
      if (required) {
        violations.missing(path);
      }
      return null;
    }
    if (!node.isNumber()) {
      violations.add(path, null, "be a timestamp in epoch seconds (a JSON number)");
      return null;
    }
    BigDecimal seconds = node.decimalValue();
    if (seconds.abs().compareTo(MAX_EPOCH_SECONDS) > 0) {
      violations.add(path, null, "be a timestamp in epoch seconds within a plausible range");
      return null;
    }
    // A number such as 1e-99999999 is tiny but exact; flooring it as is would divide by
    // 10^99999999 (a minute of CPU for a 20-byte body, or an ArithmeticException). Below a
    // nanosecond only the sign matters for the floor.
    if (seconds.precision() - seconds.scale() < -9) {
      seconds = BigDecimal.valueOf(seconds.signum() < 0 ? -1 : 0, 9);
    }
    BigDecimal whole = seconds.setScale(0, java.math.RoundingMode.FLOOR);
    long nanos = seconds.subtract(whole).movePointRight(9).longValue();
    return Instant.ofEpochSecond(whole.longValueExact(), nanos);
  }

  /**
   * A list member; each element is read by {@code element} with its path ({@code path.N.member},
   * 1-based). Returns {@code null} when absent or malformed.
   */
  <T> List<T> list(
      JsonNode parent,
      String member,
      String path,
      boolean required,
      int min,
      int max,
      BiFunction<JsonNode, String, T> element) {
    JsonNode node = member(parent, member);
    if (node == null) {
      if (required) {
        violations.missing(path);
      }
      return null;
    }
    if (!node.isArray()) {
      violations.add(path, null, "be a list");
      return null;
    }
    if (node.size() < min) {
      violations.add(path, null, "have length greater than or equal to " + min);
      return null;
    }
    if (node.size() > max) {
      violations.add(path, null, "have length less than or equal to " + max);
      return null;
    }
    List<T> items = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      items.add(element.apply(node.get(i), path + "." + (i + 1) + ".member"));
    }
    return items;
  }

  /** Whether the node is an object; records a violation when it is not. */
  boolean isObject(JsonNode node, String path) {
    if (node != null && node.isObject()) {
      return true;
    }
    violations.add(path, null, "be a structure");
    return false;
  }

  private static JsonNode member(JsonNode parent, String member) {
    JsonNode node = parent.get(member);
    return node == null || node.isNull() ? null : node;
  }
}
