package io.meterline.server.admin;

import io.meterline.server.domain.ContractLine;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.Pricing;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Subscription;
import io.meterline.server.domain.UsageSource;
import io.meterline.server.store.Keyset;
import io.meterline.server.store.StoreException;
import java.time.Instant;
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
    body.only("productCode", "awsAccountId", "contract");
    String code = body.string("productCode", ProductsAdmin.PRODUCT_CODE, "a product code");
    String accountId =
        body.string("awsAccountId", ProductsAdmin.ACCOUNT_ID, "a 12-digit account id");
    List<ContractLine> contract =
        body.optionalList(
            "contract",
            line ->
                new ContractLine(
                    line.only("dimension", "quantity", "per", "price").string("dimension"),
                    // At most a billion per hour or month keeps prepaid seconds within a long.
                    line.requiredLong("quantity", 0, MAX_CONTRACT_QUANTITY),
                    line.enumValue("per", ContractLine.Per.class),
                    line.optionalMoney("price")));
    Instant now = ctx.clock().instant();
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
            String token = product.saas() ? Ids.registrationToken() : null;
            Subscription s =
                new Subscription(
                    Ids.subscriptionId(),
                    code,
                    accountId,
                    now,
                    null,
                    token == null ? null : now.plus(ctx.limits().registrationTokenTtl()),
                    lines);
            ctx.tables().subscriptions().insert(c, s, token);
            ctx.notifier().subscribed(c, product, s);
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
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String dimension = lines.get(i).dimension();
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

  Map<String, Object> get(String id) {
    Subscription s = ctx.read(c -> ctx.tables().subscriptions().find(c, id));
    if (s == null) {
      throw AdminException.notFound(null, "no subscription " + id);
    }
    return Views.subscription(s);
  }

  Map<String, Object> end(String id) {
    Instant now = ctx.clock().instant();
    return Views.subscription(
        ctx.write(
            c -> {
              Subscription s = ctx.tables().subscriptions().find(c, id);
              if (s == null) {
                throw AdminException.notFound(null, "no subscription " + id);
              }
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
