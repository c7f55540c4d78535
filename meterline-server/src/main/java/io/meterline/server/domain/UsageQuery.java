package io.meterline.server.domain;

import java.time.Instant;

/**
 * A filter on the ledger; {@code null} members do not filter. Entries come in the ledger's order:
 * by hour, then product, account, dimension and the identity that reported them.
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

  /** The position of an entry in the ledger's order, which is unique: it holds the dedup key. */
  public record After(
      Instant hour, String productCode, String awsAccountId, String dimension, String scope) {
    /** The position of this entry. */
    public static After of(LedgerEntry e) {
      return new After(
          e.key().hour(),
          e.key().productCode(),
          e.awsAccountId(),
          e.key().dimension(),
          e.key().scope());
    }
  }
}
