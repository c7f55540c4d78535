package io.meterline.server.billing;

import io.meterline.server.billing.Invoice.Kind;
import io.meterline.server.billing.Invoice.Line;
import io.meterline.server.domain.ContractLine;
import io.meterline.server.domain.Dimension;
import io.meterline.server.domain.PriceList;
import io.meterline.server.domain.Pricing;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Subscription;
import io.meterline.server.domain.UsageSource;
import io.meterline.server.store.UsageRecordsTable.HourTotal;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The pricing of one product's usage by one buyer in one month (SPEC §3.2): hour by hour, each
 * hour's usage at the price its subscription paid then, less what a contract prepaid; then the
 * charges summed into invoice lines.
 *
 * <p>Notes on the rules where the specification leaves a choice:
 *
 * <ul>
 *   <li>An hour's usage falls under the newest subscription that started before the hour ended (a
 *       task admitted under a subscription that ended keeps running, and billed, under it), at the
 *       price in force at the end of the hour: the ledger keeps usage by the hour, and a price
 *       change made during an hour applies to the whole of it.
 *   <li>A contract per MONTH covers the month's first units, in the order of their hours; a
 *       contract per HOUR covers each hour's first units. A CONTRACT product's contract (no period)
 *       covers like one per MONTH: units metered beyond it are OVERAGE. Each hour is covered by the
 *       version of the contract in force at its end, so an amendment leaves earlier hours alone.
 *   <li>Dimension usage is billed at the dimension's price whatever the product's pricing; a FREE
 *       product's usage appears at price 0, contracts aside.
 *   <li>Task time is counted in seconds and billed in task-hours: quantity seconds / 3600, amount
 *       seconds × price / 3600, exact when the division ends, else half-up to ten decimals.
 * </ul>
 */
