package io.meterline.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.HookReceiver;
import io.meterline.server.testing.ServerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

/**
 * Subscription notifications (SPEC §3.5) delivered to a receiver on loopback, over real sockets:
 * their shapes, the unsubscribe-pending window and its effect on BatchMeterUsage, retries with
 * backoff, the delivery log, and the hosts allowed.
 */
class NotificationsTest {
  @RegisterExtension static final ServerExtension server = ServerExtension.withDefaults();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private HookReceiver hook;

  @BeforeEach
  void receiver() throws Exception {
    hook = new HookReceiver();
  }

  @AfterEach
  void closeReceiver() throws Exception {
    hook.close();
  }

  private static AdminClient admin() {
    return server.admin();
  }

  private String productNotifying(JsonNode product, String format) {
    String code = product.get("productCode").asText();
    admin()
        .send(
            "PUT",
            "/products/" + code + "/notifications",
            Map.of("url", hook.url(), "format", format))
        .expect(200);
    return code;
  }

  private static JsonNode snsMessage(HookReceiver.Received r) throws Exception {
    JsonNode envelope = JSON.readTree(r.body());
    assertThat(envelope.get("Type").asText()).isEqualTo("Notification");
    assertThat(r.headers()).containsEntry("x-amz-sns-message-type", "Notification");
    return JSON.readTree(envelope.get("Message").asText());
  }

  @Test
  void saasUnsubscribe_isPendingForAnHour_inWhichBatchMeterUsageStillTakesRecords()
      throws Exception {
    String seller = ServerExtension.newAccountId();
    String code = productNotifying(admin().saasProduct(seller, "Users"), "SNS");
    String buyer = server.buyer();
    String customer = admin().get("/buyers/" + buyer).get("customerIdentifier").asText();
    JsonNode subscription = admin().subscribe(code, buyer);

    HookReceiver.Received subscribed = hook.next(WAIT);
    JsonNode envelope = JSON.readTree(subscribed.body());
    assertThat(envelope.get("TopicArn").asText())
        .isEqualTo("arn:aws:sns:us-east-1:" + seller + ":aws-mp-subscription-notification-" + code);
    JsonNode message = snsMessage(subscribed);
    assertThat(message.get("action").asText()).isEqualTo("subscribe-success");
    assertThat(message.get("customer-identifier").asText()).isEqualTo(customer);
    assertThat(message.get("product-code").asText()).isEqualTo(code);
    assertThat(message.get("isFreeTrialTermPresent").asText()).isEqualTo("false");

    server.admin().advanceClock("PT10M");
    admin().unsubscribe(subscription.get("subscriptionId").asText());
    assertThat(snsMessage(hook.next(WAIT)).get("action").asText()).isEqualTo("unsubscribe-pending");
    Instant endedAt = server.now();

    JsonNode key = admin().accessKey(seller, "SELLER");
    MarketplaceMeteringClient metering =
        server.client(
            AwsBasicCredentials.create(
                key.get("accessKeyId").asText(), key.get("secretAccessKey").asText()),
            "us-east-1");
    server.admin().advanceClock("PT30M");
    assertThat(batch(metering, code, customer, endedAt.plus(Duration.ofMinutes(20))))
        .as("timed and received within the pending hour")
        .isEqualTo(UsageRecordResultStatus.SUCCESS);
    assertThat(hook.poll(Duration.ofMillis(600)))
        .as("nothing more before the hour is over")
        .isNull();

    server.admin().advanceClock("PT31M");
    assertThat(snsMessage(hook.next(WAIT)).get("action").asText()).isEqualTo("unsubscribe-success");
    assertThat(batch(metering, code, customer, endedAt.plus(Duration.ofMinutes(25))))
        .as("after the pending hour")
        .isEqualTo(UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED);
  }

  private static UsageRecordResultStatus batch(
      MarketplaceMeteringClient client, String code, String customer, Instant at) {
    return client
        .batchMeterUsage(
            b ->
                b.productCode(code)
                    .usageRecords(
                        List.of(
                            UsageRecord.builder()
                                .customerIdentifier(customer)
                                .dimension("Users")
                                .quantity(1)
                                .timestamp(at)
                                .build())))
        .results()
        .get(0)
        .status();
  }

