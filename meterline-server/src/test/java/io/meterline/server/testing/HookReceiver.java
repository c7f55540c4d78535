package io.meterline.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver on loopback for notification tests: records every POST it gets and answers
 * with the statuses it is told to, in order (200 once they run out). One request per connection.
 */
public final class HookReceiver implements AutoCloseable {
  /** A request as it arrived. */
  public record Received(
      String path, Map<String, String> headers, String body, int answered, Instant at) {}

  private final ServerSocket socket;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final Deque<Integer> statuses = new ArrayDeque<>();
  private final Thread acceptor;

  public HookReceiver() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::serve, "hook-receiver");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The URL to give as a product's notification target. */
  public String url() {
    return "http://127.0.0.1:" + socket.getLocalPort() + "/hook";
  }

  /** The next requests are answered with these statuses, then 200 again. */
  public synchronized void answer(int... next) {
    for (int s : next) {
      statuses.add(s);
    }
  }

  private synchronized int nextStatus() {
    Integer s = statuses.poll();
    return s == null ? 200 : s;
  }

  /** The next request received, waiting up to the timeout; fails when none came. */
  public Received next(Duration timeout) throws InterruptedException {
    Received r = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) {
      throw new AssertionError("no notification arrived within " + timeout);
    }
    return r;
  }

  /** A request received within the timeout, or {@code null}. */
  public Received poll(Duration timeout) throws InterruptedException {
    return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        handle(s);
      } catch (IOException e) {
        // closed, or a client that went away
      }
    }
  }

  private void handle(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String requestLine = reader.readLine();
    if (requestLine == null) {
      return;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = reader.readLine();
        line != null && !line.isEmpty();
        line = reader.readLine()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    char[] body = new char[length];
    int read = 0;
    while (read < length) {
      int n = reader.read(body, read, length - read);
      if (n < 0) {
        break;
      }
      read += n;
    }
    int status = nextStatus();
    received.add(
        new Received(
            requestLine.split(" ")[1], headers, new String(body, 0, read), status, Instant.now()));
    OutputStream out = s.getOutputStream();
    out.write(
        ("HTTP/1.1 " + status + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
