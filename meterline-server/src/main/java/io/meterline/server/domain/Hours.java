package io.meterline.server.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Hour buckets: AWS rounds usage timestamps down to the hour (facts §4.2). */
public final class Hours {
  private Hours() {}

  /** The start of the hour the instant falls in. */
  public static Instant startOf(Instant instant) {
    return instant.truncatedTo(ChronoUnit.HOURS);
  }
}
