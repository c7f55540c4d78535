package io.meterline.server.metering;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Hour buckets: AWS rounds usage timestamps down to the hour (facts §4.2). */
final class Hours {
  private Hours() {}

  static Instant startOf(Instant instant) {
    return instant.truncatedTo(ChronoUnit.HOURS);
  }
}
