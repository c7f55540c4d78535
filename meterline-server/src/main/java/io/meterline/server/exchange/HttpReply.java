package io.meterline.server.exchange;

import java.util.Map;
import java.util.Objects;

/**
 * A response to send: status, content type, body and any extra headers. {@code Date}, {@code
 * Content-Length}, {@code Connection} and the request id are added when it is written.
 */
public record HttpReply(
    int status, String contentType, byte[] body, Map<String, String> headers, String requestId) {

  /** The content type of every data-plane response, errors included (facts §1). */
  public static final String AMZ_JSON = "application/x-amz-json-1.1";

  /** The content type of the admin API. */
  public static final String JSON = "application/json";

  public HttpReply {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(requestId, "requestId");
  }

  /** A reply with no extra headers. */
  public static HttpReply of(int status, String contentType, byte[] body, String requestId) {
    return new HttpReply(status, contentType, body, Map.of(), requestId);
  }
}
