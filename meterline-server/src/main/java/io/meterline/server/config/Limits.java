package io.meterline.server.config;

import java.time.Duration;

/**
 * The time windows and lifetimes of SPEC §1.1, as configuration.
 *
 * @param meterUsagePast how far in the past a MeterUsage timestamp may lie (6 h)
 * @param meterUsageFuture how far in the future it may lie (5 min)
 * @param batchPast how far in the past a BatchMeterUsage timestamp may lie (24 h)
 * @param batchFuture how far in the future it may lie (5 min)
 * @param registrationTokenTtl how long a SaaS registration token resolves (4 h)
 * @param credentialTtl how long temporary task credentials live, in real time (6 h)
 * @param signatureSkew how far a request's signing time may be from real time (15 min)
 * @param taskSweep how often running tasks whose credentials went unrefreshed past expiry are
 *     looked for and stopped
 */
public record Limits(
    Duration meterUsagePast,
    Duration meterUsageFuture,
    Duration batchPast,
    Duration batchFuture,
    Duration registrationTokenTtl,
    Duration credentialTtl,
    Duration signatureSkew,
    Duration taskSweep) {

  /** These limits with another lifetime of temporary credentials. */
  public Limits withCredentialTtl(Duration ttl) {
    return new Limits(
        meterUsagePast,
        meterUsageFuture,
        batchPast,
        batchFuture,
        registrationTokenTtl,
        ttl,
        signatureSkew,
        taskSweep);
  }

  /** These limits with another interval between sweeps for abandoned tasks. */
  public Limits withTaskSweep(Duration interval) {
    return new Limits(
        meterUsagePast,
        meterUsageFuture,
        batchPast,
        batchFuture,
        registrationTokenTtl,
        credentialTtl,
        signatureSkew,
        interval);
  }

  /** AWS's values (reference/aws-metering-facts.md §4.1, SPEC §1.1). */
  public static Limits defaults() {
    return new Limits(
        Duration.ofHours(6),
        Duration.ofMinutes(5),
        Duration.ofHours(24),
        Duration.ofMinutes(5),
        Duration.ofHours(4),
        Duration.ofHours(6),
        Duration.ofMinutes(15),
        Duration.ofSeconds(30));
  }
}
