package io.meterline.load;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * One load to run: how many connections to open to which server, what each sends, how many of its
 * requests may be in flight at once, and the periods of the run.
 *
 * <p>The run starts once every connection is open. Answers arriving in the warm-up are counted but
 * not timed; those arriving in the measured period after it are counted and timed. When the
 * measured period ends no request is sent any more, and the client waits up to {@code drain} for
 * the answers still due.
 *
 * @param name what the run is called in its result
 * @param target the server
 * @param connections keep-alive connections to open
 * @param inFlight requests each connection keeps in flight: 1 is a closed loop (the next request
 *     leaves when the answer to the previous one has arrived), more is HTTP/1.1 pipelining
 * @param conversations what connection {@code i} (from 0) sends and does with its answers
 * @param warmup the period before the measured one
 * @param measure the measured period
 * @param drain how long to wait for the answers still due after the measured period
 * @param readAnswers whether each answer's headers and body are read and handed to {@link
 *     Conversation#answered}; when not, only its status line and {@code Content-Length} are read
 */
public record LoadPlan(
    String name,
    InetSocketAddress target,
    int connections,
    int inFlight,
    IntFunction<? extends Conversation> conversations,
    Duration warmup,
    Duration measure,
    Duration drain,
    boolean readAnswers) {
  private static final Duration DEFAULT_DRAIN = Duration.ofSeconds(60);
  private static final int MAX_IN_FLIGHT = 1024;

  public LoadPlan {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(conversations, "conversations");
    if (connections < 1) {
      throw new IllegalArgumentException("connections must be >= 1, was " + connections);
    }
    if (inFlight < 1 || inFlight > MAX_IN_FLIGHT) {
      throw new IllegalArgumentException(
          "inFlight must be 1.." + MAX_IN_FLIGHT + " requests per connection, was " + inFlight);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup must be >= 0, was " + warmup);
    }
    if (measure.isNegative() || measure.isZero()) {
      throw new IllegalArgumentException("measure must be > 0, was " + measure);
    }
    if (drain.isNegative()) {
      throw new IllegalArgumentException("drain must be >= 0, was " + drain);
    }
  }

  /**
   * A closed loop over {@code connections} connections that all take their requests from one
   * conversation, such as {@link RequestSet#inOrder}; answers are read only for their status.
   */
  public static LoadPlan of(
      String name,
      InetSocketAddress target,
      int connections,
      Conversation shared,
      Duration warmup,
      Duration measure) {
    Objects.requireNonNull(shared, "shared");
    return perConnection(name, target, connections, i -> shared, warmup, measure);
  }

  /** A closed loop over {@code connections} connections, each with its own conversation. */
  public static LoadPlan perConnection(
      String name,
      InetSocketAddress target,
      int connections,
      IntFunction<? extends Conversation> conversations,
      Duration warmup,
      Duration measure) {
    return new LoadPlan(
        name, target, connections, 1, conversations, warmup, measure, DEFAULT_DRAIN, false);
  }

  /** This plan with {@code n} requests in flight per connection. */
  public LoadPlan withInFlight(int n) {
    return new LoadPlan(
        name, target, connections, n, conversations, warmup, measure, drain, readAnswers);
  }

  /** This plan waiting at most {@code d} for the answers due after the measured period. */
  public LoadPlan withDrain(Duration d) {
    return new LoadPlan(
        name, target, connections, inFlight, conversations, warmup, measure, d, readAnswers);
  }

  /** This plan reading every answer whole and handing it to its conversation. */
  public LoadPlan readingAnswers() {
    return new LoadPlan(
        name, target, connections, inFlight, conversations, warmup, measure, drain, true);
  }
}
