package io.meterline.server.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * An AWS account known to the marketplace: a buyer, a seller or both.
 *
 * @param customerIdentifier the SaaS customer identifier minted for it
 */
public record Account(String awsAccountId, String customerIdentifier, Instant createdAt) {
  public Account {
    Objects.requireNonNull(awsAccountId, "awsAccountId");
    Objects.requireNonNull(customerIdentifier, "customerIdentifier");
  }
}
