package io.meterline.server.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A buyer's subscription to a product.
 *
 * @param endedAt when the buyer unsubscribed; {@code null} while active
 * @param tokenExpiresAt when the SaaS registration token stops resolving; {@code null} for
 *     container products
 */
public record Subscription(
    String subscriptionId,
    String productCode,
    String awsAccountId,
    Instant startedAt,
    Instant endedAt,
    Instant tokenExpiresAt,
    List<ContractLine> contract) {

  public Subscription {
    Objects.requireNonNull(subscriptionId, "subscriptionId");
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(awsAccountId, "awsAccountId");
    Objects.requireNonNull(startedAt, "startedAt");
    contract = List.copyOf(contract);
  }

  /**
   * How long a SaaS subscription ended through the admin API still takes BatchMeterUsage records
   * (the {@code unsubscribe-pending} window, SPEC §3.5).
   */
  public static final Duration UNSUBSCRIBE_PENDING = Duration.ofHours(1);

  /**
   * Whether a BatchMeterUsage record timed at {@code recordTime} and received at {@code now}
   * (service time) counts for this SaaS subscription: timed from its start on, and, once it has
   * ended, timed and received within the pending window after the end.
   */
  public boolean takesRecord(Instant recordTime, Instant now) {
    if (recordTime.isBefore(startedAt)) {
      return false;
    }
    if (endedAt == null) {
      return true;
    }
    Instant closes = endedAt.plus(UNSUBSCRIBE_PENDING);
    return recordTime.isBefore(closes) && now.isBefore(closes);
  }

  /** Whether the subscription is active at this instant of service time. */
  public boolean isActiveAt(Instant instant) {
    return !instant.isBefore(startedAt) && (endedAt == null || instant.isBefore(endedAt));
  }
}
