package io.meterline.server.http;

import static io.meterline.server.http.EmbeddedClients.headers;
import static org.assertj.core.api.Assertions.assertThat;

import io.meterline.server.http.EmbeddedClients.Client;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The body budget's bookkeeping under any sequence of client behaviour: whole, stalled, chunked,
 * oversized, pipelined and malformed requests (a bad chunk mid-body among them), expectations,
 * replies (oldest first, as the handler completes them) and connections closing at any point. It
 * never holds more than the budget (or one piece of a body, when nothing else is held), and once
 * every request is answered and every connection closed it holds nothing: a drift would leak budget
 * until the server refused everything.
 */
class BodyBudgetProperties {
  private static final int MAX_BODY = 8_192;
  private static final int CONNECTIONS = 3;

  /** One step of the clients, on connection {@code on}. */
  record Step(Kind kind, int on, int size) {}

  enum Kind {
    WHOLE,
    STALLED,
    CHUNKED,
    CHUNKED_UNFINISHED,
    EXPECT_CONTINUE,
    UNSUPPORTED_EXPECTATION,
    CONNECTION_CLOSE,
    GARBAGE,
    BAD_CHUNK,
    ANSWER,
    CLOSE
  }

  @Property
  void theBudgetNeverDrifts(
      @ForAll("steps") List<Step> steps, @ForAll @IntRange(min = 1, max = 30_000) int budget) {
    EmbeddedClients clients = new EmbeddedClients(budget, MAX_BODY);
    List<Client> open = new ArrayList<>();
    for (int i = 0; i < CONNECTIONS; i++) {
      open.add(clients.connect());
    }
    for (Step step : steps) {
      apply(clients, open, step);
      assertThat(clients.held())
          .as("held after %s", step)
          .isBetween(0L, (long) Math.max(budget, MAX_BODY));
    }
    while (clients.inFlight() > 0) {
      clients.answerOldest();
    }
    open.forEach(Client::close);
    assertThat(clients.held()).as("held once all is answered and closed").isZero();
  }

  private static void apply(EmbeddedClients clients, List<Client> open, Step step) {
    Client c = open.get(step.on());
    int n = step.size();
    switch (step.kind()) {
      case WHOLE -> c.send(headers(n) + "a".repeat(Math.min(n, 2 * MAX_BODY)));
      case STALLED -> c.send(headers(n) + "a".repeat(n / 2));
      case CHUNKED -> c.send(chunked(n) + "0\r\n\r\n");
      case CHUNKED_UNFINISHED -> c.send(chunked(n));
      case EXPECT_CONTINUE -> c.send(headers(n, "Expect: 100-continue\r\n") + "a".repeat(n));
      case UNSUPPORTED_EXPECTATION -> c.send(headers(n, "Expect: x\r\n") + "a".repeat(n));
      case CONNECTION_CLOSE -> c.send(headers(n, "Connection: close\r\n") + "a".repeat(n));
      case GARBAGE -> c.send("POST / HTTP/1.1\r\nContent-Length: " + n + "x\r\n\r\n");
      case BAD_CHUNK -> c.send(chunked(n) + "zz\r\n");
      case ANSWER -> {
        if (clients.inFlight() > 0) {
          clients.answerOldest();
        }
      }
      case CLOSE -> {
        c.close();
        open.set(step.on(), clients.connect());
      }
    }
  }

  private static String chunked(int n) {
    String chunk = n == 0 ? "" : Integer.toHexString(n) + "\r\n" + "a".repeat(n) + "\r\n";
    return "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk;
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> sizes =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 200),
            Arbitraries.integers().between(0, MAX_BODY + 100),
            Arbitraries.of(MAX_BODY - 1, MAX_BODY, MAX_BODY + 1));
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.integers().between(0, CONNECTIONS - 1),
                sizes)
            .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(25);
  }
}
