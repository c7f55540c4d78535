package io.meterline.server.http;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The {@code Date} header value, formatted once per second. It is always the real time: the SDKs
 * correct their clock skew from it (reference/wire/GOLDEN.md §5.2).
 */
final class DateHeader {
  private final Clock realClock;
  private volatile long second = Long.MIN_VALUE;
  private volatile String value;

  DateHeader(Clock realClock) {
    this.realClock = realClock;
  }

  String now() {
    long now = realClock.millis() / 1000;
    if (now != second) {
      value = DateTimeFormatter.RFC_1123_DATE_TIME.format(
          java.time.Instant.ofEpochSecond(now).atZone(ZoneOffset.UTC));
      second = now;
    }
    return value;
  }
}
