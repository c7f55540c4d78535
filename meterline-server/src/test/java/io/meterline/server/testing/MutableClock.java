package io.meterline.server.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real clock that tests can shift: the system time plus an offset. Given to a server as its real
 * clock, it moves what authentication and the {@code Date} header see (credential expiry, SigV4
 * skew) without touching the service's test clock.
 */
public final class MutableClock extends Clock {
  private final Clock base;
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  /** The system UTC clock, not shifted. */
  public MutableClock() {
    this(Clock.systemUTC());
  }

  private MutableClock(Clock base) {
    this.base = base;
  }

  /** Moves the clock by this amount (negative moves it back), on top of earlier shifts. */
  public void shift(Duration amount) {
    offset.updateAndGet(o -> o.plus(amount));
  }

  /** Removes every shift: the clock is the system time again. */
  public void reset() {
    offset.set(Duration.ZERO);
  }

  /** The current shift from the system time. */
  public Duration offset() {
    return offset.get();
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a MutableClock is always UTC");
  }
}
