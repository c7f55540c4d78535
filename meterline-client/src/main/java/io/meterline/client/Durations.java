package io.meterline.client;

import java.time.Duration;

/** The checks of a duration given to a builder, with messages that name it. */
final class Durations {
  private Durations() {}

  /** {@code d}, if it is 0 or more. */
  static Duration nonNegative(Duration d, String name) {
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0, was " + d);
    }
    return d;
  }

  /** {@code d}, if it is more than 0. */
  static Duration positive(Duration d, String name) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }
}
