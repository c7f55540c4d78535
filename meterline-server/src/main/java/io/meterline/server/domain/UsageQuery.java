package io.meterline.server.domain;

import java.time.Instant;

/**
 * A filter on the ledger; {@code null} members do not filter. Entries come in the ledger's order:
 * by hour, then in the order the store keeps them within the hour.
 *
 * @param from the earliest hour to include
 * @param to the hour before which to stop (exclusive)
 * @param after where the previous page ended: only entries after it in the ledger's order
 */
public record UsageQuery(
    String productCode, String awsAccountId, Instant from, Instant to, int limit, After after) {
  public UsageQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
  }

  /** The first page of a filter. */
  public UsageQuery(String productCode, String awsAccountId, Instant from, Instant to, int limit) {
    this(productCode, awsAccountId, from, to, limit, null);
  }

  /**
   * Where an entry stands in the ledger's order: its hour, then its place among the hour's entries
   * as the store keeps them (opaque: the store's row number or the record id).
   */
  public record After(Instant hour, String position) {}
}
