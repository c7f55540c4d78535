package io.meterline.server.domain;

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

  /** Whether the subscription is active at this instant of service time. */
  public boolean isActiveAt(Instant instant) {
    return !instant.isBefore(startedAt) && (endedAt == null || instant.isBefore(endedAt));
  }
}
