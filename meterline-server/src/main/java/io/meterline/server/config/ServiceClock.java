package io.meterline.server.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Service time: the clock of the business (timestamp windows, hour buckets, token lifetimes, task
 * time), as opposed to the real time that authentication uses (SPEC §1.1 "Two clocks").
 *
 * <p>It is the real time, unless the server runs with {@code --test-clock}: then it starts at the
 * real time and moves only when told to, forwards or backwards.
 */
public final class ServiceClock extends Clock {
  private final Clock real;
  private final AtomicReference<Instant> frozen;

  private ServiceClock(Clock real, Instant frozenAt) {
    this.real = real;
    this.frozen = frozenAt == null ? null : new AtomicReference<>(frozenAt);
  }

  /** Service time that follows the given real clock. */
  public static ServiceClock following(Clock real) {
    return new ServiceClock(real, null);
  }

  /** A test clock that starts at the real clock's present and moves only when told to. */
  public static ServiceClock testClock(Clock real) {
    return new ServiceClock(real, real.instant().truncatedTo(ChronoUnit.MILLIS));
  }

  /** Whether this is a test clock that can be set. */
  public boolean isTestClock() {
    return frozen != null;
  }

  /** The service time, to the millisecond (the precision the ledger keeps). */
  @Override
  public Instant instant() {
    return frozen == null ? real.instant().truncatedTo(ChronoUnit.MILLIS) : frozen.get();
  }

  /** Sets a test clock to the given instant; returns it. */
  public Instant set(Instant now) {
    requireTestClock();
    Instant millis = now.truncatedTo(ChronoUnit.MILLIS);
    frozen.set(millis);
    return millis;
  }

  /** Moves a test clock by the given amount (negative moves it back); returns the new time. */
  public Instant advance(Duration amount) {
    requireTestClock();
    return frozen.updateAndGet(t -> t.plus(amount).truncatedTo(ChronoUnit.MILLIS));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("service time is always UTC");
  }

  private void requireTestClock() {
    if (frozen == null) {
      throw new IllegalStateException(
          "the service clock follows real time; start the server " + "with --test-clock to set it");
    }
  }
}
