package io.meterline.wire.sigv4;

import java.util.List;

/** The parts of an HTTP request that a SigV4 signature covers, as received. */
public interface SignableRequest {
  /** The method, e.g. {@code POST}. */
  String method();

  /** The path as it appeared on the request line, still percent-encoded, without the query. */
  String rawPath();

  /** The query string as received, without the '?', empty when there is none. */
  String rawQuery();

  /** Every value of the header with this lower-case name, in the order received. */
  List<String> headerValues(String lowerCaseName);

  /** The exact body bytes. */
  byte[] body();

  /** The first value of a header, or {@code null}. */
  default String header(String lowerCaseName) {
    List<String> values = headerValues(lowerCaseName);
    return values.isEmpty() ? null : values.get(0);
  }
}
