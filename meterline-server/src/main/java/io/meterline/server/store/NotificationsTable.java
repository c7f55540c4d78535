package io.meterline.server.store;

import io.meterline.server.domain.Notification;
import io.meterline.server.domain.NotificationFormat;
import io.meterline.server.domain.NotificationTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Where each product's notifications go, and the outbox of notifications with their deliveries. */
public final class NotificationsTable {
  private static final String COLUMNS =
      "notification_id, product_code, subscription_id, aws_account_id, action, url, format, body, "
          + "created_at, due_at, status, attempts, next_attempt_at, last_status, last_error, "
          + "delivered_at";

  /** Sets (or replaces) where a product's notifications go. */
  public void setTarget(Connection c, NotificationTarget t) throws SQLException {
    Jdbc.update(c, "DELETE FROM product_notifications WHERE product_code = ?", t.productCode());
    Jdbc.update(
        c,
        "INSERT INTO product_notifications (product_code, url, format, updated_at) "
            + "VALUES (?, ?, ?, ?)",
        t.productCode(),
        t.url(),
        t.format().name(),
        t.updatedAt());
  }

  /** Where a product's notifications go, or {@code null} when nowhere. */
  public NotificationTarget target(Connection c, String productCode) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT product_code, url, format, updated_at FROM product_notifications "
            + "WHERE product_code = ?",
        rs ->
            new NotificationTarget(
                rs.getString("product_code"),
                rs.getString("url"),
                NotificationFormat.valueOf(rs.getString("format")),
                Jdbc.instant(rs, "updated_at")),
        productCode);
  }

  /** Stops sending a product's notifications; whether it had a target. */
  public boolean clearTarget(Connection c, String productCode) throws SQLException {
    return Jdbc.update(c, "DELETE FROM product_notifications WHERE product_code = ?", productCode)
        > 0;
  }

  public void insert(Connection c, Notification n) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO notifications ("
            + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        n.notificationId(),
        n.productCode(),
        n.subscriptionId(),
        n.awsAccountId(),
        n.action(),
        n.url(),
        n.format().name(),
        n.body(),
        n.createdAt(),
        n.dueAt(),
        n.status().name(),
        n.attempts(),
        n.nextAttemptAt(),
        n.lastStatus(),
        n.lastError(),
        n.deliveredAt());
  }

  /** Pending notifications due by this service time whose next try is due by this real time. */
  public List<Notification> due(Connection c, Instant serviceNow, Instant realNow, int limit)
      throws SQLException {
    return Jdbc.query(
        c,
        "SELECT "
            + COLUMNS
            + " FROM notifications WHERE status = 'PENDING' AND due_at <= ? "
            + "AND next_attempt_at <= ? ORDER BY due_at, notification_id LIMIT ?",
        NotificationsTable::map,
        serviceNow,
        realNow,
        limit);
  }

  /** Records a try: status, attempts, next try, what the receiver said. */
  public void recordTry(Connection c, Notification n) throws SQLException {
    Jdbc.update(
        c,
        "UPDATE notifications SET status = ?, attempts = ?, next_attempt_at = ?, last_status = ?, "
            + "last_error = ?, delivered_at = ? WHERE notification_id = ?",
        n.status().name(),
        n.attempts(),
        n.nextAttemptAt(),
        n.lastStatus(),
        n.lastError(),
        n.deliveredAt(),
        n.notificationId());
  }

  /**
   * Cancels the pending notifications of an action for an account's subscriptions to a product;
   * returns how many.
   */
  public int cancel(Connection c, String productCode, String awsAccountId, String action)
      throws SQLException {
    return Jdbc.update(
        c,
        "UPDATE notifications SET status = 'CANCELLED' WHERE product_code = ? "
            + "AND aws_account_id = ? AND action = ? AND status = 'PENDING'",
        productCode,
        awsAccountId,
        action);
  }

  /** Cancels a subscription's pending notifications of an action due after {@code after}. */
  public int cancelDueAfter(Connection c, String subscriptionId, String action, Instant after)
      throws SQLException {
    return Jdbc.update(
        c,
        "UPDATE notifications SET status = 'CANCELLED' WHERE subscription_id = ? "
            + "AND action = ? AND status = 'PENDING' AND due_at > ?",
        subscriptionId,
        action,
        after);
  }

  /** The latest notifications, newest first, of one product or of all ({@code null}). */
  public List<Notification> latest(Connection c, String productCode, int limit)
      throws SQLException {
    return productCode == null
        ? Jdbc.query(
            c,
            "SELECT "
                + COLUMNS
                + " FROM notifications "
                + "ORDER BY created_at DESC, notification_id DESC LIMIT ?",
            NotificationsTable::map,
            limit)
        : Jdbc.query(
            c,
            "SELECT "
                + COLUMNS
                + " FROM notifications WHERE product_code = ? "
                + "ORDER BY created_at DESC, notification_id DESC LIMIT ?",
            NotificationsTable::map,
            productCode,
            limit);
  }

  private static Notification map(ResultSet rs) throws SQLException {
    int lastStatus = rs.getInt("last_status");
    Integer status = rs.wasNull() ? null : lastStatus;
    return new Notification(
        rs.getString("notification_id"),
        rs.getString("product_code"),
        rs.getString("subscription_id"),
        rs.getString("aws_account_id"),
        rs.getString("action"),
        rs.getString("url"),
        NotificationFormat.valueOf(rs.getString("format")),
        rs.getString("body"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "due_at"),
        Notification.Status.valueOf(rs.getString("status")),
        rs.getInt("attempts"),
        Jdbc.instant(rs, "next_attempt_at"),
        status,
        rs.getString("last_error"),
        Jdbc.instant(rs, "delivered_at"));
  }
}
