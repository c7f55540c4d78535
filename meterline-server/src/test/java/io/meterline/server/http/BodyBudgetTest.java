package io.meterline.server.http;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

/**
 * The server-wide body budget: a request's body counts from the moment its headers arrive until it
 * is answered or its connection closes, and a request that does not fit is answered "busy" without
 * its body being kept. Each connection is an {@link EmbeddedChannel} with the server's own
 * handlers.
 */
class BodyBudgetTest {
  private static final int MAX_BODY = 8_192;
  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3})");

  /** A handler whose replies the test completes, so requests stay in flight as long as it likes. */
  private final List<CompletableFuture<HttpReply>> inFlight = new ArrayList<>();

  private final List<Integer> bodiesHandled = new ArrayList<>();

  private Connection connect(Connections connections) {
    EmbeddedChannel ch = new EmbeddedChannel(DefaultChannelId.newInstance());
    BodyBudget budget = new BodyBudget(connections, MAX_BODY);
    ch.pipeline()
        .addLast(new HttpServerCodec())
        .addLast(budget)
        .addLast(new BodyLimit(MAX_BODY))
        .addLast(
            new RequestHandler(
                request -> {
                  bodiesHandled.add(request.body().length);
                  CompletableFuture<HttpReply> reply = new CompletableFuture<>();
                  inFlight.add(reply);
                  return reply;
                },
                new DateHeader(Clock.systemUTC()),
                connections,
                budget,
                Runnable::run,
                Integer.MAX_VALUE));
    return new Connection(ch);
  }

  private void answerNext(Connection c) {
    inFlight.remove(0).complete(HttpReply.of(200, HttpReply.JSON, new byte[0], "r"));
    c.channel.runPendingTasks();
  }

  /** One client connection: what it sends, and the statuses of the replies it got so far. */
  private static final class Connection {
    final EmbeddedChannel channel;
    final StringBuilder received = new StringBuilder();

    Connection(EmbeddedChannel channel) {
      this.channel = channel;
    }

    void send(String text) {
      channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
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

  private static String headers(int contentLength, String... extra) {
    return "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: "
        + contentLength
        + "\r\n"
        + String.join("", extra)
        + "\r\n";
  }

  private static String request(int bodyBytes) {
    return headers(bodyBytes) + "a".repeat(bodyBytes);
  }

  @Test
  void aBodyStillArriving_holdsItsDeclaredLength_untilItsConnectionCloses() {
    Connections connections = new Connections(10, 100_000);
    Connection a = connect(connections);

    a.send(headers(3_000) + "a".repeat(100));
    assertThat(connections.bodyBytesHeld()).isEqualTo(3_000);

    a.close();
    assertThat(connections.bodyBytesHeld()).isZero();
  }

  @Test
  void aRequestThatDoesNotFit_isAnsweredBusy_unhandled_andItsConnectionServesTheNext() {
    Connections connections = new Connections(10, 4_000);
    Connection a = connect(connections);
    Connection b = connect(connections);
    a.send(headers(3_000) + "a".repeat(10));

    b.send(request(2_000));
    assertThat(b.statuses()).containsExactly(503);
    assertThat(b.replies()).contains("ServiceUnavailableException").doesNotContain("close");
    assertThat(bodiesHandled).isEmpty();
    assertThat(connections.bodyBytesHeld()).isEqualTo(3_000);

    a.close();
    b.send(request(2_000));
    assertThat(bodiesHandled).containsExactly(2_000);
    answerNext(b);
    assertThat(b.statuses()).containsExactly(503, 200);
    assertThat(connections.bodyBytesHeld()).isZero();
  }

  @Test
  void aPipelinedRequest_holdsItsBodyWhileWaiting_andEachIsGivenBackWhenAnswered() {
    Connections connections = new Connections(10, 100_000);
    Connection a = connect(connections);

    a.send(request(1_000) + request(2_000));
    assertThat(bodiesHandled).containsExactly(1_000);
    assertThat(connections.bodyBytesHeld()).isEqualTo(3_000);

    answerNext(a);
    assertThat(bodiesHandled).containsExactly(1_000, 2_000);
    assertThat(connections.bodyBytesHeld()).isEqualTo(2_000);

    answerNext(a);
    assertThat(a.statuses()).containsExactly(200, 200);
    assertThat(connections.bodyBytesHeld()).isZero();
  }

  @Test
  void closingWithOneRequestInFlightAndOneWaiting_givesBothBack() {
    Connections connections = new Connections(10, 100_000);
    Connection a = connect(connections);
    a.send(request(1_000) + request(2_000));
    assertThat(connections.bodyBytesHeld()).isEqualTo(3_000);

    a.close();
    assertThat(connections.bodyBytesHeld()).as("the waiting one's, at close").isEqualTo(1_000);
    answerNext(a);
    assertThat(connections.bodyBytesHeld()).as("the one in flight's, once answered").isZero();
    assertThat(bodiesHandled).containsExactly(1_000);
  }

  @Test
  void aChunkedRequest_holdsTheLimitWhileArriving_thenOnlyWhatItSent() {
    Connections connections = new Connections(10, 100_000);
    Connection a = connect(connections);

    a.send(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + "a".repeat(100));
    assertThat(connections.bodyBytesHeld()).isEqualTo(MAX_BODY);

    a.send("\r\n0\r\n\r\n");
    assertThat(bodiesHandled).containsExactly(100);
    assertThat(connections.bodyBytesHeld()).isEqualTo(100);
    answerNext(a);
    assertThat(connections.bodyBytesHeld()).isZero();
  }

  @Test
  void aChunkedRequestOverTheLimit_is413_andHoldsNothingOnceClosed() {
    Connections connections = new Connections(10, 100_000);
    Connection a = connect(connections);

    String chunk = Integer.toHexString(MAX_BODY) + "\r\n" + "a".repeat(MAX_BODY) + "\r\n";
    a.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk);
    assertThat(a.statuses()).containsExactly(413);
    assertThat(a.channel.isOpen()).isFalse();
    assertThat(connections.bodyBytesHeld()).isZero();
    assertThat(bodiesHandled).isEmpty();
  }

  @Test
  void aDeclaredLengthOverTheLimit_is413_andHoldsNothing() {
    Connections connections = new Connections(10, 100_000);
    Connection a = connect(connections);

    a.send(headers(MAX_BODY + 1));
    assertThat(connections.bodyBytesHeld()).isZero();
    assertThat(a.statuses()).containsExactly(413);
  }

  @Test
  void anUnsupportedExpectation_isRefusedByTheCodec_andHoldsNothing() {
    Connections connections = new Connections(10, 100_000);
    Connection a = connect(connections);

    a.send(headers(500, "Expect: something-else\r\n") + "a".repeat(500));
    assertThat(a.statuses()).containsExactly(417);
    assertThat(bodiesHandled).isEmpty();
    assertThat(connections.bodyBytesHeld()).isZero();
  }

  @Test
  void anExpectContinueRequestThatDoesNotFit_isAnsweredAtOnce_andItsConnectionCloses() {
    Connections connections = new Connections(10, 4_000);
    Connection a = connect(connections);
    Connection b = connect(connections);
    a.send(headers(3_000));

    b.send(headers(2_000, "Expect: 100-continue\r\n"));
    assertThat(b.statuses()).containsExactly(503);
    assertThat(b.replies()).contains("connection: close");
    assertThat(b.channel.isOpen()).isFalse();
    assertThat(connections.bodyBytesHeld()).isEqualTo(3_000);
  }

  @Test
  void anExpectContinueRequestThatFits_getsTheGoAhead_andIsHandled() {
    Connections connections = new Connections(10, 100_000);
    Connection a = connect(connections);

    a.send(headers(500, "Expect: 100-continue\r\n"));
    assertThat(a.statuses()).containsExactly(100);
    assertThat(connections.bodyBytesHeld()).isEqualTo(500);
    a.send("a".repeat(500));
    answerNext(a);
    assertThat(a.statuses()).containsExactly(100, 200);
    assertThat(bodiesHandled).containsExactly(500);
    assertThat(connections.bodyBytesHeld()).isZero();
  }

  @Test
  void aMalformedRequest_is400_andHoldsNothing() {
    Connections connections = new Connections(10, 100_000);
    Connection a = connect(connections);

    a.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n");
    assertThat(a.statuses()).containsExactly(400);
    assertThat(connections.bodyBytesHeld()).isZero();
  }

  @Test
  void aConnectionRequestingClose_isClosedAfterItsBusyReply() {
    Connections connections = new Connections(10, 4_000);
    Connection a = connect(connections);
    Connection b = connect(connections);
    a.send(headers(3_000));

    b.send(headers(2_000, "Connection: close\r\n") + "a".repeat(2_000));
    assertThat(b.statuses()).containsExactly(503);
    assertThat(b.channel.isOpen()).isFalse();
    assertThat(connections.bodyBytesHeld()).isEqualTo(3_000);
  }
}
