package io.meterline.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.meterline.server.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Clients that trickle or bloat their requests are cut off, without holding the server. */
class SlowClientTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(b -> b.requestDeadline(Duration.ofMillis(800)), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void slowLoris_tricklingHeaders_isDisconnectedAtTheDeadline() throws Exception {
    try (Socket socket = new Socket(server.endpoint().getHost(), server.endpoint().getPort())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      long start = System.nanoTime();
      boolean cut = false;
      try {
        out.write("POST / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 40 && !cut; i++) {
          out.write(("X-Slow-" + i + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          socket.setSoTimeout(100);
          try {
            cut = in.read() == -1;
          } catch (java.net.SocketTimeoutException stillOpen) {
            // the server has not cut us off yet
          }
        }
      } catch (SocketException reset) {
        cut = true;
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(cut).as("the connection was closed").isTrue();
      assertThat(millis).isLessThan(3_000);
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
