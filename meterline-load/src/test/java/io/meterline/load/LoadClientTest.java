package io.meterline.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadClientTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  private final LoadClient client = new LoadClient("test-client", 2);

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void run_inOrder_sendsEachRequestOnce_andCountsAnswersByStatus() throws Exception {
    try (TestServer server = new TestServer(1);
        RequestSet set = Requests.set("a", "b", "503 busy", "c", "400 bad", "d", "e")) {
      LoadResult r =
          client.run(
              LoadPlan.of("closed", server.address(), 3, set.inOrder(), Duration.ZERO, LONG));

      assertThat(server.requests()).isEqualTo(7);
      assertThat(r.ok()).isEqualTo(5);
      assertThat(r.errorsByStatus()).isEqualTo(Map.of(400, 1L, 503, 1L));
      assertThat(r.samples()).contains("HTTP 503: 503 busy", "HTTP 400: 400 bad");
      assertThat(r.measured()).isEqualTo(7);
      assertThat(r.latencyMicros().getTotalCount()).isEqualTo(7);
      assertThat(r.exhausted()).isTrue();
      assertThat(r.seconds()).isLessThan(LONG.toSeconds());
      assertThat(r.connectionsLost() + r.requestsLost() + r.unanswered()).isZero();
    }
  }

  @Test
  void run_cycling_measuresOnlyInsideTheMeasuredPeriod() throws Exception {
    try (TestServer server = new TestServer(1);
        RequestSet set = Requests.set("a", "b")) {
      LoadResult r =
          client.run(
              LoadPlan.of(
                  "cycling",
                  server.address(),
                  2,
                  set.cycling(),
                  Duration.ofMillis(300),
                  Duration.ofMillis(300)));

      assertThat(r.exhausted()).isFalse();
      assertThat(r.seconds()).isEqualTo(0.3);
      assertThat(r.measured()).isPositive();
      // the warm-up's answers are counted as answers, not as measured ones
      assertThat(r.ok()).isGreaterThan(r.measured());
      assertThat(r.ok()).isEqualTo(server.requests());
    }
  }

  @Test
  void run_withInFlight_pipelinesThatManyRequestsPerConnection() throws Exception {
    // The server answers only once four requests wait on a connection: a closed loop stalls.
    try (TestServer server = new TestServer(4)) {
      LoadPlan plan =
          LoadPlan.perConnection(
                  "pipelined",
                  server.address(),
                  2,
                  i -> new Numbered(i, 8, new ConcurrentLinkedQueue<>()),
                  Duration.ZERO,
                  Duration.ofMillis(300))
              .withDrain(Duration.ofMillis(300));

      LoadResult pipelined = client.run(plan.withInFlight(4));
      LoadResult closedLoop = client.run(plan);

      assertThat(pipelined.ok()).isEqualTo(16);
      assertThat(pipelined.unanswered()).isZero();
      assertThat(closedLoop.ok()).isZero();
      assertThat(closedLoop.unanswered()).isEqualTo(2);
      assertThat(closedLoop.samples()).anyMatch(s -> s.contains("2 requests still unanswered"));
      assertThat(closedLoop.connectionsLost()).isZero();
    }
  }

  @Test
  void run_readingAnswers_handsEachConnectionItsAnswersInOrder() throws Exception {
    List<Conversation> conversations = new ArrayList<>();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    try (TestServer server = new TestServer(1)) {
      LoadPlan plan =
          LoadPlan.perConnection(
                  "answers",
                  server.address(),
                  3,
                  i -> {
                    Numbered c = new Numbered(i, 20, problems);
                    synchronized (conversations) {
                      conversations.add(c);
                    }
                    return c;
                  },
                  Duration.ZERO,
                  LONG)
              .withInFlight(5)
              .readingAnswers();

      LoadResult r = client.run(plan);

      assertThat(problems).isEmpty();
      assertThat(r.ok()).isEqualTo(60);
      assertThat(conversations).allMatch(c -> ((Numbered) c).answered == 20);
    }
  }

  @Test
  void run_connectionClosedByTheServer_isLostWithItsRequestsInFlight() throws Exception {
    try (TestServer server = new TestServer(1);
        RequestSet set = Requests.set("close", "b", "c", "d", "e")) {
      LoadResult r =
          client.run(
              LoadPlan.of("lost", server.address(), 1, set.inOrder(), Duration.ZERO, LONG)
                  .withInFlight(3));

      assertThat(r.ok()).isZero();
      assertThat(r.connectionsLost()).isEqualTo(1);
      assertThat(r.requestsLost()).isEqualTo(3);
      assertThat(r.samples()).contains("a connection closed while waiting for an answer");
    }
  }

  @Test
  void connect_toAPortNobodyListensOn_failsNamingTheTarget() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    InetSocketAddress nowhere = new InetSocketAddress("127.0.0.1", port);
    Conversation none = () -> null;

    assertThatThrownBy(
            () -> client.connect(LoadPlan.of("nowhere", nowhere, 2, none, Duration.ZERO, LONG)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot connect to " + nowhere);
  }

  @Test
  void start_twice_isRefused() throws Exception {
    try (TestServer server = new TestServer(1);
        RequestSet set = Requests.set("a");
        Load load =
            client.connect(
                LoadPlan.of("twice", server.address(), 1, set.inOrder(), Duration.ZERO, LONG))) {
      load.start();

      assertThatThrownBy(load::start).hasMessageContaining("twice has started already");
      assertThat(load.await().ok()).isEqualTo(1);
    }
  }

  /**
   * Sends "i-0", "i-1", … and checks that answer k echoes "i-k" with {@code x-seq} k, and that its
   * times are in order.
   */
  private static final class Numbered implements Conversation {
    private final int connection;
    private final int count;
    private final ConcurrentLinkedQueue<String> problems;
    private int sent;
    volatile int answered;

    Numbered(int connection, int count, ConcurrentLinkedQueue<String> problems) {
      this.connection = connection;
      this.count = count;
      this.problems = problems;
    }

    @Override
    public ByteBuf next() {
      return sent == count
          ? null
          : Unpooled.wrappedBuffer(Requests.post(connection + "-" + sent++));
    }

    @Override
    public void answered(Answer a) {
      int k = answered;
      if (!a.bodyText().equals(connection + "-" + k) || !a.header("X-SEQ").equals("" + k)) {
        problems.add("answer " + k + " of " + connection + ": " + a.bodyText() + " " + a.headers());
      }
      if (!(a.sentNanos() <= a.headNanos() && a.headNanos() <= a.answeredNanos())) {
        problems.add("times out of order: " + a);
      }
      if (a.heldNanos() > a.latencyNanos()) {
        problems.add("held longer than its latency: " + a);
      }
      answered = k + 1;
    }
  }
}
