package io.meterline.server.http;

import static io.meterline.server.http.EmbeddedClients.headers;
import static io.meterline.server.http.EmbeddedClients.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.meterline.server.http.EmbeddedClients.Client;
import org.junit.jupiter.api.Test;

/**
 * The server-wide body budget: a request's body counts from the moment its bytes arrive until it is
 * answered or its connection closes, and a body that does not fit is cut short and answered "busy"
 * without being kept; the connection goes on. Each connection is an {@link
 * io.netty.channel.embedded.EmbeddedChannel} with the server's own handlers.
 */
class BodyBudgetTest {
  private static final int MAX_BODY = 8_192;

  private EmbeddedClients clients;

  @Test
  void aBodyStillArriving_holdsWhatHasArrived_untilItsConnectionCloses() {
    clients = new EmbeddedClients(100_000, MAX_BODY);
    Client a = clients.connect();

    a.send(headers(3_000) + "a".repeat(100));
    assertThat(clients.held()).isEqualTo(100);
    a.send("a".repeat(1_000));
    assertThat(clients.held()).isEqualTo(1_100);

    a.close();
    assertThat(clients.held()).isZero();
  }

  @Test
  void aBodyThatDoesNotFit_isAnsweredBusy_unhandled_andItsConnectionServesTheNext() {
    clients = new EmbeddedClients(4_000, MAX_BODY);
    Client a = clients.connect();
    Client b = clients.connect();
    a.send(headers(3_000) + "a".repeat(2_900));

    b.send(request(2_000));
    assertThat(b.statuses()).containsExactly(503);
    assertThat(b.replies()).contains("ServiceUnavailableException").doesNotContain("close");
    assertThat(clients.bodiesHandled).isEmpty();
    assertThat(clients.held()).isEqualTo(2_900);

    a.close();
    b.send(request(2_000));
    assertThat(clients.bodiesHandled).containsExactly(2_000);
    clients.answerOldest();
    assertThat(b.statuses()).containsExactly(503, 200);
    assertThat(clients.held()).isZero();
  }

  @Test
  void aConnectionAskingToClose_isClosedAfterItsBusyReply() {
    clients = new EmbeddedClients(4_000, MAX_BODY);
    Client a = clients.connect();
    Client b = clients.connect();
    a.send(headers(3_000) + "a".repeat(2_900));

    b.send(headers(2_000, "Connection: close\r\n") + "b".repeat(2_000));
    assertThat(b.statuses()).containsExactly(503);
    assertThat(b.channel.isOpen()).isFalse();
    assertThat(clients.held()).isEqualTo(2_900);
  }

  @Test
  void aBodyCutShortMidway_givesBackWhatItHeld_dropsTheRest_andItsConnectionGoesOn() {
    clients = new EmbeddedClients(4_000, MAX_BODY);
    Client a = clients.connect();
    Client b = clients.connect();
    b.send(headers(5_000) + "b".repeat(1_500));
    assertThat(clients.held()).isEqualTo(1_500);

    a.send(headers(3_000) + "a".repeat(2_000));
    assertThat(clients.held()).as("a's body fits beside b's so far").isEqualTo(3_500);
    b.send("b".repeat(1_000));
    assertThat(b.statuses()).containsExactly(503);
    assertThat(clients.held()).as("b gave back its 1,500").isEqualTo(2_000);
    b.send("b".repeat(2_500));
    assertThat(clients.held()).as("the rest of b's body is dropped").isEqualTo(2_000);
    a.send("a".repeat(1_000));
    assertThat(clients.bodiesHandled).containsExactly(3_000);
    clients.answerOldest();
    assertThat(clients.held()).isZero();

    b.send(request(100));
    assertThat(clients.bodiesHandled).as("b's next request").containsExactly(3_000, 100);
  }

  @Test
  void aMalformedRestOfABodyCutShort_closesTheConnection() {
    clients = new EmbeddedClients(4_000, MAX_BODY);
    Client a = clients.connect();
    Client b = clients.connect();
    a.send(headers(3_000) + "a".repeat(2_900));

    b.send(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n"
            + "b".repeat(2_000));
    assertThat(b.statuses()).containsExactly(503);
    b.send("\r\nzz\r\n");
    assertThat(b.channel.isOpen()).isFalse();
    assertThat(clients.held()).isEqualTo(2_900);
  }

  @Test
  void aPipelinedRequest_holdsItsBodyWhileWaiting_andEachIsGivenBackWhenAnswered() {
    clients = new EmbeddedClients(100_000, MAX_BODY);
    Client a = clients.connect();

    a.send(request(1_000) + request(2_000));
    assertThat(clients.bodiesHandled).containsExactly(1_000);
    assertThat(clients.held()).isEqualTo(3_000);

    clients.answerOldest();
    assertThat(clients.bodiesHandled).containsExactly(1_000, 2_000);
    assertThat(clients.held()).isEqualTo(2_000);

    clients.answerOldest();
    assertThat(a.statuses()).containsExactly(200, 200);
    assertThat(clients.held()).isZero();
  }

