package io.meterline.server.http;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The {@code Date} header value, formatted once per second. It is always the real time: the SDKs
 * correct their clock skew from it (reference/wire/GOLDEN.md §5.2).
 */
final class DateHeader {
  private record Formatted(long second, String value) {}

  private final Clock realClock;
  private volatile Formatted current = new Formatted(Long.MIN_VALUE, "");

  DateHeader(Clock realClock) {
    this.realClock = realClock;
  }

  String now() {
    long second = Math.floorDiv(realClock.millis(), 1000);
    Formatted f = current;
    if (f.second() != second) {
      f =
          new Formatted(
              second,
              DateTimeFormatter.RFC_1123_DATE_TIME.format(
                  Instant.ofEpochSecond(second).atZone(ZoneOffset.UTC)));
      current = f;
    }
    return f.value();
  }
}
