package io.meterline.server.admin;

import io.meterline.server.domain.ContractLine;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.Pricing;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Subscription;
import io.meterline.server.domain.UsageSource;
import io.meterline.server.licenses.Licenses;
import io.meterline.server.store.Keyset;
import io.meterline.server.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Subscriptions; subscribing to a SaaS product mints its registration token. */
final class SubscriptionsAdmin {
  private static final long MAX_CONTRACT_QUANTITY = 1_000_000_000L;

  private final AdminContext ctx;

  SubscriptionsAdmin(AdminContext ctx) {
    this.ctx = ctx;
  }

  Map<String, Object> create(Body body) {
    body.only("productCode", "awsAccountId", "contract", "startsAt", "endsAt");
    String code = body.string("productCode", ProductsAdmin.PRODUCT_CODE, "a product code");
    String accountId =
        body.string("awsAccountId", ProductsAdmin.ACCOUNT_ID, "a 12-digit account id");
    List<ContractLine> contract = contractLines(body);
    Instant now = ctx.clock().instant();
    Instant startsAt = millis(body.optionalInstant("startsAt"));
    Instant endsAt = millis(body.optionalInstant("endsAt"));
    try {
      return ctx.write(
          c -> {
            Product product = ctx.tables().products().find(c, code);
            if (product == null) {
              throw AdminException.notFound("productCode", "no product has the code " + code);
            }
            if (ctx.tables().accounts().find(c, accountId) == null) {
              throw AdminException.notFound(
                  "awsAccountId",
                  "no account " + accountId + "; create it with POST /admin/v1/buyers");
            }
            List<ContractLine> lines = contract == null ? List.of() : contract;
            checkContract(product, lines);
            Instant start = startsAt == null ? now : startsAt;
            if (product.pricing() != Pricing.CONTRACT) {
              if (startsAt != null || endsAt != null) {
                throw AdminException.badField(
                    endsAt != null ? "endsAt" : "startsAt",
                    "startsAt and endsAt apply only to CONTRACT products; "
                        + code
                        + " is "
                        + product.pricing());
              }
            } else {
              checkTerm(start, endsAt, now);
              if (startsAt != null) {
                checkStart(c, code, accountId, start, now);
              }
            }
            String token = product.saas() ? Ids.registrationToken() : null;
            Subscription s =
                new Subscription(
                    Ids.subscriptionId(),
                    code,
                    accountId,
                    start,
                    null,
                    token == null ? null : now.plus(ctx.limits().registrationTokenTtl()),
                    lines,
                    endsAt,
                    List.of());
            ctx.tables().subscriptions().insert(c, s, token);
            ctx.notifier().subscribed(c, product, s);
            if (product.pricing() == Pricing.CONTRACT) {
              ctx.notifier().entitlementsChanged(c, product, s);
            }
            Map<String, Object> view = Views.subscription(s);
            if (token != null) {
              view.put("registrationToken", token);
            }
            return view;
          });
    } catch (StoreException e) {
      if (e.isUniqueViolation()) {
        throw AdminException.conflict(
            "awsAccountId",
            "account " + accountId + " already has " + "an active subscription to " + code);
      }
      throw e;
    }
  }

  /** Subscriptions, newest first, in pages; filtered by product, account and status. */
  Map<String, Object> list(Map<String, String> query) {
    int limit = Paging.limit(query);
    Keyset after = Paging.after("subscriptions", query);
    String product = query.get("productCode");
    String account = query.get("awsAccountId");
    Boolean active = Filters.status(query, "ACTIVE", "ENDED");
    return Paging.page(
        "subscriptions",
        ctx.read(
            c -> ctx.tables().subscriptions().list(c, product, account, active, after, limit + 1)),
        limit,
        s -> new Keyset(s.startedAt(), s.subscriptionId()),
        Views::subscription);
  }

