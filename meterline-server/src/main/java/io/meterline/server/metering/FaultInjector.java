package io.meterline.server.metering;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.Operation;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Faults a seller asks for to exercise their retry and shutdown paths (SPEC §1.1 "Throttling and
 * faults"): per operation, a share of requests is hit; a hit request waits the latency, if one is
 * set, then fails with the error, if one is set.
 */
public final class FaultInjector {
  /**
   * A fault.
   *
   * @param error the error a hit request fails with, {@code null} for latency only
   * @param rate the share of requests hit, 0 to 1
   * @param latencyMs how long a hit request waits first
   */
  public record Fault(ErrorCode error, double rate, long latencyMs) {
    public Fault {
      if (!(rate >= 0.0 && rate <= 1.0)) {
        throw new IllegalArgumentException("rate must be between 0 and 1, was " + rate);
      }
      if (latencyMs < 0) {
        throw new IllegalArgumentException("latencyMs must be >= 0, was " + latencyMs);
      }
      if (error == null && latencyMs == 0) {
        throw new IllegalArgumentException("a fault needs an error, a latency, or both");
      }
    }
  }

  private final Map<Operation, Fault> faults = new ConcurrentHashMap<>();

  /** Sets the fault of one operation, replacing any earlier one. */
  public void set(Operation op, Fault fault) {
    faults.put(op, fault);
  }

  /** Removes every fault. */
  public void clear() {
    faults.clear();
  }

  /** The faults in effect. */
  public Map<Operation, Fault> current() {
    return Map.copyOf(faults);
  }

  /** The fault that hits this request, if one does. */
  public Optional<Fault> roll(Operation op) {
    Fault fault = faults.get(op);
    if (fault == null || ThreadLocalRandom.current().nextDouble() >= fault.rate()) {
      return Optional.empty();
    }
    return Optional.of(fault);
  }
}
