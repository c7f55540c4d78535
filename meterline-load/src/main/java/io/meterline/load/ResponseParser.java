package io.meterline.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Just enough of an HTTP/1.1 response parser for the load client: the status and, by {@code
 * Content-Length}, where the response ends. Headers and body are kept only when asked for; the
 * start of a body is kept when the status is not 200, to show what went wrong. Chunked responses
 * are refused (neither the Meterline server nor the benchmark's no-op server sends them).
 */
final class ResponseParser {
  /**
   * A complete response.
   *
   * @param status the HTTP status
   * @param errorBody the start of the body when the status is not 200, else {@code null}
   * @param close whether the server closes the connection after it
   * @param headers all headers, names in lower case; {@code null} unless asked for
   * @param body the whole body; {@code null} unless asked for
   */
  record Response(
      int status, String errorBody, boolean close, Map<String, String> headers, byte[] body) {}

  private static final byte[] CONTENT_LENGTH =
      "content-length:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRANSFER_ENCODING =
      "transfer-encoding:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONNECTION_CLOSE =
      "connection: close".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_HEAD = 64 * 1024;
  private static final int ERROR_BODY_CHARS = 400;

  private ResponseParser() {}

  /**
   * Reads one response from the buffer, or returns {@code null} and reads nothing when the buffer
   * does not yet hold a whole one.
   *
   * @param whole whether to keep all headers and the body
   * @throws IllegalStateException when the bytes are not a response this parser understands
   */
  static Response parse(ByteBuf in, boolean whole) {
    int start = in.readerIndex();
    int limit = in.writerIndex();
    int headEnd = findHeadEnd(in, start, limit);
    if (headEnd < 0) {
      if (limit - start > MAX_HEAD) {
        throw new IllegalStateException("no end of headers in " + (limit - start) + " bytes");
      }
      return null;
    }
    if (headEnd - start < 12 || in.getByte(start) != 'H' || in.getByte(start + 8) != ' ') {
      throw new IllegalStateException(
          "not an HTTP response: "
              + in.toString(start, Math.min(40, limit - start), StandardCharsets.US_ASCII));
    }
    int status = digit(in, start + 9) * 100 + digit(in, start + 10) * 10 + digit(in, start + 11);
    long contentLength = -1;
    boolean close = false;
    Map<String, String> headers = whole ? new LinkedHashMap<>() : null;
    int line = lineAfter(in, start, headEnd);
    while (line < headEnd) {
      int eol = lineEnd(in, line, headEnd);
      if (startsWithIgnoreCase(in, line, eol, CONTENT_LENGTH)) {
        contentLength = number(in, line + CONTENT_LENGTH.length, eol);
      } else if (startsWithIgnoreCase(in, line, eol, TRANSFER_ENCODING)) {
        throw new IllegalStateException("chunked responses are not supported");
      } else if (startsWithIgnoreCase(in, line, eol, CONNECTION_CLOSE)) {
        close = true;
      }
      if (whole) {
        keep(in, line, eol, headers);
      }
      line = eol + 2;
    }
    if (contentLength < 0) {
      throw new IllegalStateException("a response without Content-Length (status " + status + ")");
    }
    int bodyStart = headEnd + 4;
    if (limit - bodyStart < contentLength) {
      return null;
    }
    int length = (int) contentLength;
    String errorBody =
        status == 200
            ? null
            : in.toString(bodyStart, Math.min(length, ERROR_BODY_CHARS), StandardCharsets.UTF_8);
    byte[] body = whole ? ByteBufUtil.getBytes(in, bodyStart, length) : null;
    in.readerIndex(bodyStart + length);
    return new Response(status, errorBody, close, headers, body);
  }

  /** Adds one header line; a repeated name gets its values joined with ", ". */
  private static void keep(ByteBuf in, int from, int to, Map<String, String> headers) {
    String text = in.toString(from, to - from, StandardCharsets.ISO_8859_1);
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalStateException("a header line without a name: " + text);
    }
    String name = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    String value = text.substring(colon + 1).trim();
    headers.merge(name, value, (a, b) -> a + ", " + b);
  }

  /** The index of the CR of the blank line ending the head, or -1. */
  private static int findHeadEnd(ByteBuf in, int from, int limit) {
    for (int i = from; i + 3 < limit; i++) {
      if (in.getByte(i) == '\r'
          && in.getByte(i + 1) == '\n'
          && in.getByte(i + 2) == '\r'
          && in.getByte(i + 3) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int lineEnd(ByteBuf in, int from, int headEnd) {
    for (int i = from; i < headEnd; i++) {
      if (in.getByte(i) == '\r') {
        return i;
      }
    }
    return headEnd;
  }

  private static int lineAfter(ByteBuf in, int from, int headEnd) {
    int eol = lineEnd(in, from, headEnd);
    return eol == headEnd ? headEnd : eol + 2;
  }

  private static boolean startsWithIgnoreCase(ByteBuf in, int from, int to, byte[] prefix) {
    if (to - from < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      byte b = in.getByte(from + i);
      if (b >= 'A' && b <= 'Z') {
        b = (byte) (b + ('a' - 'A'));
      }
      if (b != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static long number(ByteBuf in, int from, int to) {
    long n = 0;
    boolean any = false;
    for (int i = from; i < to; i++) {
      byte b = in.getByte(i);
      if (b >= '0' && b <= '9') {
        n = n * 10 + (b - '0');
        any = true;
      } else if (b != ' ' && b != '\t') {
        throw new IllegalStateException("bad Content-Length");
      }
    }
    if (!any) {
      throw new IllegalStateException("empty Content-Length");
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalStateException("Content-Length " + n + " is beyond what the client reads");
    }
    return n;
  }

  private static int digit(ByteBuf in, int i) {
    byte b = in.getByte(i);
    if (b < '0' || b > '9') {
      throw new IllegalStateException("bad status code");
    }
    return b - '0';
  }
}
