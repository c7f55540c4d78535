package io.meterline.server.billing;

import io.meterline.server.domain.PriceList;
import io.meterline.server.domain.Product;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Which of a product's prices a subscription pays at a moment (SPEC §3.2 "Price changes"; facts
 * §6), one price at a time (hourly, monthly, each dimension), so one change may lower one price at
 * once and raise another later.
 *
 * <p>Each change of the price takes effect for the subscription at the change if the subscription
 * started at or after it, or if the new price is not above what the subscription pays just before
 * it; an increase for an existing subscription takes effect on the first day of the month that
 * begins at least 90 days after the change. A change that has not taken effect for the subscription
 * when the next change comes never does: the seller withdrew that price, and the next change is
 * judged against what the subscription still pays. At any moment the newest change in effect
 * applies.
 */
final class PriceBook {
  private static final long NOTICE_DAYS = 90;

  /** A change of the price, and when it takes effect for this subscription. */
  private record Change(Instant since, BigDecimal price, Instant effective) {}

  // In order of change; a withdrawn change is left out.
  private final List<Change> changes = new ArrayList<>();

  /**
   * The prices of one field for one subscription.
   *
   * @param subscribedAt when the subscription started; {@code null} without one (usage of a free or
   *     preview product), which pays like a subscription as old as the product
   */
  PriceBook(Product product, Instant subscribedAt, Function<PriceList, BigDecimal> field) {
    Instant started = subscribedAt != null ? subscribedAt : product.createdAt();
    BigDecimal listed = null;
    for (PriceList version : product.priceHistory()) {
      BigDecimal price = field.apply(version);
      if (!changes.isEmpty() && same(price, listed)) {
        continue; // the version changed other prices
      }
      listed = price;
      Instant since = version.since();
      // A change still waiting to take effect is withdrawn by this one.
      while (!changes.isEmpty() && changes.get(changes.size() - 1).effective().isAfter(since)) {
        changes.remove(changes.size() - 1);
      }
      BigDecimal paid = changes.isEmpty() ? null : changes.get(changes.size() - 1).price();
      boolean increase = paid != null && price != null && price.compareTo(paid) > 0;
      Instant effective =
          increase && started.isBefore(since) ? firstMonthAfterNotice(since) : since;
      changes.add(new Change(since, price, effective));
    }
  }

  /** The price in force at {@code at}; {@code null} when the product has no such price. */
  BigDecimal at(Instant at) {
    BigDecimal price = changes.get(0).price();
    for (Change c : changes) {
      if (!at.isBefore(c.effective())) {
        price = c.price();
      }
    }
    return price;
  }

  private static boolean same(BigDecimal a, BigDecimal b) {
    return a == null ? b == null : b != null && a.compareTo(b) == 0;
  }

  /** The first day of the month that begins at least 90 days after the change. */
  static Instant firstMonthAfterNotice(Instant changed) {
    ZonedDateTime earliest = changed.plus(NOTICE_DAYS, ChronoUnit.DAYS).atZone(ZoneOffset.UTC);
    ZonedDateTime monthStart = earliest.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS);
    return (monthStart.isBefore(earliest) ? monthStart.plusMonths(1) : monthStart).toInstant();
  }
}
