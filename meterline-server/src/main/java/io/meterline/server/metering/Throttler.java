package io.meterline.server.metering;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.Operation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token-bucket quotas per (account, region, operation), as AWS enforces them (facts §4.9). Each
 * bucket holds one second's worth of requests and refills continuously, in real time.
 */
public final class Throttler {
  private final Map<Operation, Double> perSecond;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** Quotas per operation; an operation without one is not throttled. */
  public Throttler(Map<Operation, Double> perSecond, LongSupplier nanoTime) {
    this.perSecond = Map.copyOf(perSecond);
    this.nanoTime = nanoTime;
  }

  /** Whether any quota is set. */
  public boolean isEnabled() {
    return !perSecond.isEmpty();
  }

  /**
   * Takes one request from the caller's bucket.
   *
   * @throws io.meterline.wire.ServiceException ThrottlingException when the bucket is empty
   */
  public void acquire(String awsAccountId, String region, Operation op) {
    Double rate = perSecond.get(op);
    if (rate == null) {
      return;
    }
    Bucket bucket =
        buckets.computeIfAbsent(
            awsAccountId + "/" + region + "/" + op, k -> new Bucket(rate, nanoTime.getAsLong()));
    if (!bucket.tryTake(nanoTime.getAsLong())) {
      throw ErrorCode.THROTTLING.exception(
          "Rate exceeded: %s allows %s requests per second per " + "account and region",
          op.wireName(), rate);
    }
  }

  private static final class Bucket {
    private final double capacity;
    private final double perNano;
    private double tokens;
    private long last;

    Bucket(double perSecond, long now) {
      this.capacity = Math.max(1.0, perSecond);
      this.perNano = perSecond / 1e9;
      this.tokens = capacity;
      this.last = now;
    }

    synchronized boolean tryTake(long now) {
      tokens = Math.min(capacity, tokens + (now - last) * perNano);
      last = now;
      if (tokens >= 1.0) {
        tokens -= 1.0;
        return true;
      }
      return false;
    }
  }
}