  @Test
  void aPipelinedRequestThatDoesNotFit_isAnsweredBusyInItsTurn() {
    clients = new EmbeddedClients(4_000, MAX_BODY);
    Client a = clients.connect();

    a.send(request(1_000) + request(5_000));
    assertThat(a.statuses()).as("nothing before the first reply").isEmpty();
    clients.answerOldest();
    assertThat(a.statuses()).containsExactly(200, 503);
    assertThat(clients.bodiesHandled).containsExactly(1_000);
    assertThat(clients.held()).isZero();
  }

  @Test
  void closingWithOneRequestInFlightAndOneWaiting_givesBothBack() {
    clients = new EmbeddedClients(100_000, MAX_BODY);
    Client a = clients.connect();
    a.send(request(1_000) + request(2_000));
    assertThat(clients.held()).isEqualTo(3_000);

    a.close();
    assertThat(clients.held()).as("the waiting one's, at close").isEqualTo(1_000);
    clients.answerOldest();
    assertThat(clients.held()).as("the one in flight's, once answered").isZero();
    assertThat(clients.bodiesHandled).containsExactly(1_000);
  }

  @Test
  void aChunkedRequest_holdsWhatHasArrived() {
    clients = new EmbeddedClients(100_000, MAX_BODY);
    Client a = clients.connect();

    a.send(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + "a".repeat(100));
    assertThat(clients.held()).isEqualTo(100);

    a.send("\r\n0\r\n\r\n");
    assertThat(clients.bodiesHandled).containsExactly(100);
    assertThat(clients.held()).isEqualTo(100);
    clients.answerOldest();
    assertThat(clients.held()).isZero();
  }

  @Test
  void aChunkedRequestOverTheLimit_is413_andHoldsNothingOnceClosed() {
    clients = new EmbeddedClients(100_000, MAX_BODY);
    Client a = clients.connect();

    String chunk = Integer.toHexString(MAX_BODY) + "\r\n" + "a".repeat(MAX_BODY) + "\r\n";
    a.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk);
    assertThat(a.statuses()).containsExactly(413);
    assertThat(a.channel.isOpen()).isFalse();
    assertThat(clients.held()).isZero();
    assertThat(clients.bodiesHandled).isEmpty();
  }

  @Test
  void aDeclaredLengthOverTheLimit_is413_andHoldsNothing() {
    clients = new EmbeddedClients(100_000, MAX_BODY);
    Client a = clients.connect();

    a.send(headers(MAX_BODY + 1) + "a".repeat(1_000));
    assertThat(clients.held()).isZero();
    assertThat(a.statuses()).containsExactly(413);
  }

  @Test
  void anUnsupportedExpectation_isRefusedByTheBodyLimit_andHoldsNothing() {
    clients = new EmbeddedClients(100_000, MAX_BODY);
    Client a = clients.connect();

    a.send(headers(500, "Expect: something-else\r\n"));
    assertThat(a.statuses()).containsExactly(417);
    assertThat(clients.bodiesHandled).isEmpty();
    assertThat(clients.held()).isZero();
  }

  @Test
  void anExpectContinueRequestThatFits_getsTheGoAhead_andIsHandled() {
    clients = new EmbeddedClients(100_000, MAX_BODY);
    Client a = clients.connect();

    a.send(headers(500, "Expect: 100-continue\r\n"));
    assertThat(a.statuses()).containsExactly(100);
    assertThat(clients.held()).isZero();
    a.send("a".repeat(500));
    clients.answerOldest();
    assertThat(a.statuses()).containsExactly(100, 200);
    assertThat(clients.bodiesHandled).containsExactly(500);
    assertThat(clients.held()).isZero();
  }

  @Test
  void aMalformedRequest_is400_andHoldsNothing() {
    clients = new EmbeddedClients(100_000, MAX_BODY);
    Client a = clients.connect();

    a.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n");
    assertThat(a.statuses()).containsExactly(400);
    assertThat(clients.held()).isZero();
  }

  @Test
  void aBadChunkMidBody_is400_andGivesBackWhatTheBodyHeld() {
    clients = new EmbeddedClients(100_000, MAX_BODY);
    Client a = clients.connect();

    a.send(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + "a".repeat(100));
    assertThat(clients.held()).isEqualTo(100);
    a.send("\r\nzz\r\n");
    assertThat(a.statuses()).containsExactly(400);
    assertThat(clients.held()).isZero();
  }
}