  /**
   * A contract covers the product's dimensions, or its task time ({@code TaskTime}, in task-hours)
   * when it is priced HOURLY; each dimension at most once.
   */
  private static void checkContract(Product product, List<ContractLine> lines) {
    boolean contractPriced = product.pricing() == Pricing.CONTRACT;
    if (contractPriced && lines.isEmpty()) {
      throw AdminException.badField(
          "contract",
          "a subscription to the CONTRACT product "
              + product.productCode()
              + " needs its contract: [{dimension, quantity}]");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      ContractLine line = lines.get(i);
      String dimension = line.dimension();
      if (contractPriced && (line.per() != null || line.price() != null)) {
        throw AdminException.badField(
            "contract[" + i + "]." + (line.per() != null ? "per" : "price"),
            "a CONTRACT product's contract holds for its term at the dimension's price: give "
                + "only dimension and quantity");
      }
      if (!contractPriced && line.per() == null) {
        throw AdminException.badField(
            "contract[" + i + "].per", "contract[" + i + "].per is required");
      }
      if (contractPriced
          && product.dimension(dimension).map(d -> d.unit().equals(Licenses.FEATURE)).orElse(false)
          && line.quantity() != 1) {
        throw AdminException.badField(
            "contract[" + i + "].quantity",
            "dimension \""
                + Body.clip(dimension)
                + "\" is a tier (unit None): it is bought with quantity 1, was "
                + line.quantity());
      }
      boolean taskTime =
          dimension.equals(UsageSource.TASK_TIME_DIMENSION) && product.pricing() == Pricing.HOURLY;
      if (!taskTime && product.dimension(dimension).isEmpty()) {
        throw AdminException.badField(
            "contract[" + i + "].dimension",
            "product "
                + product.productCode()
                + " has no dimension \""
                + Body.clip(dimension)
                + "\""
                + (product.pricing() == Pricing.HOURLY
                    ? "; the task time of an HOURLY product is \""
                        + UsageSource.TASK_TIME_DIMENSION
                        + "\""
                    : ""));
      }
      if (!seen.add(dimension)) {
        throw AdminException.badField(
            "contract[" + i + "].dimension",
            "dimension \"" + Body.clip(dimension) + "\" is in the contract twice");
      }
    }
  }

  // A CONTRACT product's contract term: begun by now, ending after it began and not before now.
  private static void checkTerm(Instant startsAt, Instant endsAt, Instant now) {
    if (startsAt.isAfter(now)) {
      throw AdminException.badField(
          "startsAt", "startsAt " + startsAt + " is after the service time " + now);
    }
    if (endsAt == null) {
      throw AdminException.badField("endsAt", "a CONTRACT product's contract needs its endsAt");
    }
    if (!endsAt.isAfter(startsAt)) {
      throw AdminException.badField(
          "endsAt", "endsAt " + endsAt + " is not after the contract's start " + startsAt);
    }
    if (endsAt.isBefore(now)) {
      throw AdminException.badField(
          "endsAt", "endsAt " + endsAt + " is before the service time " + now);
    }
  }

