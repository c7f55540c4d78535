package io.meterline.server.calls;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

/**
 * The last data-plane calls, accepted or refused, kept in memory (SPEC §3.1 "Call log"): what
 * CloudTrail would tell a seller, minutes sooner. A ring of fixed size: adding a call is one atomic
 * increment and one write, so the request path pays next to nothing; the oldest call gives way.
 */
public final class CallLog {
  private final AtomicReferenceArray<CallRecord> ring;
  private final AtomicLong added = new AtomicLong();
  private final Clock realClock;
  private final Clock serviceClock;

  /**
   * @param size how many calls are kept; 0 keeps none
   */
  public CallLog(int size, Clock realClock, Clock serviceClock) {
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
    this.ring = new AtomicReferenceArray<>(size);
    this.realClock = realClock;
    this.serviceClock = serviceClock;
  }

  /** Opens a call that arrives now. */
  public Call open(String requestId, String operation) {
    return new Call(this, requestId, realClock.instant(), serviceClock.instant(), operation);
  }

  void add(CallRecord record) {
    if (ring.length() > 0) {
      ring.set((int) (added.getAndIncrement() % ring.length()), record);
    }
  }

  /** The newest calls that pass the filter, at most {@code limit}, newest first. */
  public List<CallRecord> newest(Predicate<CallRecord> filter, int limit) {
    List<CallRecord> found = new ArrayList<>();
    long last = added.get() - 1;
    long first = Math.max(0, last - ring.length() + 1);
    for (long i = last; i >= first && found.size() < limit; i--) {
      CallRecord r = ring.get((int) (i % ring.length()));
      if (r != null && filter.test(r)) {
        found.add(r);
      }
    }
    return found;
  }

  /** How many calls it keeps at most. */
  public int capacity() {
    return ring.length();
  }
}
