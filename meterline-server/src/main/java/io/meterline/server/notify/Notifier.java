package io.meterline.server.notify;

import io.meterline.server.domain.Account;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.Notification;
import io.meterline.server.domain.NotificationFormat;
import io.meterline.server.domain.NotificationTarget;
import io.meterline.server.domain.Pricing;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Subscription;
import io.meterline.server.store.Database;
import io.meterline.server.store.Tables;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscription notifications (SPEC §3.5): queued in the transaction of the change they announce,
 * then POSTed to the product's URL from the outbox, tried again with backoff on real time until the
 * receiver answers 2xx or the tries run out. Only loopback and the hosts the operator allowed are
 * ever called.
 *
 * <p>A SaaS unsubscribe is {@code unsubscribe-pending} at once and {@code unsubscribe-success} one
 * hour of service time later (the window in which BatchMeterUsage still takes the customer's
 * records); subscribing again within the window cancels the success and sends {@code
 * subscribe-success}. A container product's page defines no pending step (facts §5.1), so its
 * unsubscribe is {@code unsubscribe-success} at once.
 */
public final class Notifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

  /** Tries in all: the first and five more. */
  static final int MAX_ATTEMPTS = 6;

  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration MAX_RETRY = Duration.ofMinutes(1);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int PER_PASS = 100;
  private static final int MAX_ERROR = 300;

  private final Database db;
  private final Tables tables;
  private final Clock serviceClock;
  private final Clock realClock;
  private final Set<String> allowedHosts;
  private final HttpClient http;
  private final ScheduledExecutorService timer;

  /**
   * @param allowedHosts hosts besides loopback that may be notified, lower case
   * @param interval how often the outbox is looked at
   */
  public Notifier(
      Database db,
      Tables tables,
      Clock serviceClock,
      Clock realClock,
      Set<String> allowedHosts,
      Duration interval) {
    this.db = db;
    this.tables = tables;
    this.serviceClock = serviceClock;
    this.realClock = realClock;
    this.allowedHosts = Set.copyOf(allowedHosts);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "meterline-notifier");
              t.setDaemon(true);
              return t;
            });
    long millis = interval.toMillis();
    timer.scheduleWithFixedDelay(this::deliverQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Why a URL may not be notified, or {@code null} when it may: http or https, to a loopback
   * address or a host the operator allowed ({@code serve --notify-allow}).
   */
  public String refusal(String url) {
    return refusal(url, allowedHosts);
  }

  static String refusal(String url, Set<String> allowedHosts) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      return "is not a URL: " + e.getMessage();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "must be an http or https URL";
    }
    String host = uri.getHost();
    if (host == null) {
      return "has no host";
    }
    host = host.toLowerCase(Locale.ROOT);
    if (isLoopback(host) || allowedHosts.contains(host)) {
      return null;
    }
    return "names host "
        + host
        + ", which this server does not notify: only loopback, and hosts allowed with "
        + "serve --notify-allow";
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost")
        || host.startsWith("127.")
            && host.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch))
        || host.equals("[::1]")
        || host.equals("::1");
  }

  /** Queues {@code subscribe-success}, cancelling an {@code unsubscribe-success} still pending. */
  public void subscribed(Connection c, Product product, Subscription subscription)
      throws SQLException {
    tables
        .notifications()
        .cancel(c, product.productCode(), subscription.awsAccountId(), "unsubscribe-success");
    queue(c, product, subscription, "subscribe-success", serviceClock.instant());
  }

  /** Queues what an ended subscription announces (see the class's notes). */
  public void unsubscribed(Connection c, Product product, Subscription subscription)
      throws SQLException {
    Instant endedAt = subscription.endedAt();
    if (product.saas()) {
      queue(c, product, subscription, "unsubscribe-pending", endedAt);
      queue(
          c,
          product,
          subscription,
          "unsubscribe-success",
          endedAt.plus(Subscription.UNSUBSCRIBE_PENDING));
    } else {
      queue(c, product, subscription, "unsubscribe-success", endedAt);
    }
    if (product.pricing() == Pricing.CONTRACT) {
      // The license is deactivated now: its end, announced for later, comes now.
      tables
          .notifications()
          .cancelDueAfter(c, subscription.subscriptionId(), Messages.ENTITLEMENT_UPDATED, endedAt);
      queue(c, product, subscription, Messages.ENTITLEMENT_UPDATED, endedAt);
    }
  }

  /**
   * Queues {@code entitlement-updated} for a contract that began, was amended or renewed, now, and
   * for its end when that is still to come; an end announced before and now moved is cancelled.
   */
  public void entitlementsChanged(Connection c, Product product, Subscription subscription)
      throws SQLException {
    Instant now = serviceClock.instant();
    tables
        .notifications()
        .cancelDueAfter(c, subscription.subscriptionId(), Messages.ENTITLEMENT_UPDATED, now);
    queue(c, product, subscription, Messages.ENTITLEMENT_UPDATED, now);
    Instant ends = subscription.contractEndsAt();
    if (ends != null && ends.isAfter(now)) {
      queue(c, product, subscription, Messages.ENTITLEMENT_UPDATED, ends);
    }
  }

  private void queue(
      Connection c, Product product, Subscription subscription, String action, Instant dueAt)
      throws SQLException {
    NotificationTarget target = tables.notifications().target(c, product.productCode());
    if (target == null) {
      return;
    }
    Account buyer = tables.accounts().find(c, subscription.awsAccountId());
    Instant now = serviceClock.instant();
    tables
        .notifications()
        .insert(
            c,
            new Notification(
                Ids.uuid(),
                product.productCode(),
                subscription.subscriptionId(),
                subscription.awsAccountId(),
                action,
                target.url(),
                target.format(),
                Messages.body(target.format(), action, product, subscription, buyer, dueAt),
                now,
                dueAt,
                Notification.Status.PENDING,
                0,
                realClock.instant(),
                null,
                null,
                null));
  }

  /** Tries every notification due now once; returns how many it tried. */
  public int deliverDue() {
    List<Notification> due =
        db.read(
            c ->
                tables
                    .notifications()
                    .due(c, serviceClock.instant(), realClock.instant(), PER_PASS));
    for (Notification n : due) {
      Notification tried = attempt(n);
      db.write(
              c -> {
                tables.notifications().recordTry(c, tried);
                return null;
              })
          .join();
    }
    return due.size();
  }

  private void deliverQuietly() {
    try {
      deliverDue();
    } catch (RuntimeException e) {
      LOG.warn("delivering notifications failed; trying again shortly", e);
    }
  }

  private Notification attempt(Notification n) {
    Integer status = null;
    String error;
    try {
      HttpResponse<Void> response = http.send(request(n), HttpResponse.BodyHandlers.discarding());
      status = response.statusCode();
      error = status / 100 == 2 ? null : "the receiver answered HTTP " + status;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = "interrupted";
    } catch (Exception e) {
      error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    Instant now = realClock.instant();
    if (error == null) {
      return n.tried(Notification.Status.DELIVERED, now, status, null, now);
    }
    if (error.length() > MAX_ERROR) {
      error = error.substring(0, MAX_ERROR);
    }
    int attempts = n.attempts() + 1;
    if (attempts >= MAX_ATTEMPTS) {
      LOG.warn(
          "notification {} ({}) to {} failed {} times; no more tries: {}",
          n.notificationId(),
          n.action(),
          n.url(),
          attempts,
          error);
      return n.tried(Notification.Status.FAILED, now, status, error, now);
    }
    return n.tried(Notification.Status.PENDING, now.plus(backoff(attempts)), status, error, now);
  }

  /** The wait after the given number of failed tries: 1 s, doubling, at most a minute. */
  static Duration backoff(int failedTries) {
    Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(failedTries - 1, 16));
    return wait.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait;
  }

  // SNS's HTTP deliveries carry the message type, id and topic as headers too.
  private static HttpRequest request(Notification n) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(n.url()))
            .timeout(TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofString(n.body()));
    if (n.format() == NotificationFormat.SNS) {
      b.header("Content-Type", "text/plain; charset=UTF-8")
          .header("x-amz-sns-message-type", "Notification")
          .header("x-amz-sns-message-id", n.notificationId());
    } else {
      b.header("Content-Type", "application/json");
    }
    return b.build();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
