package io.meterline.load;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one run of a {@link LoadPlan} gave.
 *
 * @param name the plan's name
 * @param measured answers that arrived inside the measured period
 * @param seconds the length of the measured period actually covered: shorter than planned when the
 *     conversations ran out of requests
 * @param latencyMicros send-to-answer time of each of those answers, in µs
 * @param ok answers with status 200 over the whole run, warm-up and drain included
 * @param errorsByStatus answers with another status over the whole run, by status
 * @param connectionsLost connections that failed, or that the server closed, while requests were
 *     still to be sent or answered
 * @param requestsLost requests in flight on those connections when they were lost
 * @param unanswered requests still in flight when the drain ended (they are then abandoned)
 * @param exhausted whether a conversation ran out of requests before the measured period ended
 * @param samples a few distinct descriptions of what went wrong (error bodies, lost connections)
 */
public record LoadResult(
    String name,
    long measured,
    double seconds,
    Histogram latencyMicros,
    long ok,
    Map<Integer, Long> errorsByStatus,
    long connectionsLost,
    long requestsLost,
    long unanswered,
    boolean exhausted,
    List<String> samples) {

  public LoadResult {
    errorsByStatus = Collections.unmodifiableMap(new TreeMap<>(errorsByStatus));
    samples = List.copyOf(samples);
  }

  /** Answers per second over the measured period. */
  public double rate() {
    return seconds > 0 ? measured / seconds : 0;
  }

  /** Answers other than 200, over the whole run. */
  public long errorAnswers() {
    return errorsByStatus.values().stream().mapToLong(Long::longValue).sum();
  }
}
