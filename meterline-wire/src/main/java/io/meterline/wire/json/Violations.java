package io.meterline.wire.json;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import java.util.ArrayList;
import java.util.List;

/**
 * Model-constraint violations of one request, reported the way AWS reports them.
 *
 * <p>The message reads "1 validation error detected: Value 'x' at 'productCode' failed to satisfy
 * constraint: Member must …", several joined by "; " (SPEC §1.1). Member paths are lower camel case
 * with 1-based list indexes: {@code usageRecords.3.member.dimension}.
 */
final class Violations {
  private static final int MAX_ECHOED_VALUE_LENGTH = 64;

  private final List<String> messages = new ArrayList<>();

  void add(String path, Object value, String constraint) {
    messages.add(
        "Value"
            + describe(value)
            + " at '"
            + path
            + "' failed to satisfy constraint: Member must "
            + constraint);
  }

  void missing(String path) {
    messages.add(
        "Value null at '" + path + "' failed to satisfy constraint: Member must not be null");
  }

  boolean isEmpty() {
    return messages.isEmpty();
  }

  /** Throws the ValidationException that lists every violation, if there is any. */
  void throwIfAny() {
    if (messages.isEmpty()) {
      return;
    }
    int n = messages.size();
    String head = n + (n == 1 ? " validation error detected: " : " validation errors detected: ");
    throw new ServiceException(ErrorCode.VALIDATION, head + String.join("; ", messages));
  }

  /** Whole-body problems (not JSON, not an object) that have no member path. */
  static ServiceException malformed(String why) {
    return new ServiceException(ErrorCode.VALIDATION, "1 validation error detected: " + why);
  }

  // Only short strings are echoed: a long value adds nothing and may be a secret pasted by mistake.
  private static String describe(Object value) {
    if (value instanceof String s && s.length() <= MAX_ECHOED_VALUE_LENGTH) {
      return " '" + s + "'";
    }
    if (value instanceof Number n) {
      return " '" + n + "'";
    }
    return "";
  }
}
