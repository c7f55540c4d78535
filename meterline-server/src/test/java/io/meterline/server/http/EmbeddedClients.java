package io.meterline.server.http;

import io.meterline.server.exchange.HttpReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Client connections to the server's own per-connection handlers (codec, body budget, body limit,
 * request handler, wired as the server wires them), each an {@link EmbeddedChannel}, sharing one
 * {@link Connections}. The handler behind them records each request's body size and leaves its
 * reply to the test, so requests stay in flight as long as the test likes.
 */
final class EmbeddedClients {
  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3})");

  final Connections connections;
  final int maxBodyBytes;
  final List<Integer> bodiesHandled = new ArrayList<>();
  private final List<CompletableFuture<HttpReply>> inFlight = new ArrayList<>();
  private final List<Client> everyClient = new ArrayList<>();

  EmbeddedClients(long bodyBudgetBytes, int maxBodyBytes) {
    this.connections = new Connections(1_000, bodyBudgetBytes);
    this.maxBodyBytes = maxBodyBytes;
  }

  Client connect() {
    EmbeddedChannel ch = new EmbeddedChannel(DefaultChannelId.newInstance());
    ch.pipeline().addLast(new HttpServerCodec());
    HttpServer.addRequestHandlers(
        ch.pipeline(),
        connections,
        maxBodyBytes,
        request -> {
          bodiesHandled.add(request.body().length);
          CompletableFuture<HttpReply> reply = new CompletableFuture<>();
          inFlight.add(reply);
          return reply;
        },
        new DateHeader(Clock.systemUTC()),
        Runnable::run,
        Integer.MAX_VALUE);
    Client client = new Client(ch);
    everyClient.add(client);
    return client;
  }

  /** Requests handed to the handler and not yet answered. */
  int inFlight() {
    return inFlight.size();
  }

  /**
   * Answers the oldest request in flight 200, and runs every connection's queued work (its own
   * writes the reply, or, closed, gives back what the request held).
   */
  void answerOldest() {
    inFlight.remove(0).complete(HttpReply.of(200, HttpReply.JSON, new byte[0], "r"));
    everyClient.forEach(Client::runTasks);
  }

  long held() {
    return connections.bodyBytesHeld();
  }

  /** One client connection: what it sends, and the replies it got so far. */
  static final class Client {
    final EmbeddedChannel channel;
    private final StringBuilder received = new StringBuilder();

    Client(EmbeddedChannel channel) {
      this.channel = channel;
    }

    void send(String text) {
      if (channel.isOpen()) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
      }
      channel.runPendingTasks();
    }

    /** Runs what the connection's event loop has queued (replies to write). */
    void runTasks() {
      channel.runPendingTasks();
    }

    List<Integer> statuses() {
      ByteBuf out;
      while ((out = channel.readOutbound()) != null) {
        received.append(out.toString(StandardCharsets.ISO_8859_1));
        out.release();
      }
      List<Integer> statuses = new ArrayList<>();
      Matcher m = STATUS.matcher(received);
      while (m.find()) {
        statuses.add(Integer.parseInt(m.group(1)));
      }
      return statuses;
    }

    String replies() {
      statuses();
      return received.toString();
    }

    void close() {
      channel.close().syncUninterruptibly();
      channel.runPendingTasks();
    }
  }

  static String headers(int contentLength, String... extra) {
    return "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: "
        + contentLength
        + "\r\n"
        + String.join("", extra)
        + "\r\n";
  }

  static String request(int bodyBytes) {
    return headers(bodyBytes) + "a".repeat(bodyBytes);
  }
}
