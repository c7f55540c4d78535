package io.meterline.server.billing;

import io.meterline.server.billing.Billing.Priced;
import io.meterline.server.billing.Billing.ProductCharges;
import io.meterline.server.billing.Charges.Charge;
import io.meterline.server.billing.Invoice.Line;
import io.meterline.server.domain.Account;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Subscription;
import io.meterline.server.store.Database;
import io.meterline.server.store.Tables;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The seller reports (SPEC §3.3; facts §6), computed by the billing engine, so that what they say a
 * buyer is charged agrees with the buyer's invoice. Each may be limited to one seller's products.
 */
public final class Reports {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  /** A subscription active at the end of a day. */
  public record Subscriber(
      String awsAccountId, String productTitle, String productCode, LocalDate startDate) {}

  /**
   * A customer's usage of one product's dimension in a day.
   *
   * @param usageUnits what was used (task-hours for task time), charged or covered by a contract
   * @param estimatedRevenue what the buyer is charged for it, exact as on the invoice
   */
  public record DailyUsage(
      String customerIdentifier,
      String productTitle,
      String productCode,
      BigDecimal usageUnits,
      String usageUnitType,
      BigDecimal estimatedRevenue,
      String awsAccountId) {}

  /**
   * What a customer was billed for one product in a month.
   *
   * @param billed the sum of the invoice's lines for the product, exact
   * @param listingFee the listing fee's share of it, half-up to cents
   * @param partnerRevenue what is left for the seller
   */
  public record BilledRevenue(
      String customerIdentifier,
      String productTitle,
      String productCode,
      BigDecimal billed,
      BigDecimal listingFee,
      BigDecimal partnerRevenue,
      String awsAccountId) {}

  private final Billing billing;
  private final Database db;
  private final Tables tables;
  private final Clock clock;
  private final BigDecimal listingFeePercent;

  public Reports(
      Billing billing,
      Database db,
      Tables tables,
      Clock serviceClock,
      BigDecimal listingFeePercent) {
    this.billing = billing;
    this.db = db;
    this.tables = tables;
    this.clock = serviceClock;
    this.listingFeePercent = listingFeePercent;
  }

  /** Every subscription active at the end of the day (UTC), by account and product. */
  public List<Subscriber> dailySubscribers(LocalDate date, String sellerAccountId) {
    Instant end = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return db.read(
        c -> {
          List<Subscription> active = tables.subscriptions().activeAtEndOf(c, end);
          Map<String, Product> products =
              tables
                  .products()
                  .findAll(c, active.stream().map(Subscription::productCode).distinct().toList());
          List<Subscriber> rows = new ArrayList<>();
          for (Subscription s : active) {
            Product p = products.get(s.productCode());
            if (p != null && ofSeller(p, sellerAccountId)) {
              rows.add(
                  new Subscriber(
                      s.awsAccountId(),
                      p.name(),
                      p.productCode(),
                      s.startedAt().atZone(ZoneOffset.UTC).toLocalDate()));
            }
          }
          return rows;
        });
  }

  /** Each customer's usage of each product's dimensions in the day (UTC), and its charge. */
  public List<DailyUsage> dailyUsage(LocalDate date, String sellerAccountId) {
    Instant from = date.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant now = clock.instant();
    return db.read(
        c -> {
          TreeSet<String> accounts = new TreeSet<>(tables.usage().accountsWithUsage(c, from, to));
          accounts.addAll(tables.tasks().accountsRunningTimePriced(c));
          List<DailyUsage> rows = new ArrayList<>();
          for (String account : accounts) {
            Account a = tables.accounts().find(c, account);
            Priced priced = billing.compute(c, account, YearMonth.from(date), now);
            for (ProductCharges pc : priced.charges()) {
              if (ofSeller(pc.product(), sellerAccountId)) {
                rows.addAll(ofDay(a, pc, from, to));
              }
            }
          }
          return rows;
        });
  }

