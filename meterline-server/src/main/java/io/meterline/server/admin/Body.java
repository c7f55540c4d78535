package io.meterline.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A JSON request body of the admin API, read field by field; every problem is a 400 that names the
 * field, the value and what would be valid.
 */
final class Body {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final JsonNode node;
  private final String prefix;

  private Body(JsonNode node, String prefix) {
    this.node = node;
    this.prefix = prefix;
  }

  /** Parses a request body, which must be a JSON object (an empty body reads as {}). */
  static Body parse(byte[] bytes) {
    if (bytes.length == 0) {
      return new Body(JSON.createObjectNode(), "");
    }
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw AdminException.badRequest("the request body must be a JSON object");
      }
      return new Body(node, "");
    } catch (JsonProcessingException e) {
      throw AdminException.badRequest(
          "the request body is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw AdminException.badRequest("the request body could not be read");
    }
  }

  /**
   * Refuses members other than these: a typo in a member name must not pass silently as an absent
   * optional one. Called before anything is done with the body.
   *
   * @return this body
   */
  Body only(String... fields) {
    Set<String> known = Set.of(fields);
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        throw AdminException.badField(
            path(name),
            "unknown member \""
                + clip(path(name))
                + "\"; "
                + (prefix.isEmpty() ? "the body" : prefix.substring(0, prefix.length() - 1))
                + (known.isEmpty()
                    ? " takes no members"
                    : " takes " + String.join(", ", new TreeSet<>(known))));
      }
    }
    return this;
  }

  /** Whether the field is present and not null. */
  boolean has(String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  String path(String field) {
    return prefix + field;
  }

  /** A required string. */
  String string(String field) {
    String value = optionalString(field);
    if (value == null) {
      throw AdminException.badField(path(field), path(field) + " is required");
    }
    return value;
  }

  /** An optional string, {@code null} when absent. */
  String optionalString(String field) {
    if (!has(field)) {
      return null;
    }
    JsonNode v = node.get(field);
    if (!v.isTextual()) {
      throw AdminException.badField(path(field), path(field) + " must be a string, was " + v);
    }
    return v.textValue();
  }

  /** A required string matching a pattern; {@code what} describes valid values. */
  String string(String field, Pattern pattern, String what) {
    return check(field, string(field), pattern, what);
  }

  /** An optional string matching a pattern. */
  String optionalString(String field, Pattern pattern, String what) {
    String value = optionalString(field);
    return value == null ? null : check(field, value, pattern, what);
  }

  private String check(String field, String value, Pattern pattern, String what) {
    if (!pattern.matcher(value).matches()) {
      throw AdminException.badField(
          path(field), path(field) + " must be " + what + ", was \"" + clip(value) + "\"");
    }
    return value;
  }

  /** A required value of an enum, named case-insensitively. */
  <E extends Enum<E>> E enumValue(String field, Class<E> type) {
    String value = string(field);
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw AdminException.badField(
          path(field),
          path(field)
              + " must be one of "
              + List.of(type.getEnumConstants())
              + ", was \""
              + clip(value)
              + "\"");
    }
  }

  /** An optional boolean, {@code dflt} when absent. */
  boolean bool(String field, boolean dflt) {
    if (!has(field)) {
      return dflt;
    }
    JsonNode v = node.get(field);
    if (!v.isBoolean()) {
      throw AdminException.badField(path(field), path(field) + " must be true or false, was " + v);
    }
    return v.booleanValue();
  }

  /** An optional non-negative decimal, given as a string ("0.05") or a number. */
  BigDecimal optionalMoney(String field) {
    if (!has(field)) {
      return null;
    }
    JsonNode v = node.get(field);
    BigDecimal value;
    try {
      value =
          v.isNumber()
              ? v.decimalValue()
              : v.isTextual() ? new BigDecimal(v.textValue().trim()) : null;
    } catch (NumberFormatException e) {
      value = null;
    }
    if (value == null || value.signum() < 0) {
      throw AdminException.badField(
          path(field),
          path(field) + " must be a non-negative decimal " + "such as \"0.05\", was " + v);
    }
    return value;
  }

  /** A required integer within bounds. */
  long requiredLong(String field, long min, long max) {
    Long value = optionalLong(field, min, max);
    if (value == null) {
      throw AdminException.badField(path(field), path(field) + " is required");
    }
    return value;
  }

  /** An optional integer within bounds. */
  Long optionalLong(String field, long min, long max) {
    if (!has(field)) {
      return null;
    }
    JsonNode v = node.get(field);
    if (!v.isIntegralNumber()
        || !v.canConvertToLong()
        || v.longValue() < min
        || v.longValue() > max) {
      throw AdminException.badField(
          path(field),
          path(field) + " must be an integer from " + min + " to " + max + ", was " + v);
    }
    return v.longValue();
  }

  /** An optional number within bounds. */
  Double optionalDouble(String field, double min, double max) {
    if (!has(field)) {
      return null;
    }
    JsonNode v = node.get(field);
    if (!v.isNumber() || v.doubleValue() < min || v.doubleValue() > max) {
      throw AdminException.badField(
          path(field), path(field) + " must be a number from " + min + " to " + max + ", was " + v);
    }
    return v.doubleValue();
  }

  /** An optional ISO-8601 instant ("2026-01-01T00:00:00Z"). */
  Instant optionalInstant(String field) {
    String value = optionalString(field);
    return value == null ? null : instant(path(field), value);
  }

  /** An optional ISO-8601 duration ("PT1H", "-PT30M"). */
  Duration optionalDuration(String field) {
    String value = optionalString(field);
    if (value == null) {
      return null;
    }
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw AdminException.badField(
          path(field),
          path(field)
              + " must be an ISO-8601 duration "
              + "such as \"PT1H\", was \""
              + clip(value)
              + "\"");
    }
  }

  /** An optional list of objects, each read by {@code item}; {@code null} when absent. */
  <T> List<T> optionalList(String field, Function<Body, T> item) {
    if (!has(field)) {
      return null;
    }
    JsonNode v = node.get(field);
    if (!v.isArray()) {
      throw AdminException.badField(path(field), path(field) + " must be a list, was " + v);
    }
    List<T> items = new ArrayList<>();
    Iterator<JsonNode> it = v.elements();
    for (int i = 0; it.hasNext(); i++) {
      JsonNode element = it.next();
      String elementPath = path(field) + "[" + i + "]";
      if (!element.isObject()) {
        throw AdminException.badField(elementPath, elementPath + " must be an object");
      }
      items.add(item.apply(new Body(element, elementPath + ".")));
    }
    return items;
  }

  /** An ISO-8601 instant from a query parameter or field, naming it when invalid. */
  static Instant instant(String name, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw AdminException.badField(
          name,
          name
              + " must be an ISO-8601 instant such as "
              + "\"2026-01-01T00:00:00Z\", was \""
              + clip(value)
              + "\"");
    }
  }

  static String clip(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "…";
  }
}