final class Charges {
  static final String TASK_HOUR = "task-hour";
  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);
  private static final int INEXACT_SCALE = 10;

  /**
   * One hour's charge before lines are summed.
   *
   * @param units what is charged for, in the ledger's unit (seconds for task time)
   * @param used what was used in the hour, in the same unit, charged or not
   */
  record Charge(
      Kind kind,
      String dimension,
      String unit,
      BigDecimal unitPrice,
      Instant hour,
      long units,
      long used,
      boolean inSeconds) {

    /** The amount, exact unless a division by 3600 does not end. */
    BigDecimal amount() {
      return toHours(unitPrice.multiply(BigDecimal.valueOf(units)), inSeconds);
    }
  }

  private final Product product;
  private final List<Subscription> subscriptions;
  private final Map<Subscription, Map<String, PriceBook>> books = new IdentityHashMap<>();
  private final Map<String, PriceBook> unsubscribed = new HashMap<>();

  /**
   * @param subscriptions the buyer's subscriptions to the product, oldest first
   */
  Charges(Product product, List<Subscription> subscriptions) {
    this.product = product;
    this.subscriptions =
        subscriptions.stream().sorted(Comparator.comparing(Subscription::startedAt)).toList();
  }

  /** The charges of the month's metered usage: dimensions and task time, hour by hour. */
  List<Charge> metered(List<HourTotal> totals) {
    Map<String, TreeMap<Instant, Long>> byDimension = new TreeMap<>();
    for (HourTotal t : totals) {
      boolean taskTime = t.source() == UsageSource.TASK_TIME;
      if (taskTime && product.pricing() == Pricing.MONTHLY) {
        // A MONTHLY product is paid by the month, however long its tasks run.
        continue;
      }
      byDimension
          .computeIfAbsent(t.dimension(), d -> new TreeMap<>())
          .merge(t.hour(), t.quantity(), Long::sum);
    }
    List<Charge> charges = new ArrayList<>();
    byDimension.forEach((dimension, hours) -> charges.addAll(ofDimension(dimension, hours)));
    return charges;
  }

  private List<Charge> ofDimension(String dimension, TreeMap<Instant, Long> hours) {
    boolean taskTime = dimension.equals(UsageSource.TASK_TIME_DIMENSION);
    boolean free = product.pricing() == Pricing.FREE;
    String unit =
        taskTime ? TASK_HOUR : product.dimension(dimension).map(Dimension::unit).orElse(null);
    Function<PriceList, BigDecimal> field =
        taskTime ? PriceList::hourlyPrice : prices -> prices.dimensions().get(dimension);
    Map<Subscription, long[]> monthLeft = new IdentityHashMap<>();
    List<Charge> charges = new ArrayList<>();
    for (Map.Entry<Instant, Long> e : hours.entrySet()) {
      Instant hour = e.getKey();
      long used = e.getValue();
      Subscription s = governing(hour);
      BigDecimal price =
          free
              ? BigDecimal.ZERO
              : book(s, taskTime ? "hourly" : "dimension:" + dimension, field).at(endOf(hour));
      if (price == null) {
        price = BigDecimal.ZERO;
      }
      ContractLine contract = free || s == null ? null : contractOf(s, dimension, hour);
      Kind plain = taskTime ? Kind.HOURLY : Kind.USAGE;
      if (contract == null) {
        charges.add(new Charge(plain, dimension, unit, price, hour, used, used, taskTime));
        continue;
      }
      long prepaid = contract.quantity() * (taskTime ? 3600 : 1);
      long billable;
      if (contract.per() == ContractLine.Per.HOUR) {
        billable = Math.max(0, used - prepaid);
      } else {
        long[] left = monthLeft.computeIfAbsent(s, x -> new long[] {prepaid});
        long covered = Math.min(left[0], used);
        left[0] -= covered;
        billable = used - covered;
      }
      charges.add(new Charge(Kind.OVERAGE, dimension, unit, price, hour, billable, used, taskTime));
    }
    return charges;
  }

  /**
   * The month's upfront lines: a MONTHLY product's fee and contracts' own charges, for the
   * subscriptions active at some moment of {@code [from, until)}.
   */
  List<Line> upfront(Instant from, Instant until) {
    List<Line> lines = new ArrayList<>();
    List<Subscription> active = new ArrayList<>();
    for (Subscription s : subscriptions) {
      if (s.startedAt().isBefore(until) && (s.endedAt() == null || s.endedAt().isAfter(from))) {
        active.add(s);
      }
    }
    if (active.isEmpty()) {
      return lines;
    }
    if (product.pricing() == Pricing.MONTHLY) {
      Subscription first = active.get(0);
      Instant charged = first.startedAt().isAfter(from) ? first.startedAt() : from;
      BigDecimal price = book(first, "monthly", PriceList::monthlyPrice).at(charged);
      if (price != null) {
        lines.add(line(Kind.MONTHLY, null, BigDecimal.ONE, "month", price, price));
      }
    }
    if (product.pricing() == Pricing.CONTRACT) {
      for (Subscription s : active) {
        lines.addAll(contractCharges(s, from, until));
      }
      return lines;
    }
    for (Subscription s : active) {
      for (ContractLine c : s.contract()) {
        if (c.price() != null) {
          boolean taskTime = c.dimension().equals(UsageSource.TASK_TIME_DIMENSION);
          String unit =
              taskTime
                  ? TASK_HOUR
                  : product.dimension(c.dimension()).map(Dimension::unit).orElse(null);
          lines.add(
              line(
                  Kind.CONTRACT,
                  c.dimension(),
                  BigDecimal.valueOf(c.quantity()),
                  unit,
                  c.price(),
                  c.price()));
        }
      }
    }
    return lines;
  }

  /**
   * A CONTRACT subscription's lines for the month {@code [from, until)}: per dimension the largest
   * quantity its contract held in the month, at the dimension's price per unit per month in force
   * when the month (or the subscription) began; an upgrade within the month is charged for the
   * month, a downgrade from the next.
   */
  private List<Line> contractCharges(Subscription s, Instant from, Instant until) {
    List<Line> lines = new ArrayList<>();
    Instant charged = s.startedAt().isAfter(from) ? s.startedAt() : from;
    for (Dimension d : product.dimensions()) {
      long quantity = s.contractedMax(d.name(), from, until);
      if (quantity == 0) {
        continue;
      }
      BigDecimal price =
          book(s, "dimension:" + d.name(), p -> p.dimensions().get(d.name())).at(charged);
      BigDecimal units = BigDecimal.valueOf(quantity);
      lines.add(line(Kind.CONTRACT, d.name(), units, d.unit(), price, price.multiply(units)));
    }
    return lines;
  }

  /** Hourly charges summed into lines: one per kind, dimension and unit price. */
  List<Line> lines(List<Charge> charges) {
    Map<List<Object>, long[]> units = new LinkedHashMap<>();
    Map<List<Object>, Charge> first = new HashMap<>();
    for (Charge c : charges) {
      if (c.units() == 0) {
        continue;
      }
      List<Object> key = List.of(c.kind(), c.dimension(), c.unitPrice().stripTrailingZeros());
      units.computeIfAbsent(key, k -> new long[1])[0] += c.units();
      first.putIfAbsent(key, c);
    }
    List<Line> lines = new ArrayList<>();
    units.forEach(
        (key, sum) -> {
          Charge c = first.get(key);
          BigDecimal raw = BigDecimal.valueOf(sum[0]);
          lines.add(
              line(
                  c.kind(),
                  c.dimension(),
                  toHours(raw, c.inSeconds()),
                  c.unit(),
                  c.unitPrice(),
                  toHours(raw.multiply(c.unitPrice()), c.inSeconds())));
        });
    return lines;
  }

  private Line line(
      Kind kind,
      String dimension,
      BigDecimal quantity,
      String unit,
      BigDecimal unitPrice,
      BigDecimal amount) {
    return new Line(
        product.productCode(), product.name(), kind, dimension, quantity, unit, unitPrice, amount);
  }

  /** A value in seconds as hours: exact when the division ends, else half-up to ten decimals. */
  static BigDecimal toHours(BigDecimal value, boolean inSeconds) {
    if (!inSeconds) {
      return value;
    }
    try {
      return value.divide(SECONDS_PER_HOUR);
    } catch (ArithmeticException notExact) {
      return value.divide(SECONDS_PER_HOUR, INEXACT_SCALE, RoundingMode.HALF_UP);
    }
  }

  private static Instant endOf(Instant hour) {
    return hour.plus(Duration.ofHours(1)).minusNanos(1);
  }

  // The newest subscription that started before the hour ended.
  private Subscription governing(Instant hour) {
    Instant end = hour.plus(Duration.ofHours(1));
    Subscription found = null;
    for (Subscription s : subscriptions) {
      if (s.startedAt().isBefore(end)) {
        found = s;
      }
    }
    return found;
  }

  private PriceBook book(Subscription s, String field, Function<PriceList, BigDecimal> price) {
    Map<String, PriceBook> of =
        s == null ? unsubscribed : books.computeIfAbsent(s, x -> new HashMap<>());
    return of.computeIfAbsent(
        field, f -> new PriceBook(product, s == null ? null : s.startedAt(), price));
  }

  // The subscription's contract line of the dimension in force in that hour, if any.
  private static ContractLine contractOf(Subscription s, String dimension, Instant hour) {
    for (ContractLine c : s.contractForHour(hour)) {
      if (Objects.equals(c.dimension(), dimension)) {
        return c;
      }
    }
    return null;
  }
}
