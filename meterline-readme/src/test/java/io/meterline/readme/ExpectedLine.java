package io.meterline.readme;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A line of output as the README shows it, matched against a line a command printed, allowing for
 * what differs from run to run: ids, keys and tokens (a word of eight or more letters, digits,
 * {@code _} and {@code -} with at least one letter and one digit), UUIDs, times, dates and months,
 * ten-digit epoch seconds (with a fraction or not), and whatever the README elides with {@code …}.
 * Runs of spaces match any run of spaces, so table columns may be wider or narrower. Everything
 * else must be as shown, so a value that varies from run to run but has no digit (an id made only
 * of letters) is shown in the README either as a run that happened to have one or elided.
 */
final class ExpectedLine {
  private static final Pattern VARIABLE =
      Pattern.compile(
          "(?<elided>…)"
              + "|(?<instant>\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?Z)"
              + "|(?<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
              + "|(?<date>(?<![\\w-])\\d{4}-\\d{2}(?:-\\d{2})?(?![\\w-]))"
              + "|(?<time>(?<![\\w:])\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?![\\w:]))"
              + "|(?<epoch>(?<![\\w.])\\d{10}(?:\\.\\d+)?(?![\\w.]))"
              + "|(?<word>(?<![\\w-])[\\w-]{8,}(?![\\w-]))"
              + "|(?<space>\\s+)");

  private final String shown;
  private final Pattern pattern;

  ExpectedLine(String shown) {
    this.shown = shown;
    this.pattern = Pattern.compile(toRegex(shown));
  }

  boolean matches(String actual) {
    return pattern.matcher(actual.strip()).matches();
  }

  @Override
  public String toString() {
    return shown;
  }

  private static String toRegex(String shown) {
    StringBuilder regex = new StringBuilder();
    Matcher m = VARIABLE.matcher(shown.strip());
    int at = 0;
    while (m.find()) {
      regex.append(literal(shown.strip().substring(at, m.start())));
      regex.append(replacement(m));
      at = m.end();
    }
    regex.append(literal(shown.strip().substring(at)));
    return regex.toString();
  }

  private static String replacement(Matcher m) {
    if (m.group("elided") != null) {
      return ".*?";
    } else if (m.group("instant") != null) {
      return "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?Z";
    } else if (m.group("uuid") != null) {
      return "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    } else if (m.group("date") != null) {
      return m.group().length() == 7 ? "\\d{4}-\\d{2}" : "\\d{4}-\\d{2}-\\d{2}";
    } else if (m.group("time") != null) {
      return "\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?";
    } else if (m.group("epoch") != null) {
      return "\\d{10}(?:\\.\\d+)?";
    } else if (m.group("word") != null) {
      String word = m.group();
      boolean variable =
          word.chars().anyMatch(Character::isDigit) && word.chars().anyMatch(Character::isLetter);
      return variable ? "[\\w-]+" : literal(word);
    }
    return "\\s+";
  }

  private static String literal(String text) {
    return text.isEmpty() ? "" : Pattern.quote(text);
  }
}