  private static List<DailyUsage> ofDay(
      Account account, ProductCharges pc, Instant from, Instant to) {
    Map<String, long[]> used = new TreeMap<>();
    Map<String, Boolean> inSeconds = new TreeMap<>();
    Map<String, List<Charge>> charged = new TreeMap<>();
    for (Charge ch : pc.charges()) {
      if (!ch.hour().isBefore(from) && ch.hour().isBefore(to)) {
        used.computeIfAbsent(ch.dimension(), d -> new long[1])[0] += ch.used();
        inSeconds.put(ch.dimension(), ch.inSeconds());
        charged.computeIfAbsent(ch.dimension(), d -> new ArrayList<>()).add(ch);
      }
    }
    List<DailyUsage> rows = new ArrayList<>();
    used.forEach(
        (dimension, sum) ->
            rows.add(
                new DailyUsage(
                    account.customerIdentifier(),
                    pc.product().name(),
                    pc.product().productCode(),
                    Charges.toHours(BigDecimal.valueOf(sum[0]), inSeconds.get(dimension)),
                    dimension,
                    revenue(charged.get(dimension)),
                    account.awsAccountId())));
    return rows;
  }

  // Summed as the invoice sums them: per unit price, then divided once.
  private static BigDecimal revenue(List<Charge> charges) {
    Map<BigDecimal, long[]> units = new LinkedHashMap<>();
    Map<BigDecimal, BigDecimal> prices = new LinkedHashMap<>();
    boolean inSeconds = false;
    for (Charge ch : charges) {
      BigDecimal key = ch.unitPrice().stripTrailingZeros();
      units.computeIfAbsent(key, p -> new long[1])[0] += ch.units();
      prices.putIfAbsent(key, ch.unitPrice());
      inSeconds = ch.inSeconds();
    }
    BigDecimal total = BigDecimal.ZERO;
    for (Map.Entry<BigDecimal, long[]> e : units.entrySet()) {
      BigDecimal raw = prices.get(e.getKey()).multiply(BigDecimal.valueOf(e.getValue()[0]));
      total = total.add(Charges.toHours(raw, inSeconds));
    }
    return total;
  }

  /**
   * What each customer was billed for each product in the month, from the month's invoices (an
   * estimate while they are not final).
   */
  public List<BilledRevenue> monthlyBilledRevenue(YearMonth month, String sellerAccountId) {
    List<BilledRevenue> rows = new ArrayList<>();
    String after = null;
    boolean more = true;
    while (more) {
      Billing.InvoicePage page = billing.invoices(month, after, 500);
      for (Invoice invoice : page.items()) {
        Map<String, List<Line>> byProduct = new TreeMap<>();
        invoice
            .lines()
            .forEach(
                l -> byProduct.computeIfAbsent(l.productCode(), k -> new ArrayList<>()).add(l));
        Map<String, Product> products =
            db.read(c -> tables.products().findAll(c, List.copyOf(byProduct.keySet())));
        Account account = db.read(c -> tables.accounts().find(c, invoice.awsAccountId()));
        byProduct.forEach(
            (code, lines) -> {
              Product p = products.get(code);
              if (p != null && ofSeller(p, sellerAccountId)) {
                BigDecimal billed =
                    lines.stream().map(Line::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
                BigDecimal fee =
                    billed
                        .multiply(listingFeePercent)
                        .divide(HUNDRED)
                        .setScale(2, RoundingMode.HALF_UP);
                rows.add(
                    new BilledRevenue(
                        account.customerIdentifier(),
                        p.name(),
                        code,
                        billed,
                        fee,
                        billed.subtract(fee),
                        invoice.awsAccountId()));
              }
            });
      }
      after = page.lastAccount();
      more = page.more();
    }
    return rows;
  }

  private static boolean ofSeller(Product p, String sellerAccountId) {
    return sellerAccountId == null || Objects.equals(p.sellerAccountId(), sellerAccountId);
  }
}
