package io.meterline.wire.sigv4;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The SigV4 canonical request, built the way the AWS SDKs build it for this service.
 *
 * <p>Path: normalized, then URI-encoded once more (the SDKs' defaults {@code NORMALIZE_PATH} and
 * {@code DOUBLE_URL_ENCODE}, reference/wire/GOLDEN.md §8.2). Query: parameters sorted by encoded
 * name then value. Headers: only the signed ones, values trimmed with inner runs of spaces
 * collapsed, several values joined by ','.
 */
public final class CanonicalRequest {
  private CanonicalRequest() {}

  /**
   * The canonical request text.
   *
   * @param headerValues every value of a header, by lower-case name (empty when absent)
   */
  public static String build(
      String method,
      String rawPath,
      String rawQuery,
      List<String> signedHeaders,
      Function<String, List<String>> headerValues,
      String payloadHash) {
    StringBuilder out = new StringBuilder(512);
    out.append(method).append('\n');
    out.append(canonicalPath(rawPath)).append('\n');
    out.append(canonicalQuery(rawQuery)).append('\n');
    for (String name : signedHeaders) {
      String lower = name.toLowerCase(java.util.Locale.ROOT);
      out.append(lower).append(':');
      List<String> values = headerValues.apply(lower);
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        appendTrimmed(out, values.get(i));
      }
      out.append('\n');
    }
    out.append('\n');
    out.append(String.join(";", signedHeaders)).append('\n');
    out.append(payloadHash);
    return out.toString();
  }

  static String canonicalPath(String rawPath) {
    String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
    if (path.contains("/.") || path.contains("//")) {
      path = normalize(path);
    }
    return encode(path, true);
  }

  // As java.net.URI#normalize does for the SDKs: removes "." and ".." segments and empty
  // segments, keeps encoding. Then, as the SDK signer (V4CanonicalRequest#getCanonicalUri) does,
  // drops a trailing slash that only normalizing added ("/pfx/." becomes "/pfx", not "/pfx/").
  private static String normalize(String path) {
    try {
      String normalized = new URI("http://h" + path).normalize().getRawPath();
      if (normalized == null || normalized.isEmpty()) {
        return "/";
      }
      if (normalized.length() > 1 && normalized.endsWith("/") && !path.endsWith("/")) {
        return normalized.substring(0, normalized.length() - 1);
      }
      return normalized;
    } catch (URISyntaxException e) {
      return path;
    }
  }

  static String canonicalQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> params = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.add(new String[] {encode(decode(name), false), encode(decode(value), false)});
    }
    params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    StringBuilder out = new StringBuilder();
    for (String[] p : params) {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(p[0]).append('=').append(p[1]);
    }
    return out.toString();
  }

  /** RFC 3986 encoding of everything but unreserved characters (and '/', when asked). */
  static String encode(String s, boolean keepSlash) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || (keepSlash && c == '/')) {
        out.append((char) c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static String decode(String s) {
    try {
      return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static void appendTrimmed(StringBuilder out, String value) {
    String v = value.strip();
    boolean space = false;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == ' ' || c == '\t') {
        space = true;
        continue;
      }
      if (space) {
        out.append(' ');
        space = false;
      }
      out.append(c);
    }
  }
}
