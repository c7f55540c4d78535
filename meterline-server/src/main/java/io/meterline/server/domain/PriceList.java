package io.meterline.server.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One version of a product's prices, as a seller set them at {@code since} (service time): the
 * first version is the product's creation, each later one a price change (SPEC §3.2 "Price
 * changes"). Which version a subscription pays is the billing engine's rule.
 *
 * @param hourlyPrice per task-hour, HOURLY products only
 * @param monthlyPrice per subscription-month, MONTHLY products only
 * @param dimensions the price of each dimension, by name
 */
public record PriceList(
    Instant since,
    BigDecimal hourlyPrice,
    BigDecimal monthlyPrice,
    Map<String, BigDecimal> dimensions) {

  public PriceList {
    Objects.requireNonNull(since, "since");
    dimensions = Map.copyOf(dimensions);
  }
}
