package io.meterline.load;

import java.nio.charset.StandardCharsets;

/** Plain HTTP/1.1 requests for the client's tests. */
final class Requests {
  private Requests() {}

  /** A POST with this body. */
  static byte[] post(String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST / HTTP/1.1\r\nhost: test\r\ncontent-type: text/plain\r\ncontent-length: "
            + b.length
            + "\r\n\r\n";
    byte[] out = new byte[head.length() + b.length];
    System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, out, 0, head.length());
    System.arraycopy(b, 0, out, head.length(), b.length);
    return out;
  }

  /** A sealed set of POSTs with these bodies. */
  static RequestSet set(String... bodies) {
    RequestSet set = new RequestSet();
    for (String body : bodies) {
      set.add(post(body));
    }
    return set.seal();
  }
}
