package io.meterline.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.meterline.server.testing.ServerExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clients that trickle or bloat their requests are cut off, without holding the server. */
class SlowClientTest {
  @RegisterExtension
  static final ServerExtension server =
      ServerExtension.configured(b -> b.requestDeadline(Duration.ofMillis(800)));

  @Test
  void slowLoris_tricklingHeaders_isDisconnectedAtTheDeadline() throws Exception {
    long millis =
        millisUntilCutOff("POST / HTTP/1.1\r\nHost: x\r\n", i -> "X-Slow-" + i + ": y\r\n");
    assertThat(millis).isLessThan(3_000);
  }

  @Test
  void slowBody_trickledAfterCompleteHeaders_isDisconnectedAtTheDeadline() throws Exception {
    // The headers arrive at once and promise 1,000 bytes; the body comes a byte per 100 ms.
    long millis =
        millisUntilCutOff(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
                + "X-Amz-Target: AWSMPMeteringService.MeterUsage\r\nContent-Length: 1000\r\n\r\n",
            i -> "{");
    assertThat(millis).isLessThan(3_000);
  }

  /**
   * Sends the head, then one piece every 100 ms (40 at most, 4 s), until the server closes the
   * connection; fails if it never does. Returns how long that took.
   */
  private static long millisUntilCutOff(String head, java.util.function.IntFunction<String> piece)
      throws Exception {
    try (Socket socket = new Socket(server.endpoint().getHost(), server.endpoint().getPort())) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      long start = System.nanoTime();
      boolean cut = false;
      try {
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 40 && !cut; i++) {
          out.write(piece.apply(i).getBytes(StandardCharsets.US_ASCII));
          out.flush();
          socket.setSoTimeout(100);
          try {
            // Whatever the server says before it closes (an error reply) is read and skipped.
            while (!cut) {
              cut = in.read() == -1;
            }
          } catch (java.net.SocketTimeoutException stillOpen) {
            // the server has not cut us off yet
          }
        }
      } catch (SocketException reset) {
        cut = true;
      }
      assertThat(cut).as("the connection was closed").isTrue();
      return (System.nanoTime() - start) / 1_000_000;
    }
  }

  @Test
  void aRequestArrivingWithinTheDeadline_isServedAndTheConnectionKeptForTheNext() throws Exception {
    try (Socket socket = new Socket(server.endpoint().getHost(), server.endpoint().getPort())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      for (int i = 0; i < 3; i++) {
        out.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] reply = new byte[12];
        assertThat(socket.getInputStream().readNBytes(reply, 0, 12)).isEqualTo(12);
        assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        socket.getInputStream().skip(socket.getInputStream().available());
        Thread.sleep(500); // idle between requests is not the deadline's business
      }
    }
  }

  @Test
  void oversizedHeaders_are431AndTheConnectionCloses() throws Exception {
    try (Socket socket = new Socket(server.endpoint().getHost(), server.endpoint().getPort())) {
      socket.setSoTimeout(5_000);
      String big = "X-Big: " + "a".repeat(20_000) + "\r\n";
      socket
          .getOutputStream()
          .write(
              ("GET /health HTTP/1.1\r\nHost: x\r\n" + big + "\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      byte[] status = socket.getInputStream().readNBytes(12);
      assertThat(new String(status, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 431");
    }
  }
}
