package io.meterline.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A metering endpoint that is not the service: a plain-socket HTTP/1.1 server on loopback that
 * answers every request with 200 and a JSON body computed from the request's body, as an attacker
 * (or a buyer's proxy) in front of the product would. Keeps connections alive, as the SDK expects.
 */
final class FakeMeteringEndpoint implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A request as received: its X-Amz-Target and its JSON body. */
  record Request(String target, JsonNode body) {}

  private final ServerSocket socket;
  private final List<Request> received = new CopyOnWriteArrayList<>();
  private volatile Function<JsonNode, String> answer = body -> "{}";

  FakeMeteringEndpoint() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "fake-metering-endpoint");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  /** From now on, answers 200 with the body this function makes of the request's JSON body. */
  void answer(Function<JsonNode, String> answer) {
    this.answer = answer;
  }

  List<Request> received() {
    return received;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        Thread t = new Thread(() -> serve(connection), "fake-metering-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket connection) {
    try (connection;
        InputStream in = new BufferedInputStream(connection.getInputStream());
        OutputStream out = connection.getOutputStream()) {
      while (true) {
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) {
          return;
        }
        int length = 0;
        String target = null;
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
          int colon = header.indexOf(':');
          String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
          String value = header.substring(colon + 1).trim();
          if (name.equals("content-length")) {
            length = Integer.parseInt(value);
          } else if (name.equals("x-amz-target")) {
            target = value;
          }
        }
        JsonNode body = JSON.readTree(in.readNBytes(length));
        received.add(new Request(target, body));
        byte[] reply = answer.apply(body).getBytes(StandardCharsets.UTF_8);
        String head =
            "HTTP/1.1 200 OK\r\n"
                + "Content-Type: application/x-amz-json-1.1\r\n"
                + "x-amzn-RequestId: fake-"
                + received.size()
                + "\r\n"
                + "Content-Length: "
                + reply.length
                + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(reply);
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      // the client went away, or sent what this fake does not speak; drop the connection
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.US_ASCII);
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(StandardCharsets.US_ASCII);
  }
}
