package io.meterline.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.meterline.server.testing.TestServer;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Over real sockets: a connection beyond the limit is closed unread; one that closes makes room.
 */
class ConnectionLimitTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(b -> b.maxConnections(3), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Whether a health request on this connection is answered (else the server closed it). */
  private static boolean served(Socket socket) throws Exception {
    try {
      socket
          .getOutputStream()
          .write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] status = in.readNBytes(12);
      in.skip(in.available());
      return new String(status, StandardCharsets.US_ASCII).equals("HTTP/1.1 200");
    } catch (SocketException reset) {
      return false;
    }
  }

  @Test
  void aConnectionBeyondTheLimit_isClosed_andOneClosingMakesRoom() throws Exception {
    List<Socket> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(server.socket());
        assertThat(served(open.get(i))).as("connection %d", i + 1).isTrue();
      }
      try (Socket fourth = server.socket()) {
        assertThat(served(fourth)).as("the fourth connection").isFalse();
      }

      open.remove(0).close();
      long deadline = System.nanoTime() + 5_000_000_000L;
      boolean admitted = false;
      while (!admitted && System.nanoTime() < deadline) {
        try (Socket next = server.socket()) {
          admitted = served(next);
        }
        if (!admitted) {
          Thread.sleep(20); // the server has not yet seen the close
        }
      }
      assertThat(admitted).as("a new connection once one closed").isTrue();
    } finally {
      for (Socket s : open) {
        s.close();
      }
    }
  }
}
