package io.meterline.server.billing;

import io.meterline.server.billing.Charges.Charge;
import io.meterline.server.billing.Invoice.Line;
import io.meterline.server.domain.Pricing;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Subscription;
import io.meterline.server.domain.Task;
import io.meterline.server.domain.UsageSource;
import io.meterline.server.ledger.TaskTime;
import io.meterline.server.store.Database;
import io.meterline.server.store.Tables;
import io.meterline.server.store.TasksTable.WithTime;
import io.meterline.server.store.UsageRecordsTable.HourTotal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The billing engine over the ledger (SPEC §3.2): a buyer's invoice for a month, computed from the
 * usage of the buyer's identities, the buyer's subscriptions and the products' price histories.
 * Usage lands in the month of its hour however late it was sent, so computing an invoice again
 * gives the same result until something more lands in the month.
 *
 * <p>A buyer's usage is read through the identities that reported it — the buyer's own for
 * BatchMeterUsage, its tasks' for MeterUsage and task time — on the ledger's dedup index, so an
 * invoice costs the buyer's rows, not the month's. The time of a running task not yet in the ledger
 * (its current hour, and hours the last sweep has not reached) is added as an estimate.
 */
public final class Billing {
  // BatchMeterUsage takes the previous month's usage until 06:00 UTC on the 1st (SPEC §1.1).
  private static final Duration LATE_WINDOW = Duration.ofHours(6);
  // MeterUsage takes timestamps up to 6 hours back and 5 minutes ahead of a task's life.
  private static final Duration TASK_MARGIN = Duration.ofDays(1);

  private final Database db;
  private final Tables tables;
  private final Clock clock;

  /**
   * @param serviceClock the service time: which months are over, what a running task has used
   */
  public Billing(Database db, Tables tables, Clock serviceClock) {
    this.db = db;
    this.tables = tables;
    this.clock = serviceClock;
  }

  /** A page of a month's invoices: those with a line, by account id. */
  public record InvoicePage(List<Invoice> items, String lastAccount, boolean more) {}

  /** The buyer's invoice for the month; {@code null} when there is no such account. */
  public Invoice invoice(String awsAccountId, YearMonth month) {
    Instant now = clock.instant();
    return db.read(
        c ->
            tables.accounts().find(c, awsAccountId) == null
                ? null
                : compute(c, awsAccountId, month, now).invoice());
  }

  /**
   * The month's invoices that have a line, of accounts after {@code afterAccount} ({@code null}
   * from the first) in the order of their ids, at most {@code limit}.
   */
  public InvoicePage invoices(YearMonth month, String afterAccount, int limit) {
    Instant now = clock.instant();
    return db.read(
        c -> {
          List<Invoice> found = new ArrayList<>();
          String last = afterAccount;
          while (found.size() < limit) {
            List<String> ids = tables.accounts().idsAfter(c, last, limit);
            if (ids.isEmpty()) {
              return new InvoicePage(found, last, false);
            }
            for (String id : ids) {
              last = id;
              Invoice invoice = compute(c, id, month, now).invoice();
              if (!invoice.lines().isEmpty()) {
                found.add(invoice);
                if (found.size() == limit) {
                  break;
                }
              }
            }
          }
          return new InvoicePage(found, last, !tables.accounts().idsAfter(c, last, 1).isEmpty());
        });
  }

  /** The buyer's month priced: its invoice, and the hourly charges and usage behind it. */
  record Priced(Invoice invoice, Map<String, Product> products, List<ProductCharges> charges) {}

  /** One product's hourly charges and the usage they price. */
  record ProductCharges(Product product, List<Charge> charges) {}

