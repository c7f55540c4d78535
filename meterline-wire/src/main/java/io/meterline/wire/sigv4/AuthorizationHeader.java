package io.meterline.wire.sigv4;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed SigV4 {@code Authorization} header.
 *
 * <p>Form: {@code AWS4-HMAC-SHA256 Credential=<key>/<yyyyMMdd>/<region>/<service>/aws4_request,
 * SignedHeaders=<a;b;c>, Signature=<64 hex>} (reference/aws-metering-facts.md §7). A header that
 * does not have this form is an {@code IncompleteSignatureException} whose message says what is
 * missing or wrong.
 */
public record AuthorizationHeader(
    String accessKeyId,
    String scopeDate,
    String region,
    String service,
    String terminator,
    List<String> signedHeaders,
    String signature) {

  /** The only algorithm SigV4 header authentication uses. */
  public static final String ALGORITHM = "AWS4-HMAC-SHA256";

  // RFC 9110 token characters, the only ones a header name may have.
  private static final String TOKEN_PUNCTUATION = "!#$%&'*+.^_`|~-";
  private static final int MAX_LENGTH = 8192;

  public AuthorizationHeader {
    signedHeaders = List.copyOf(signedHeaders);
  }

  /** The credential scope: {@code <date>/<region>/<service>/<terminator>}. */
  public String scope() {
    return scopeDate + "/" + region + "/" + service + "/" + terminator;
  }

  /** The signed header names joined by ';', exactly as the SignedHeaders line has them. */
  public String signedHeadersLine() {
    return String.join(";", signedHeaders);
  }

  /**
   * Parses an Authorization header value.
   *
   * @throws ServiceException IncompleteSignatureException when the value is not a SigV4 header
   */
  public static AuthorizationHeader parse(String value) {
    if (value == null || value.isBlank()) {
      throw incomplete("Authorization header is empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw incomplete("Authorization header is longer than " + MAX_LENGTH + " characters");
    }
    String trimmed = value.strip();
    int space = trimmed.indexOf(' ');
    String algorithm = space < 0 ? trimmed : trimmed.substring(0, space);
    if (!ALGORITHM.equals(algorithm)) {
      throw incomplete(
          "Unsupported Authorization algorithm '"
              + clip(algorithm)
              + "': only "
              + ALGORITHM
              + " is accepted");
    }
    Map<String, String> params = parameters(space < 0 ? "" : trimmed.substring(space + 1));
    List<String> missing = new ArrayList<>();
    for (String name : List.of("Credential", "SignedHeaders", "Signature")) {
      if (!params.containsKey(name)) {
        missing.add("Authorization header requires '" + name + "' parameter.");
      }
    }
    if (!missing.isEmpty()) {
      throw incomplete(String.join(" ", missing) + " Authorization=" + clip(trimmed));
    }
    return of(params.get("Credential"), params.get("SignedHeaders"), params.get("Signature"));
  }

  private static AuthorizationHeader of(String credential, String signedHeaders, String sig) {
    String[] scope = credential.split("/", -1);
    if (scope.length != 5 || scope[0].isEmpty() || scope[2].isEmpty() || scope[3].isEmpty()) {
      throw incomplete(
          "Credential must have the form <AccessKeyId>/<YYYYMMDD>/<region>/<service>"
              + "/aws4_request, was '"
              + clip(credential)
              + "'");
    }
    if (!isDigits(scope[1], 8)) {
      throw incomplete("Credential scope date must be YYYYMMDD, was '" + clip(scope[1]) + "'");
    }
    if (!isHex(sig, 64)) {
      throw incomplete("Signature must be 64 hexadecimal characters");
    }
    if (signedHeaders.isEmpty()) {
      throw incomplete("SignedHeaders must name at least the host header");
    }
    List<String> names = List.of(signedHeaders.split(";", -1));
    for (String name : names) {
      if (!isToken(name)) {
        throw incomplete("SignedHeaders holds an invalid header name: '" + clip(name) + "'");
      }
    }
    return new AuthorizationHeader(
        scope[0],
        scope[1],
        scope[2],
        scope[3],
        scope[4],
        names,
        sig.toLowerCase(java.util.Locale.ROOT));
  }

  // Plain loops rather than regular expressions: this runs on every request.
  private static boolean isDigits(String s, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(String s, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (Character.digit(s.charAt(i), 16) < 0 || s.charAt(i) > 'f') {
        return false;
      }
    }
    return true;
  }

  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!alnum && TOKEN_PUNCTUATION.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, String> parameters(String rest) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String part : rest.split(",", -1)) {
      String item = part.strip();
      if (item.isEmpty()) {
        continue;
      }
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw incomplete(
            "'"
                + clip(item)
                + "' not a valid key=value pair (missing equal-sign) "
                + "in Authorization header");
      }
      String name = item.substring(0, eq).strip();
      if (params.put(name, item.substring(eq + 1).strip()) != null) {
        throw incomplete("Authorization header has the parameter '" + clip(name) + "' twice");
      }
    }
    return params;
  }

  private static String clip(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }

  private static ServiceException incomplete(String message) {
    return new ServiceException(ErrorCode.INCOMPLETE_SIGNATURE, message);
  }
}