  /**
   * A contract that began in the past (a backdated {@code startsAt}) starts within the current
   * month of service time, whose invoice is still open, and after the buyer's earlier subscription
   * to the product ended, so that no month is charged twice and no final invoice changes.
   */
  private void checkStart(
      Connection c, String productCode, String accountId, Instant startsAt, Instant now)
      throws SQLException {
    Instant month =
        now.atZone(ZoneOffset.UTC).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).toInstant();
    if (startsAt.isBefore(month)) {
      throw AdminException.badField(
          "startsAt",
          "startsAt "
              + startsAt
              + " is before this month ("
              + month
              + "), whose invoices are open");
    }
    for (Subscription earlier :
        ctx.tables().subscriptions().findAll(c, productCode, List.of(accountId))) {
      if (earlier.endedAt() != null && startsAt.isBefore(earlier.endedAt())) {
        throw AdminException.badField(
            "startsAt",
            "startsAt "
                + startsAt
                + " is before the end of the buyer's earlier subscription "
                + earlier.subscriptionId()
                + " ("
                + earlier.endedAt()
                + ")");
      }
    }
  }

  // Times are kept to the millisecond: one given finer is taken as its millisecond.
  private static Instant millis(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
  }

  private static List<ContractLine> contractLines(Body body) {
    return body.optionalList(
        "contract",
        line ->
            new ContractLine(
                line.only("dimension", "quantity", "per", "price").string("dimension"),
                // At most a billion per hour or month keeps prepaid seconds within a long.
                line.requiredLong("quantity", 0, MAX_CONTRACT_QUANTITY),
                line.has("per") ? line.enumValue("per", ContractLine.Per.class) : null,
                line.optionalMoney("price")));
  }

  /**
   * Amends, renews or ends a CONTRACT subscription's contract from now on (SPEC §3.5): the lines
   * given replace the contract's, the end given replaces its end (now, or a time before it, ends it
   * now); the earlier version is kept for the invoices of the months it covered, and the buyer's
   * license is the new version.
   */
  Map<String, Object> amendContract(String id, Body body) {
    body.only("contract", "endsAt");
    List<ContractLine> contract = contractLines(body);
    Instant endsAt = millis(body.optionalInstant("endsAt"));
    if (contract == null && endsAt == null) {
      throw AdminException.badRequest("give contract: [{dimension, quantity}], endsAt or both");
    }
    Instant now = ctx.clock().instant();
    return Views.subscription(
        ctx.write(
            c -> {
              // Amendments of one subscription, and its end, take turns on its row.
              ctx.tables().subscriptions().lock(c, id);
              Subscription s = existing(c, id);
              Product product = ctx.tables().products().find(c, s.productCode());
              if (product.pricing() != Pricing.CONTRACT) {
                throw AdminException.badRequest(
                    "subscription "
                        + id
                        + " is to "
                        + product.productCode()
                        + ", priced "
                        + product.pricing()
                        + "; only a CONTRACT product's contract is amended");
              }
              if (s.endedAt() != null) {
                throw AdminException.conflict(
                    null, "subscription " + id + " ended at " + s.endedAt());
              }
              if (now.isBefore(s.contractSince())) {
                throw AdminException.conflict(
                    null,
                    "the contract of "
                        + id
                        + " was last changed at "
                        + s.contractSince()
                        + ", after the service time "
                        + now);
              }
              if (s.contractEndedAt(now) && (endsAt == null || !endsAt.isAfter(now))) {
                throw AdminException.conflict(
                    "endsAt",
                    "the contract of "
                        + id
                        + " ended at "
                        + s.contractEndsAt()
                        + "; give a later endsAt to renew it");
              }
              List<ContractLine> lines = contract == null ? s.contract() : contract;
              checkContract(product, lines);
              // An end given at or before now ends the contract now: the past is not rewritten.
              Instant ends =
                  endsAt == null ? s.contractEndsAt() : endsAt.isBefore(now) ? now : endsAt;
              checkTerm(s.startedAt(), ends, now);
              Subscription amended = s.amended(lines, ends, now);
              ctx.tables().subscriptions().amend(c, amended);
              ctx.notifier().entitlementsChanged(c, product, amended);
              return amended;
            }));
  }

  Map<String, Object> get(String id) {
    return Views.subscription(ctx.read(c -> existing(c, id)));
  }

  private Subscription existing(Connection c, String id) throws SQLException {
    Subscription s = ctx.tables().subscriptions().find(c, id);
    if (s == null) {
      throw AdminException.notFound(null, "no subscription " + id);
    }
    return s;
  }

  Map<String, Object> end(String id) {
    Instant now = ctx.clock().instant();
    return Views.subscription(
        ctx.write(
            c -> {
              Subscription s = existing(c, id);
              if (!ctx.tables().subscriptions().end(c, id, now)) {
                throw AdminException.conflict(
                    null, "subscription " + id + " ended at " + s.endedAt());
              }
              Subscription ended = ctx.tables().subscriptions().find(c, id);
              ctx.notifier()
                  .unsubscribed(c, ctx.tables().products().find(c, ended.productCode()), ended);
              return ended;
            }));
  }
}
