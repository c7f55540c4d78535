package io.meterline.server.admin;

import java.util.Locale;
import java.util.Map;

/** Query filters the lists share. */
final class Filters {
  private Filters() {}

  /**
   * The {@code status} filter of a list with two states: {@code true} for the first, {@code false}
   * for the second, {@code null} when not given.
   */
  static Boolean status(Map<String, String> query, String first, String second) {
    String given = query.get("status");
    if (given == null) {
      return null;
    }
    String status = given.trim().toUpperCase(Locale.ROOT);
    if (status.equals(first) || status.equals(second)) {
      return status.equals(first);
    }
    throw AdminException.badField(
        "status",
        "status must be " + first + " or " + second + ", was \"" + Body.clip(given) + "\"");
  }
}
