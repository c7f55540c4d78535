package io.meterline.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: attempt n waits a random time in [0, min(cap, base·2ⁿ)).
 */
record Backoff(Duration base, Duration cap) {
  Backoff {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < base <= cap, was base " + base + ", cap " + cap);
    }
  }

  /** The wait before retry number {@code attempt} (1 for the first retry). */
  Duration delay(int attempt) {
    long ceiling = base.toMillis() << Math.min(attempt - 1, 30);
    long bound = Math.min(cap.toMillis(), ceiling <= 0 ? cap.toMillis() : ceiling);
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(Math.max(1, bound)));
  }
}
