package io.meterline.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meterline.server.testing.ServerExtension;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Over real sockets: a connection beyond the limit is closed unread; one that closes makes room.
 */
class ConnectionLimitTest {
  @RegisterExtension
  static final ServerExtension server = ServerExtension.configured(b -> b.maxConnections(3));

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
      // Until the server has seen the close, a new connection is still one too many.
      await("a new connection once one closed")
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                try (Socket next = server.socket()) {
                  return served(next);
                }
              });
    } finally {
      for (Socket s : open) {
        s.close();
      }
    }
  }
}
