package io.meterline.server.billing;

import io.meterline.server.domain.PriceList;
import io.meterline.server.domain.Product;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Which of a product's prices a subscription pays at a moment (SPEC §3.2 "Price changes"; facts
 * §6): each version of the price list is in force for the subscription from its change if the
 * subscription started at or after the change, or if the new price is not above the one in force
 * for the subscription just before the change; an increase for an existing subscription is in force
 * from the first day of the month that begins at least 90 days after the change. At any moment the
 * newest version in force applies. Prices are compared one by one (hourly, monthly, each
 * dimension), so one change may lower one price at once and raise another later.
 */
final class PriceBook {
  private static final long NOTICE_DAYS = 90;

  private final List<PriceList> versions;
  private final Instant subscribedAt;
  private final Function<PriceList, BigDecimal> field;
  private final Map<Integer, BigDecimal> justBefore = new HashMap<>();

  /**
   * The prices of one field for one subscription.
   *
   * @param subscribedAt when the subscription started; {@code null} without one (usage of a free or
   *     preview product), which pays like a subscription as old as the product
   */
  PriceBook(Product product, Instant subscribedAt, Function<PriceList, BigDecimal> field) {
    this.versions = product.priceHistory();
    this.subscribedAt = subscribedAt != null ? subscribedAt : product.createdAt();
    this.field = field;
  }

  /** The price in force at {@code at}; {@code null} when the product has no such price. */
  BigDecimal at(Instant at) {
    return field.apply(versions.get(newestInForce(at, versions.size())));
  }

  private int newestInForce(Instant at, int below) {
    int newest = 0;
    for (int i = 1; i < below; i++) {
      if (inForce(i, at)) {
        newest = i;
      }
    }
    return newest;
  }

  private boolean inForce(int version, Instant at) {
    Instant changed = versions.get(version).since();
    if (at.isBefore(changed)) {
      return false;
    }
    if (!subscribedAt.isBefore(changed)) {
      return true;
    }
    BigDecimal price = field.apply(versions.get(version));
    BigDecimal before = justBefore(version);
    return price == null
        || before == null
        || price.compareTo(before) <= 0
        || !at.isBefore(firstMonthAfterNotice(changed));
  }

  // What the subscription paid just before the change: only earlier versions can be in force.
  private BigDecimal justBefore(int version) {
    return justBefore.computeIfAbsent(
        version,
        v -> {
          Instant moment = versions.get(v).since().minusNanos(1);
          return field.apply(versions.get(newestInForce(moment, v)));
        });
  }

  /** The first day of the month that begins at least 90 days after the change. */
  static Instant firstMonthAfterNotice(Instant changed) {
    ZonedDateTime earliest = changed.plus(NOTICE_DAYS, ChronoUnit.DAYS).atZone(ZoneOffset.UTC);
    ZonedDateTime monthStart = earliest.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS);
    return (monthStart.isBefore(earliest) ? monthStart.plusMonths(1) : monthStart).toInstant();
  }
}