  @Test
  void subscribingAgainWithinThePendingHour_sendsSubscribeSuccess_insteadOfUnsubscribeSuccess()
      throws Exception {
    String code =
        productNotifying(admin().saasProduct(ServerExtension.newAccountId(), "Users"), "SNS");
    String buyer = server.buyer();
    JsonNode first = admin().subscribe(code, buyer);
    assertThat(snsMessage(hook.next(WAIT)).get("action").asText()).isEqualTo("subscribe-success");
    admin().unsubscribe(first.get("subscriptionId").asText());
    assertThat(snsMessage(hook.next(WAIT)).get("action").asText()).isEqualTo("unsubscribe-pending");

    admin().subscribe(code, buyer);
    assertThat(snsMessage(hook.next(WAIT)).get("action").asText()).isEqualTo("subscribe-success");
    server.admin().advanceClock("PT2H");
    assertThat(hook.poll(Duration.ofSeconds(1))).as("the success was cancelled").isNull();
    JsonNode log = admin().get("/notifications/deliveries?productCode=" + code);
    assertThat(log.get("items"))
        .extracting(n -> n.get("action").asText() + " " + n.get("status").asText())
        .contains("unsubscribe-success CANCELLED");
  }

  @Test
  void eventBridgeFormat_sendsAgreementEvents_andAContainerUnsubscribeEndsAtOnce()
      throws Exception {
    String seller = ServerExtension.newAccountId();
    String code = productNotifying(admin().customProduct(seller, "Hosts"), "EVENTBRIDGE");
    String buyer = server.buyer();
    JsonNode subscription = admin().subscribe(code, buyer);

    HookReceiver.Received created = hook.next(WAIT);
    assertThat(created.headers().get("content-type")).startsWith("application/json");
    JsonNode event = JSON.readTree(created.body());
    assertThat(event.get("source").asText()).isEqualTo("aws.agreement-marketplace");
    assertThat(event.get("detail-type").asText())
        .isEqualTo("Purchase Agreement Created - Manufacturer");
    assertThat(event.get("account").asText()).isEqualTo(seller);
    assertThat(event.get("region").asText()).isEqualTo("us-east-1");
    JsonNode detail = event.get("detail");
    assertThat(detail.get("acceptor").get("accountId").asText()).isEqualTo(buyer);
    assertThat(detail.get("agreement").get("status").asText()).isEqualTo("ACTIVE");
    assertThat(detail.get("product").get("code").asText()).isEqualTo(code);
    assertThat(event.get("resources").get(0).asText())
        .startsWith("arn:aws:aws-marketplace::aws:agreement:agmt-");

    admin().unsubscribe(subscription.get("subscriptionId").asText());
    JsonNode ended = JSON.readTree(hook.next(WAIT).body());
    assertThat(ended.get("detail-type").asText())
        .isEqualTo("Purchase Agreement Ended - Manufacturer");
    assertThat(ended.get("detail").get("agreement").get("id").asText())
        .isEqualTo(detail.get("agreement").get("id").asText());
  }

  @Test
  void aReceiverThatFails_isTriedAgainWithBackoff_andTheLogSaysHowItWent() throws Exception {
    String code =
        productNotifying(admin().customProduct(ServerExtension.newAccountId(), "Hosts"), "SNS");
    hook.answer(500, 503);
    admin().subscribe(code, server.buyer());

    HookReceiver.Received first = hook.next(WAIT);
    HookReceiver.Received second = hook.next(WAIT);
    HookReceiver.Received third = hook.next(WAIT);
    assertThat(List.of(first.answered(), second.answered(), third.answered()))
        .containsExactly(500, 503, 200);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(third.body()).isEqualTo(first.body());

    JsonNode delivered = awaitStatus(code, "DELIVERED");
    assertThat(delivered.get("attempts").asInt()).isEqualTo(3);
    assertThat(delivered.get("lastStatus").asInt()).isEqualTo(200);
    assertThat(Duration.between(first.at(), second.at())).isGreaterThan(Duration.ofMillis(900));
    assertThat(Duration.between(second.at(), third.at())).isGreaterThan(Duration.ofMillis(1900));
  }

  private JsonNode awaitStatus(String code, String status) throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    while (Instant.now().isBefore(deadline)) {
      JsonNode latest = admin().get("/notifications/deliveries?productCode=" + code).get("items");
      if (latest.size() > 0 && latest.get(0).get("status").asText().equals(status)) {
        return latest.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the notification of " + code + " never became " + status);
  }

  @Test
  void aUrlOnAnotherHost_isRefused_namingTheField_andNothingIsSentWithoutATarget() {
    String code =
        admin().customProduct(ServerExtension.newAccountId(), "Hosts").get("productCode").asText();
    AdminClient.Reply refused =
        admin()
            .send(
                "PUT",
                "/products/" + code + "/notifications",
                Map.of("url", "http://example.com/hook"));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().get("field").asText()).isEqualTo("url");
    assertThat(refused.body().get("message").asText()).contains("--notify-allow");
    assertThat(admin().send("GET", "/products/" + code + "/notifications", null).status())
        .isEqualTo(404);
    assertThat(
            admin()
                .send("PUT", "/products/" + code + "/notifications", Map.of("url", "ftp://x/y"))
                .status())
        .isEqualTo(400);
  }
}
