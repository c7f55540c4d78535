package io.meterline.server.metering;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** The windows usage timestamps must fall in (SPEC §1.1; facts §4.1), in service time. */
final class TimestampWindow {
  private TimestampWindow() {}

  /** Null when the timestamp is in [now - past, now + future], else the error. */
  static ServiceException check(Instant timestamp, Instant now, Duration past, Duration future) {
    Instant earliest = now.minus(past);
    Instant latest = now.plus(future);
    if (timestamp.isBefore(earliest) || timestamp.isAfter(latest)) {
      return ErrorCode.TIMESTAMP_OUT_OF_BOUNDS.exception(
          "Timestamp %s is outside the accepted " + "window from %s to %s",
          timestamp, earliest, latest);
    }
    return null;
  }

  /**
   * The BatchMeterUsage window: {@code past} back from now, and no earlier than the current billing
   * month, except that the previous month's usage is taken until 06:00 UTC on the 1st.
   */
  static ServiceException checkBatch(
      Instant timestamp, Instant now, Duration past, Duration future) {
    ServiceException outside = check(timestamp, now, past, future);
    if (outside != null) {
      return outside;
    }
    LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
    Instant monthStart = today.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    boolean inGrace = now.isBefore(monthStart.plus(Duration.ofHours(6)));
    Instant previousMonthStart =
        today.withDayOfMonth(1).minusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant floor = inGrace ? previousMonthStart : monthStart;
    if (timestamp.isBefore(floor)) {
      return ErrorCode.TIMESTAMP_OUT_OF_BOUNDS.exception(
          "Timestamp %s belongs to a billing " + "month that closed at %s",
          timestamp, inGrace ? previousMonthStart : monthStart.plus(Duration.ofHours(6)));
    }
    return null;
  }
}
