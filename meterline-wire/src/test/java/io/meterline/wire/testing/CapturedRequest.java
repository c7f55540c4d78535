package io.meterline.wire.testing;

import io.meterline.wire.sigv4.SignableRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as an SDK sent it (a capture of reference/wire/GOLDEN.md), headers in the order
 * and casing received. The {@code with…} methods return changed copies, to tamper with it.
 *
 * @param capture the capture's id, e.g. {@code java-req-01-meterusage-basic}
 * @param seq the request's sequence number within the capture run
 * @param target the request target: path, maybe with a query
 */
public record CapturedRequest(
    String sdk,
    String capture,
    int seq,
    String method,
    String target,
    List<Map.Entry<String, String>> headers,
    byte[] body)
    implements SignableRequest {

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  public CapturedRequest {
    headers = List.copyOf(headers);
    body = body.clone();
  }

  /** A readable name: {@code java-req-01-meterusage-basic#1}. */
  public String name() {
    return capture + "#" + seq;
  }

  /** Whether it carries a SigV4 Authorization header (credential fetches do not). */
  public boolean isSigned() {
    String auth = header("authorization");
    return auth != null && auth.startsWith("AWS4-HMAC-SHA256 ");
  }

  /** The time it was signed at, from its X-Amz-Date. */
  public Instant signedAt() {
    return AMZ_DATE.parse(header("x-amz-date"), Instant::from);
  }

  /** The access key id its Authorization header names. */
  public String accessKeyId() {
    String auth = header("authorization");
    int start = auth.indexOf("Credential=") + "Credential=".length();
    return auth.substring(start, auth.indexOf('/', start));
  }

  /** The body as text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String rawPath() {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  @Override
  public String rawQuery() {
    int q = target.indexOf('?');
    return q < 0 ? "" : target.substring(q + 1);
  }

  @Override
  public List<String> headerValues(String lowerCaseName) {
    List<String> values = new ArrayList<>(1);
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(lowerCaseName)) {
        values.add(h.getValue());
      }
    }
    return values;
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** A copy with every header of this name (any casing) set to one value, kept in place. */
  public CapturedRequest withHeader(String name, String value) {
    List<Map.Entry<String, String>> changed = new ArrayList<>();
    boolean replaced = false;
    for (Map.Entry<String, String> h : headers) {
      if (!h.getKey().equalsIgnoreCase(name)) {
        changed.add(h);
      } else if (!replaced) {
        changed.add(Map.entry(h.getKey(), value));
        replaced = true;
      }
    }
    if (!replaced) {
      changed.add(Map.entry(name, value));
    }
    return new CapturedRequest(sdk, capture, seq, method, target, changed, body);
  }

  /** A copy with one more header line, after the others. */
  public CapturedRequest withAddedHeader(String name, String value) {
    List<Map.Entry<String, String>> changed = new ArrayList<>(headers);
    changed.add(Map.entry(name, value));
    return new CapturedRequest(sdk, capture, seq, method, target, changed, body);
  }

  /** A copy without any header of this name. */
  public CapturedRequest withoutHeader(String name) {
    List<Map.Entry<String, String>> changed = new ArrayList<>();
    for (Map.Entry<String, String> h : headers) {
      if (!h.getKey().equalsIgnoreCase(name)) {
        changed.add(h);
      }
    }
    return new CapturedRequest(sdk, capture, seq, method, target, changed, body);
  }

  /** A copy with another body (headers unchanged). */
  public CapturedRequest withBody(byte[] newBody) {
    return new CapturedRequest(sdk, capture, seq, method, target, headers, newBody);
  }

  /** A copy with another request target. */
  public CapturedRequest withTarget(String newTarget) {
    return new CapturedRequest(sdk, capture, seq, method, newTarget, headers, body);
  }

  @Override
  public String toString() {
    return name();
  }
}
