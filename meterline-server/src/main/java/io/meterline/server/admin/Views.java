package io.meterline.server.admin;

import io.meterline.server.auth.TemporaryCredentials;
import io.meterline.server.domain.Account;
import io.meterline.server.domain.ContractLine;
import io.meterline.server.domain.ContractTerm;
import io.meterline.server.domain.Dimension;
import io.meterline.server.domain.LedgerEntry;
import io.meterline.server.domain.PriceList;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.ProductKey;
import io.meterline.server.domain.Subscription;
import io.meterline.server.domain.Task;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API's JSON shapes of the domain: instants as ISO-8601 strings, money as decimal
 * strings, absent values left out.
 */
final class Views {
  private Views() {}

  static Map<String, Object> product(Product p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("productCode", p.productCode());
    m.put("name", p.name());
    m.put("pricing", p.pricing().name());
    putIfSet(m, "productId", p.productId());
    putIfSet(m, "hourlyPrice", money(p.hourlyPrice()));
    putIfSet(m, "monthlyPrice", money(p.monthlyPrice()));
    m.put("dimensions", p.dimensions().stream().map(Views::dimension).toList());
    m.put("preview", p.preview());
    m.put("saas", p.saas());
    m.put("sellerAccountId", p.sellerAccountId());
    ProductKey current = p.currentKey();
    m.put("publicKeyVersion", current.version());
    m.put("publicKeyPem", current.publicKeyPem());
    m.put("publicKeys", p.keys().stream().map(Views::key).toList());
    m.put("priceHistory", p.priceHistory().stream().map(Views::prices).toList());
    m.put("createdAt", iso(p.createdAt()));
    return m;
  }

  static Map<String, Object> prices(PriceList prices) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("since", iso(prices.since()));
    putIfSet(m, "hourlyPrice", money(prices.hourlyPrice()));
    putIfSet(m, "monthlyPrice", money(prices.monthlyPrice()));
    List<Map<String, Object>> dimensions = new java.util.ArrayList<>();
    new java.util.TreeMap<>(prices.dimensions())
        .forEach((name, price) -> dimensions.add(nameAndPrice(name, price)));
    m.put("dimensions", dimensions);
    return m;
  }

  // Members in a fixed order (Map.of's is unspecified and changes from run to run).
  private static Map<String, Object> nameAndPrice(String name, BigDecimal price) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("price", money(price));
    return m;
  }

  static Map<String, Object> key(ProductKey k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("publicKeyVersion", k.version());
    m.put("publicKeyPem", k.publicKeyPem());
    m.put("createdAt", iso(k.createdAt()));
    putIfSet(m, "retiredAt", iso(k.retiredAt()));
    return m;
  }

  static Map<String, Object> dimension(Dimension d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", d.name());
    putIfSet(m, "unit", d.unit());
    m.put("price", money(d.price()));
    return m;
  }

  static Map<String, Object> account(Account a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("awsAccountId", a.awsAccountId());
    m.put("customerIdentifier", a.customerIdentifier());
    m.put("createdAt", iso(a.createdAt()));
    return m;
  }

  static Map<String, Object> subscription(Subscription s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("subscriptionId", s.subscriptionId());
    m.put("productCode", s.productCode());
    m.put("awsAccountId", s.awsAccountId());
    m.put("status", s.endedAt() == null ? "ACTIVE" : "ENDED");
    m.put("startedAt", iso(s.startedAt()));
    putIfSet(m, "endedAt", iso(s.endedAt()));
    putIfSet(m, "registrationTokenExpiresAt", iso(s.tokenExpiresAt()));
    m.put("contract", s.contract().stream().map(Views::contractLine).toList());
    putIfSet(m, "contractEndsAt", iso(s.contractEndsAt()));
    if (!s.amendments().isEmpty()) {
      m.put("contractHistory", s.amendments().stream().map(Views::contractTerm).toList());
    }
    return m;
  }

  private static Map<String, Object> contractTerm(ContractTerm t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("since", iso(t.since()));
    m.put("until", iso(t.until()));
    putIfSet(m, "endsAt", iso(t.endsAt()));
    m.put("contract", t.lines().stream().map(Views::contractLine).toList());
    return m;
  }

  static Map<String, Object> contractLine(ContractLine c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dimension", c.dimension());
    m.put("quantity", c.quantity());
    if (c.per() != null) {
      m.put("per", c.per().name());
    }
    putIfSet(m, "price", money(c.price()));
    return m;
  }

  static Map<String, Object> task(Task t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("taskId", t.taskId());
    m.put("taskArn", t.taskArn());
    m.put("awsAccountId", t.awsAccountId());
    m.put("region", t.region());
    m.put("platform", t.platform().name());
    m.put("cluster", t.cluster());
    m.put("status", t.stoppedAt() == null ? "RUNNING" : "STOPPED");
    putIfSet(m, "productCode", t.productCode());
    m.put("startedAt", iso(t.startedAt()));
    putIfSet(m, "stoppedAt", iso(t.stoppedAt()));
    putIfSet(m, "credentialsExpireAt", iso(t.credentialsExpireAt()));
    return m;
  }

  static Map<String, Object> credentials(TemporaryCredentials.Issued c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("accessKeyId", c.accessKeyId());
    m.put("secretAccessKey", c.secretAccessKey());
    m.put("sessionToken", c.sessionToken());
    m.put("expiration", iso(c.expiration()));
    return m;
  }

  static Map<String, Object> usage(LedgerEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("meteringRecordId", e.recordId());
    m.put("productCode", e.key().productCode());
    m.put("awsAccountId", e.awsAccountId());
    m.put("dimension", e.key().dimension());
    m.put("hour", iso(e.key().hour()));
    m.put("quantity", e.quantity());
    m.put("source", e.source().name());
    putIfSet(m, "taskId", e.taskId());
    m.put("usageTime", iso(e.usageTime()));
    m.put("recordedAt", iso(e.recordedAt()));
    return m;
  }

  static Map<String, Object> list(String name, List<?> items) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(name, items);
    return m;
  }

  static String iso(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  static String money(BigDecimal value) {
    return value == null ? null : value.toPlainString();
  }

  private static void putIfSet(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
