package io.meterline.server.platform;

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
   * minimum, split into the hours it falls in, oldest first.
   */
  public static List<Slice> split(Instant start, Instant stop) {
    long from = start.getEpochSecond();
    long to = stop.getEpochSecond() + (stop.getNano() > 0 ? 1 : 0);
    to = Math.max(to, from + MINIMUM.toSeconds());
    List<Slice> slices = new ArrayList<>();
    Instant hour = start.truncatedTo(ChronoUnit.HOURS);
    while (hour.getEpochSecond() < to) {
      long hourEnd = hour.getEpochSecond() + 3600;
      long seconds = Math.min(to, hourEnd) - Math.max(from, hour.getEpochSecond());
      if (seconds > 0) {
        slices.add(new Slice(hour, seconds));
      }
      hour = hour.plus(1, ChronoUnit.HOURS);
    }
    return slices;
  }
}
