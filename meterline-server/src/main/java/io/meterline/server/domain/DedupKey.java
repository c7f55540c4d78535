package io.meterline.server.domain;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * What makes usage the same usage: one record per identity, product, dimension and hour
 * (reference/aws-metering-facts.md §4.2; SPEC §1.1 "Dedup grain").
 *
 * @param scope the identity: {@code task/<id>} for MeterUsage, {@code customer/<account>} for
 *     BatchMeterUsage
 * @param hour the start of the hour the usage falls in
 */
public record DedupKey(String scope, String productCode, String dimension, Instant hour)
    implements Comparable<DedupKey> {
  // The order rows are written in, the same in every transaction, so that concurrent
  // PostgreSQL transactions take their row locks in one order.
  private static final Comparator<DedupKey> ORDER =
      Comparator.comparing(DedupKey::scope)
          .thenComparing(DedupKey::productCode)
          .thenComparing(DedupKey::dimension)
          .thenComparing(DedupKey::hour);

  public DedupKey {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(dimension, "dimension");
    Objects.requireNonNull(hour, "hour");
  }

  @Override
  public int compareTo(DedupKey other) {
    return ORDER.compare(this, other);
  }
}
