package io.meterline.load;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A {@link LoadPlan}'s connections, open, and the run over them: {@link #start} starts the clock
 * and the requests, {@link #await} waits for the end and returns the result. {@link LoadClient#run}
 * does all three; a caller that runs several plans at once, or reads the machine at the edges of
 * the measured period, calls them itself.
 *
 * <p>Notes on the design:
 *
 * <ul>
 *   <li>All connections are opened before the clock starts; then each sends as many requests as the
 *       plan keeps in flight, and one more for each answer, until the measured period ends or its
 *       conversation has no more.
 *   <li>Each connection remembers when its requests left, in order; an answer belongs to the
 *       oldest, as HTTP/1.1 answers a connection's requests in turn.
 *   <li>Counters and the latency histogram are kept per event loop, so the connections of one loop
 *       share them without locking, and a run of thousands of connections does not hold a histogram
 *       for each; they are merged once every connection is closed.
 *   <li>After the drain, requests still in flight are abandoned with their connections and counted
 *       as unanswered, not lost.
 * </ul>
 */
public final class Load implements AutoCloseable {
  static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(120);
  private static final int MAX_SAMPLES = 8;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final LoadPlan plan;
  private final List<ConnectionHandler> handlers = new ArrayList<>();
  private final Map<EventLoop, Tally> tallies = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
  private final CountDownLatch done;
  private volatile long measureStart;
  private volatile long measureEnd = Long.MAX_VALUE;
  private volatile boolean exhausted;
  private boolean started;
  private boolean closed;

  Load(LoadPlan plan) {
    this.plan = plan;
    this.done = new CountDownLatch(plan.connections());
  }

  /** The plan this load runs. */
  public LoadPlan plan() {
    return plan;
  }

  /** Starts the clock: the warm-up begins now, and each connection sends its first requests. */
  public Load start() {
    if (started) {
      throw new IllegalStateException(plan.name() + " has started already");
    }
    if (closed) {
      throw new IllegalStateException(plan.name() + " is closed");
    }
    started = true;
    long now = System.nanoTime();
    measureStart = now + plan.warmup().toNanos();
    measureEnd = measureStart + plan.measure().toNanos();
    for (ConnectionHandler h : handlers) {
      h.channel().eventLoop().execute(h::begin);
    }
    return this;
  }

  /** When the measured period starts ({@link System#nanoTime}); set by {@link #start}. */
  public long measureStartNanos() {
    requireStarted();
    return measureStart;
  }

  /** When the measured period ends ({@link System#nanoTime}); set by {@link #start}. */
  public long measureEndNanos() {
    requireStarted();
    return measureEnd;
  }

  /**
   * Waits until every connection is done (nothing more to send, nothing in flight) or {@link
   * System#nanoTime} reaches the deadline; whether they are all done.
   */
  public boolean awaitUntil(long deadlineNanos) throws InterruptedException {
    return done.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /**
   * Waits for the end of the run (every connection done, or the drain over), closes the connections
   * and returns the result.
   */
  public LoadResult await() throws InterruptedException {
    requireStarted();
    awaitUntil(measureEnd + plan.drain().toNanos());
    close();
    return result();
  }

  /**
   * Closes the connections, abandoning the requests still in flight; closing again does nothing.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<ConnectionHandler> attached =
        handlers.stream().filter(ConnectionHandler::attached).toList();
    for (ConnectionHandler h : attached) {
      h.channel().eventLoop().execute(h::abandon);
    }
    for (ConnectionHandler h : attached) {
      h.channel().closeFuture().awaitUninterruptibly(CLOSE_WAIT.toMillis());
    }
    // The connections' last events run on their loops; a task queued behind them marks their end.
    for (EventLoop loop : tallies.keySet()) {
      loop.submit(() -> {}).awaitUninterruptibly(CLOSE_WAIT.toMillis());
    }
  }

  private LoadResult result() {
    Histogram latency = new Histogram(HIGHEST_MICROS, 3);
    Map<Integer, Long> errors = new TreeMap<>();
    long measured = 0;
    long ok = 0;
    long lost = 0;
    long requestsLost = 0;
    long unanswered = 0;
    long lastMeasured = 0;
    for (Tally t : tallies.values()) {
      latency.add(t.latency);
      measured += t.measured;
      ok += t.ok;
      lost += t.connectionsLost;
      requestsLost += t.requestsLost;
      unanswered += t.unanswered;
      lastMeasured = Math.max(lastMeasured, t.lastMeasuredAt);
      t.errors.forEach((status, n) -> errors.merge(status, n, Long::sum));
    }
    if (unanswered > 0) {
      sample(
          String.format(
              Locale.ROOT,
              "%,d requests still unanswered %d s after the measured period",
              unanswered,
              plan.drain().toSeconds()));
    }
    long end = measureEnd;
    if (exhausted) {
      end = lastMeasured > 0 ? Math.min(lastMeasured, measureEnd) : measureStart;
    }
    return new LoadResult(
        plan.name(),
        measured,
        Math.max(0, end - measureStart) / 1e9,
        latency,
        ok,
        errors,
        lost,
        requestsLost,
        unanswered,
        exhausted,
        List.copyOf(samples));
  }

  private void requireStarted() {
    if (!started) {
      throw new IllegalStateException(plan.name() + " has not started");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // For the connections.

  ConnectionHandler newHandler(int connection) {
    Conversation conversation = plan.conversations().apply(connection);
    if (conversation == null) {
      throw new IllegalStateException("no conversation for connection " + connection);
    }
    ConnectionHandler h = new ConnectionHandler(this, conversation, plan.inFlight());
    handlers.add(h);
    return h;
  }

  Tally tally(EventLoop loop) {
    return tallies.computeIfAbsent(loop, l -> new Tally());
  }

  long measureStart() {
    return measureStart;
  }

  long measureEnd() {
    return measureEnd;
  }

  /** A conversation ran out of requests before the measured period ended. */
  void ranOut() {
    exhausted = true;
  }

  /** A connection has nothing more to send and nothing in flight. */
  void connectionDone() {
    done.countDown();
  }

  /** Keeps a description of something that went wrong, if it is new and there are few. */
  void sample(String text) {
    if (samples.size() < MAX_SAMPLES && !samples.contains(text)) {
      samples.add(text);
    }
  }

  /** What the connections of one event loop counted; touched only on that loop. */
  static final class Tally {
    final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
    final Map<Integer, Long> errors = new TreeMap<>();
    long measured;
    long ok;
    long lastMeasuredAt;
    long connectionsLost;
    long requestsLost;
    long unanswered;
  }
}
