package io.meterline.server.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.domain.Account;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.NotificationFormat;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Subscription;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bodies of subscription notifications, in AWS's shapes (contracts-facts §5): the SNS envelope
 * around the JSON message of the subscription topic, or an EventBridge event of source {@code
 * aws.agreement-marketplace}.
 */
final class Messages {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String REGION = "us-east-1";

  /** The one action of the entitlement topic: new, amended, renewed or ended (facts §5.1). */
  static final String ENTITLEMENT_UPDATED = "entitlement-updated";

  private Messages() {}

  /**
   * The SNS topic a product's notifications of this action are published to: the entitlement topic
   * for {@code entitlement-updated}, else the subscription topic.
   */
  static String topicArn(Product product, String action) {
    return "arn:aws:sns:"
        + REGION
        + ":"
        + product.sellerAccountId()
        + (action.equals(ENTITLEMENT_UPDATED)
            ? ":aws-mp-entitlement-notification-"
            : ":aws-mp-subscription-notification-")
        + product.productCode();
  }

  static String body(
      NotificationFormat format,
      String action,
      Product product,
      Subscription subscription,
      Account buyer,
      Instant at) {
    return format == NotificationFormat.SNS
        ? sns(action, product, buyer, at)
        : action.equals(ENTITLEMENT_UPDATED)
            ? licenseEvent(product, subscription, buyer, at)
            : eventBridge(action, product, subscription, buyer, at);
  }

  // facts §5.1: the message is the topic's JSON, carried as a string in the envelope's Message.
  private static String sns(String action, Product product, Account buyer, Instant at) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("action", action);
    message.put("customer-identifier", buyer.customerIdentifier());
    message.put("product-code", product.productCode());
    if (!action.equals(ENTITLEMENT_UPDATED)) {
      message.put("isFreeTrialTermPresent", "false");
    }
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("Type", "Notification");
    envelope.put("MessageId", Ids.uuid());
    envelope.put("TopicArn", topicArn(product, action));
    envelope.put("Message", write(message));
    envelope.put("Timestamp", at.truncatedTo(ChronoUnit.MILLIS).toString());
    return write(envelope);
  }

  // facts §5.2: a license provisioned or updated, or revoked at the contract's end.
  private static String licenseEvent(
      Product product, Subscription subscription, Account buyer, Instant at) {
    boolean ended =
        subscription.contractEndedAt(at)
            || subscription.endedAt() != null && !at.isBefore(subscription.endedAt());
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("requestId", Ids.uuid());
    detail.put("catalog", "AWSMarketplace");
    detail.put("agreement", Map.of("id", agreementId(subscription)));
    Map<String, Object> productRef = new LinkedHashMap<>();
    productRef.put("code", product.productCode());
    if (product.productId() != null) {
      productRef.put("id", product.productId());
    }
    detail.put("product", productRef);
    detail.put("license", Map.of("arn", Ids.licenseArn(subscription.subscriptionId())));
    detail.put("acceptor", Map.of("accountId", buyer.awsAccountId()));
    detail.put("proposer", Map.of("accountId", product.sellerAccountId()));
    return write(
        event(
            ended ? "License Deprovisioned - Manufacturer" : "License Updated - Manufacturer",
            product,
            subscription,
            at,
            detail));
  }

  // facts §5.2: agreement events for the seller (the manufacturer).
  private static String eventBridge(
      String action, Product product, Subscription subscription, Account buyer, Instant at) {
    boolean ended = action.startsWith("unsubscribe");
    Map<String, Object> agreement = new LinkedHashMap<>();
    agreement.put("id", agreementId(subscription));
    if (ended) {
      agreement.put("status", "CANCELLED");
    } else {
      agreement.put("intent", "NEW");
      agreement.put("status", "ACTIVE");
      agreement.put("acceptanceTime", subscription.startedAt().toString());
      agreement.put("startTime", subscription.startedAt().toString());
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("requestId", Ids.uuid());
    detail.put("catalog", "AWSMarketplace");
    detail.put("agreement", agreement);
    detail.put("acceptor", Map.of("accountId", buyer.awsAccountId()));
    detail.put("proposer", Map.of("accountId", product.sellerAccountId()));
    detail.put("product", Map.of("code", product.productCode(), "title", product.name()));
    return write(
        event(
            ended
                ? "Purchase Agreement Ended - Manufacturer"
                : "Purchase Agreement Created - Manufacturer",
            product,
            subscription,
            at,
            detail));
  }

  private static Map<String, Object> event(
      String detailType,
      Product product,
      Subscription subscription,
      Instant at,
      Map<String, Object> detail) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("version", "0");
    event.put("id", Ids.uuid());
    event.put("detail-type", detailType);
    event.put("source", "aws.agreement-marketplace");
    event.put("account", product.sellerAccountId());
    event.put("time", at.truncatedTo(ChronoUnit.SECONDS).toString());
    event.put("region", REGION);
    event.put(
        "resources",
        List.of("arn:aws:aws-marketplace::aws:agreement:" + agreementId(subscription)));
    event.put("detail", detail);
    return event;
  }

  /** The agreement a subscription stands for: {@code agmt-} and its id. */
  static String agreementId(Subscription subscription) {
    return "agmt-" + subscription.subscriptionId().substring("sub-".length());
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a notification", e);
    }
  }
}
