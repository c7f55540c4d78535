package io.meterline.load;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One answer as a {@link Conversation} gets it, with the times of its request ({@link
 * System#nanoTime}).
 *
 * @param status the HTTP status
 * @param headers the response headers, names in lower case (repeated ones joined with ", ")
 * @param body the response body, the receiver's to keep
 * @param sentNanos when the request was written
 * @param headNanos when it reached the head of its connection's pipeline: its send, or the answer
 *     before it on the same connection, whichever came later
 * @param answeredNanos when the last byte of the answer arrived
 */
public record Answer(
    int status,
    Map<String, String> headers,
    byte[] body,
    long sentNanos,
    long headNanos,
    long answeredNanos) {

  /** The value of a header, or {@code null}; the name in any case. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** From the request's send to its answer. */
  public long latencyNanos() {
    return answeredNanos - sentNanos;
  }

  /**
   * How long the server held the request: from when it reached the head of its connection's
   * pipeline to its answer, so that waiting behind the connection's earlier requests is not
   * counted.
   */
  public long heldNanos() {
    return answeredNanos - headNanos;
  }
}
