package io.meterline.server.http;

import static io.meterline.server.http.EmbeddedClients.headers;
import static io.meterline.server.http.EmbeddedClients.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.meterline.server.http.EmbeddedClients.Client;
import org.junit.jupiter.api.Test;

/**
 * Requests with an {@code Expect} header pipelined behind another: no interim or early answer may
 * go out before the earlier request's reply. Alone on their connection, they get it at once.
 */
class ExpectationOrderTest {
  private static final int MAX_BODY = 8_192;
  private final EmbeddedClients clients = new EmbeddedClients(100_000, MAX_BODY);

  @Test
  void expectContinue_behindAnotherRequest_getsNoGoAhead_andIsAnsweredInTurn() {
    Client a = clients.connect();

    a.send(request(1_000) + headers(500, "Expect: 100-continue\r\n"));
    assertThat(a.statuses()).as("nothing before the first reply").isEmpty();
    a.send("a".repeat(500));
    clients.answerOldest();
    clients.answerOldest();
    assertThat(a.statuses()).containsExactly(200, 200);
    assertThat(clients.bodiesHandled).containsExactly(1_000, 500);
  }

  @Test
  void anUnsupportedExpectation_behindAnotherRequest_isNotRefusedAheadOfIt() {
    Client a = clients.connect();

    a.send(request(1_000) + headers(500, "Expect: something-else\r\n") + "a".repeat(500));
    assertThat(a.statuses()).as("nothing before the first reply").isEmpty();
    clients.answerOldest();
    clients.answerOldest();
    assertThat(a.statuses()).containsExactly(200, 200);
  }

  @Test
  void anOversizedExpectContinue_behindAnotherRequest_is413InTurn() {
    Client a = clients.connect();

    a.send(request(1_000) + headers(MAX_BODY + 1, "Expect: 100-continue\r\n"));
    assertThat(a.statuses()).as("nothing before the first reply").isEmpty();
    clients.answerOldest();
    assertThat(a.statuses()).containsExactly(200, 413);
    assertThat(a.channel.isOpen()).isFalse();
  }

  @Test
  void expectations_aloneOnTheirConnection_areAnsweredAtOnce() {
    Client a = clients.connect();
    a.send(headers(500, "Expect: 100-continue\r\n"));
    assertThat(a.statuses()).containsExactly(100);

    Client b = clients.connect();
    b.send(headers(500, "Expect: something-else\r\n"));
    assertThat(b.statuses()).containsExactly(417);

    Client c = clients.connect();
    c.send(headers(MAX_BODY + 1, "Expect: 100-continue\r\n"));
    assertThat(c.statuses()).containsExactly(413);
  }
}
