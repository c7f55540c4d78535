package io.meterline.server.ledger;

import java.time.Instant;

/**
 * A filter on the ledger; {@code null} members do not filter.
 *
 * @param from the earliest hour to include
 * @param to the hour before which to stop (exclusive)
 */
public record UsageQuery(
    String productCode, String awsAccountId, Instant from, Instant to, int limit) {
  public UsageQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
  }
}
