package io.meterline.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A tag set of a usage allocation (facts §4.4): 1 to 5 tags, keys of 1–100 and values of 1–256 of
 * the characters AWS allows in tags. Its key, the spool's and the record's canonical form, lists
 * the tags by key, each part base64url so that no separator can occur inside one.
 */
final class Tags {
  static final Tags NONE = new Tags(new TreeMap<>());
  static final int MAX_TAGS = 5;

  // AWS's pattern as the model gives it (facts §3.5); " -=" in it is a range, space to '='.
  private static final Pattern ALLOWED = Pattern.compile("[a-zA-Z0-9+ -=._:\\/@]+");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final SortedMap<String, String> tags;

  private Tags(SortedMap<String, String> tags) {
    this.tags = tags;
  }

  /**
   * A tag set from the product's map.
   *
   * @throws IllegalArgumentException naming the tag that is not allowed
   */
  static Tags of(Map<String, String> tags) {
    if (tags == null || tags.isEmpty()) {
      return NONE;
    }
    if (tags.size() > MAX_TAGS) {
      throw new IllegalArgumentException(
          "tags: at most " + MAX_TAGS + " per usage allocation, not " + tags.size());
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    for (Map.Entry<String, String> t : tags.entrySet()) {
      check("tag key", t.getKey(), 100);
      check("tag '" + t.getKey() + "' value", t.getValue(), 256);
      sorted.put(t.getKey(), t.getValue());
    }
    return new Tags(sorted);
  }

  /** The tag set of a key, as {@link #key()} wrote it. */
  static Tags fromKey(String key) {
    TreeMap<String, String> tags = new TreeMap<>();
    for (String part : key.split(",")) {
      int colon = part.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("not a tag set key: " + key);
      }
      tags.put(dec(part.substring(0, colon)), dec(part.substring(colon + 1)));
    }
    return new Tags(tags);
  }

  boolean isEmpty() {
    return tags.isEmpty();
  }

  /** The canonical form: the same tags always give the same key. */
  String key() {
    StringBuilder key = new StringBuilder();
    for (Map.Entry<String, String> t : tags.entrySet()) {
      if (key.length() > 0) {
        key.append(',');
      }
      key.append(enc(t.getKey())).append(':').append(enc(t.getValue()));
    }
    return key.toString();
  }

  /** The tags by key. */
  SortedMap<String, String> entries() {
    return tags;
  }

  private static void check(String what, String value, int maxLength) {
    if (value == null || value.isEmpty() || value.length() > maxLength) {
      throw new IllegalArgumentException(what + ": 1 to " + maxLength + " characters");
    }
    if (!ALLOWED.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what + " '" + value + "' does not match AWS's tag pattern ^[a-zA-Z0-9+ -=._:\\/@]+$");
    }
  }

  private static String enc(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String dec(String s) {
    return new String(B64D.decode(s), StandardCharsets.UTF_8);
  }
}
