package io.meterline.server.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A subscription notification (SPEC §3.5) in the outbox: the message as it will be sent, where to,
 * and how its delivery went.
 *
 * @param dueAt service time from which it is sent (later than now for {@code unsubscribe-success})
 * @param nextAttemptAt real time of the next try
 * @param lastStatus the receiver's HTTP status at the last try, {@code null} if none answered
 */
public record Notification(
    String notificationId,
    String productCode,
    String subscriptionId,
    String awsAccountId,
    String action,
    String url,
    NotificationFormat format,
    String body,
    Instant createdAt,
    Instant dueAt,
    Status status,
    int attempts,
    Instant nextAttemptAt,
    Integer lastStatus,
    String lastError,
    Instant deliveredAt) {

  /** Where a notification is in its life. */
  public enum Status {
    /** Waiting to be sent or to be tried again. */
    PENDING,
    /** A receiver answered 2xx. */
    DELIVERED,
    /** Every try failed; no more are made. */
    FAILED,
    /** Overtaken before it was due: the buyer subscribed again within the pending window. */
    CANCELLED
  }

  public Notification {
    Objects.requireNonNull(notificationId, "notificationId");
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(status, "status");
  }

  /** The same notification after a try. */
  public Notification tried(
      Status status, Instant nextAttemptAt, Integer lastStatus, String lastError, Instant at) {
    return new Notification(
        notificationId,
        productCode,
        subscriptionId,
        awsAccountId,
        action,
        url,
        format,
        body,
        createdAt,
        dueAt,
        status,
        attempts + 1,
        nextAttemptAt,
        lastStatus,
        lastError,
        status == Status.DELIVERED ? at : null);
  }
}