  Priced compute(Connection c, String account, YearMonth month, Instant now) throws SQLException {
    Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    List<Subscription> subscriptions = tables.subscriptions().ofAccount(c, account);
    List<WithTime> tasks =
        tables.tasks().ranBetween(c, account, from.minus(TASK_MARGIN), to.plus(TASK_MARGIN));
    List<String> scopes = new ArrayList<>();
    scopes.add("customer/" + account);
    for (WithTime t : tasks) {
      scopes.add("task/" + t.task().taskId());
      scopes.add("tasktime/" + t.task().taskId());
    }
    List<HourTotal> totals = new ArrayList<>(tables.usage().totalsByHour(c, scopes, from, to));
    TreeSet<String> codes = new TreeSet<>();
    totals.forEach(t -> codes.add(t.productCode()));
    subscriptions.forEach(s -> codes.add(s.productCode()));
    List<String> running =
        tasks.stream().filter(t -> !t.task().isStopped()).map(t -> t.task().taskId()).toList();
    Map<String, List<String>> admitted = new java.util.HashMap<>();
    for (String taskId : running) {
      List<String> products = tables.admissions().productsOf(c, taskId);
      admitted.put(taskId, products);
      codes.addAll(products);
    }
    Map<String, Product> products = tables.products().findAll(c, List.copyOf(codes));
    totals.addAll(unrecorded(tasks, admitted, products, from, to, now));

    Instant upfrontUntil = now.isBefore(to) ? now.plusNanos(1) : to;
    List<Line> lines = new ArrayList<>();
    List<ProductCharges> charges = new ArrayList<>();
    for (String code : codes) {
      Product product = products.get(code);
      if (product == null) {
        continue;
      }
      Charges pricing =
          new Charges(
              product, subscriptions.stream().filter(s -> s.productCode().equals(code)).toList());
      List<Charge> metered =
          pricing.metered(totals.stream().filter(t -> t.productCode().equals(code)).toList());
      charges.add(new ProductCharges(product, metered));
      // Upfront charges appear from the first moment of the month (or of the subscription).
      List<Line> ofProduct =
          new ArrayList<>(now.isBefore(from) ? List.of() : pricing.upfront(from, upfrontUntil));
      ofProduct.addAll(pricing.lines(metered));
      ofProduct.sort(LINE_ORDER);
      lines.addAll(ofProduct);
    }
    boolean isFinal =
        !now.isBefore(to.plus(LATE_WINDOW)) && !tables.tasks().hasTimeUnrecorded(c, account, to);
    return new Priced(new Invoice(account, month, isFinal, lines), products, charges);
  }

  private static final Comparator<Line> LINE_ORDER =
      Comparator.comparing(Line::kind)
          .thenComparing(l -> l.dimension() == null ? "" : l.dimension())
          .thenComparing(Line::unitPrice);

  /**
   * The time of running tasks that the ledger does not have yet, in the month and up to now: what
   * their stop would record for the hours past their recorded time.
   */
  private static List<HourTotal> unrecorded(
      List<WithTime> tasks,
      Map<String, List<String>> admitted,
      Map<String, Product> products,
      Instant from,
      Instant to,
      Instant now) {
    List<HourTotal> estimate = new ArrayList<>();
    Instant until = now.isBefore(to) ? now : to;
    for (WithTime t : tasks) {
      Task task = t.task();
      if (task.isStopped() || !task.startedAt().isBefore(until)) {
        continue;
      }
      for (String code : admitted.getOrDefault(task.taskId(), List.of())) {
        Product p = products.get(code);
        if (p == null || p.pricing() != Pricing.HOURLY) {
          continue;
        }
        for (TaskTime.Slice slice : TaskTime.split(task.startedAt(), until)) {
          boolean recorded =
              t.timeRecordedUntil() != null && slice.hour().isBefore(t.timeRecordedUntil());
          if (!recorded && !slice.hour().isBefore(from) && slice.hour().isBefore(to)) {
            estimate.add(
                new HourTotal(
                    code,
                    UsageSource.TASK_TIME_DIMENSION,
                    slice.hour(),
                    UsageSource.TASK_TIME,
                    slice.seconds()));
          }
        }
      }
    }
    return estimate;
  }
}
