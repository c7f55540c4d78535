package io.meterline.server.ledger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * How long a task ran, per hour: billed per second with a one-minute minimum (facts §4.5, §6),
 * split at hour boundaries for the ledger.
 */
public final class TaskTime {
  /** The least a task is billed for. */
  public static final Duration MINIMUM = Duration.ofMinutes(1);

  /** Seconds of one hour bucket. */
  public record Slice(Instant hour, long seconds) {}

  private TaskTime() {}

  /**
   * The running time from start to stop in whole seconds (a started second counts), at least the
   * minimum, split into the hours it falls in, oldest first; the slices add up to the total.
   */
  public static List<Slice> split(Instant start, Instant stop) {
    long nanos = Math.max(0, Duration.between(start, stop).toNanos());
    long total = Math.max(MINIMUM.toSeconds(), (nanos + 999_999_999L) / 1_000_000_000L);
    Instant end = start.plusSeconds(total);
    List<Slice> slices = new ArrayList<>();
    long assigned = 0;
    Instant hour = start.truncatedTo(ChronoUnit.HOURS);
    while (hour.isBefore(end)) {
      Instant next = hour.plus(1, ChronoUnit.HOURS);
      Instant from = hour.isAfter(start) ? hour : start;
      Instant to = next.isBefore(end) ? next : end;
      // Whole seconds per hour; the last hour takes what rounding left, so the sum is exact.
      long seconds = to.equals(end) ? total - assigned : Duration.between(from, to).toSeconds();
      if (seconds > 0) {
        slices.add(new Slice(hour, seconds));
        assigned += seconds;
      }
      hour = next;
    }
    return slices;
  }
}
