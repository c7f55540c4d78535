package io.meterline.server.admin;

import io.meterline.server.domain.Notification;
import io.meterline.server.domain.NotificationFormat;
import io.meterline.server.domain.NotificationTarget;
import io.meterline.server.domain.Product;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where a product's subscription notifications go, and the log of their deliveries. */
final class NotificationsAdmin {
  private static final int MAX_URL = 2048;

  private final AdminContext ctx;

  NotificationsAdmin(AdminContext ctx) {
    this.ctx = ctx;
  }

  Map<String, Object> set(String productCode, Body body) {
    body.only("url", "format");
    String url = body.string("url");
    if (url.length() > MAX_URL) {
      throw AdminException.badField("url", "must be at most " + MAX_URL + " characters");
    }
    String refusal = ctx.notifier().refusal(url);
    if (refusal != null) {
      throw AdminException.badField("url", "url " + refusal);
    }
    NotificationFormat format =
        body.has("format")
            ? body.enumValue("format", NotificationFormat.class)
            : NotificationFormat.SNS;
    NotificationTarget target =
        new NotificationTarget(productCode, url, format, ctx.clock().instant());
    ctx.write(
        c -> {
          product(c, productCode);
          ctx.tables().notifications().setTarget(c, target);
          return null;
        });
    return view(target);
  }

  Map<String, Object> get(String productCode) {
    NotificationTarget target =
        ctx.read(
            c -> {
              product(c, productCode);
              return ctx.tables().notifications().target(c, productCode);
            });
    if (target == null) {
      throw AdminException.notFound(
          null, "product " + productCode + " sends no notifications; PUT a url to send them");
    }
    return view(target);
  }

  Map<String, Object> clear(String productCode) {
    ctx.write(
        c -> {
          product(c, productCode);
          return ctx.tables().notifications().clearTarget(c, productCode);
        });
    return Map.of("productCode", productCode, "notifications", "off");
  }

  /** The latest notifications, newest first, with how their delivery went. */
  Map<String, Object> deliveries(Map<String, String> query) {
    int limit = Paging.limit(query);
    String productCode = query.get("productCode");
    List<Notification> latest =
        ctx.read(c -> ctx.tables().notifications().latest(c, productCode, limit));
    return Map.of("items", latest.stream().map(NotificationsAdmin::delivery).toList());
  }

  private Product product(java.sql.Connection c, String productCode) throws java.sql.SQLException {
    Product product = ctx.tables().products().find(c, productCode);
    if (product == null) {
      throw AdminException.notFound(null, "no product has the code " + productCode);
    }
    return product;
  }

  private static Map<String, Object> view(NotificationTarget t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("productCode", t.productCode());
    m.put("url", t.url());
    m.put("format", t.format().name());
    m.put("updatedAt", Views.iso(t.updatedAt()));
    return m;
  }

  private static Map<String, Object> delivery(Notification n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("notificationId", n.notificationId());
    m.put("productCode", n.productCode());
    m.put("subscriptionId", n.subscriptionId());
    m.put("awsAccountId", n.awsAccountId());
    m.put("action", n.action());
    m.put("url", n.url());
    m.put("format", n.format().name());
    m.put("status", n.status().name());
    m.put("attempts", n.attempts());
    m.put("createdAt", Views.iso(n.createdAt()));
    m.put("dueAt", Views.iso(n.dueAt()));
    if (n.status() == Notification.Status.PENDING) {
      m.put("nextAttemptAt", Views.iso(n.nextAttemptAt()));
    }
    if (n.lastStatus() != null) {
      m.put("lastStatus", n.lastStatus());
    }
    if (n.lastError() != null) {
      m.put("lastError", n.lastError());
    }
    if (n.deliveredAt() != null) {
      m.put("deliveredAt", Views.iso(n.deliveredAt()));
    }
    m.put("body", n.body());
    return m;
  }
}
