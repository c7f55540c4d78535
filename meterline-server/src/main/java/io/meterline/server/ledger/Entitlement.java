package io.meterline.server.ledger;

import io.meterline.server.domain.Pricing;
import io.meterline.server.domain.Product;
import io.meterline.server.store.AdmissionsTable.Admission;
import io.meterline.server.store.Tables;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The first-call entitlement rule (SPEC §1.1 "Entitlement"; facts §4.5, §4.6): a task or pod is
 * entitled if, at its first RegisterUsage or MeterUsage for a product, its account has an active
 * subscription (or the product is free, or in preview and the caller is its seller). Once admitted
 * it stays admitted for its lifetime, whatever happens to the subscription.
 */
final class Entitlement {
  /** A task asking to use a product. */
  record Request(String taskId, String awsAccountId, Product product) {
    Admission admission() {
      return new Admission(taskId, product.productCode());
    }
  }

  private Entitlement() {}

  /** Decides each request, recording new admissions; returns those that are entitled. */
  static Set<Request> admit(Connection c, Tables tables, List<Request> requests, Instant now)
      throws SQLException {
    Set<Request> entitled = new HashSet<>();
    if (requests.isEmpty()) {
      return entitled;
    }
    List<Admission> candidates = requests.stream().map(Request::admission).distinct().toList();
    Set<Admission> existing = tables.admissions().findExisting(c, candidates);
    Map<String, Boolean> subscribed = new HashMap<>();
    List<Admission> admitted = new ArrayList<>();
    for (Request r : requests) {
      Admission a = r.admission();
      if (existing.contains(a) || admitted.contains(a) || isEntitledNow(c, tables, r, subscribed)) {
        entitled.add(r);
        if (!existing.contains(a) && !admitted.contains(a)) {
          admitted.add(a);
        }
      }
    }
    tables.admissions().insert(c, admitted, now);
    return entitled;
  }

  private static boolean isEntitledNow(
      Connection c, Tables tables, Request r, Map<String, Boolean> subscribed) throws SQLException {
    Product p = r.product();
    if (p.pricing() == Pricing.FREE) {
      return true;
    }
    if (p.preview() && p.sellerAccountId().equals(r.awsAccountId())) {
      return true;
    }
    String key = p.productCode() + "/" + r.awsAccountId();
    Boolean known = subscribed.get(key);
    if (known == null) {
      known = tables.subscriptions().findActive(c, p.productCode(), r.awsAccountId()) != null;
      subscribed.put(key, known);
    }
    return known;
  }
}
