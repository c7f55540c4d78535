package io.meterline.server.licenses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.HookReceiver;
import io.meterline.server.testing.ServerExtension;
import io.meterline.server.testing.ServiceClients;
import io.meterline.server.testing.TestServer;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.licensemanager.LicenseManagerClient;
import software.amazon.awssdk.services.licensemanager.model.CheckoutLicenseResponse;
import software.amazon.awssdk.services.licensemanager.model.CheckoutType;
import software.amazon.awssdk.services.licensemanager.model.EntitlementData;
import software.amazon.awssdk.services.licensemanager.model.EntitlementDataUnit;
import software.amazon.awssdk.services.licensemanager.model.GrantedLicense;
import software.amazon.awssdk.services.licensemanager.model.NoEntitlementsAllowedException;
import software.amazon.awssdk.services.licensemanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.marketplaceentitlement.MarketplaceEntitlementClient;
import software.amazon.awssdk.services.marketplaceentitlement.model.Entitlement;

/**
 * CONTRACT products (SPEC §3.5): the admin API's product id and units, subscriptions carrying a
 * contract with an end, their license through the SDK's LicenseManagerClient 2.40.2 (tier
 * selection, the Unit rules, expiry at the contract's end, amend and renew), GetEntitlements
 * through the MarketplaceEntitlementClient, the invoice's CONTRACT lines and the {@code
 * entitlement-updated} notifications; on each store (the subclasses).
 */
abstract class ContractProductsTest {
  /** The server the tests run against: on SQLite or on PostgreSQL. */
  abstract ServerExtension server();

  private static final String FINGERPRINT = "aws:294406891311:AWS/Marketplace:issuer-fingerprint";
  private static final ObjectMapper JSON = new ObjectMapper();

  private AdminClient admin() {
    return server().admin();
  }

  /** A CONTRACT product of seats at 10 a month and two tiers, Basic (free) and Premium (50). */
  private record Product(String code, String sku, String seller) {}

  /** A buyer's contract and the License Manager client of the buyer's task. */
  private record Buyer(String account, String subscriptionId, LicenseManagerClient lm) {}

  private Product product() {
    String seller = ServerExtension.newAccountId();
    JsonNode p =
        admin()
            .contractProduct(
                seller, "Seats", "Count", "10", "Basic", "None", "0", "Premium", "None", "50");
    return new Product(p.get("productCode").asText(), p.get("productId").asText(), seller);
  }

  private Buyer buyer(Product p, Instant endsAt, Object... contract) {
    String account = server().buyer();
    JsonNode s = admin().subscribeContract(p.code(), account, endsAt, contract);
    JsonNode task = admin().task(account, "us-east-1", "FARGATE");
    return new Buyer(
        account,
        s.get("subscriptionId").asText(),
        server()
            .track(
                ServiceClients.licenseManager(
                    server().endpoint(), TestServer.taskCredentials(task))));
  }

  private CheckoutLicenseResponse checkout(Buyer b, Product p, EntitlementData... wanted) {
    return b.lm()
        .checkoutLicense(
            r ->
                r.productSKU(p.sku())
                    .checkoutType(CheckoutType.PROVISIONAL)
                    .keyFingerprint(FINGERPRINT)
                    .entitlements(wanted)
                    .clientToken(UUID.randomUUID().toString()));
  }

  private EntitlementData seat() {
    return EntitlementData.builder()
        .name("Seats")
        .value("1")
        .unit(EntitlementDataUnit.COUNT)
        .build();
  }

  private EntitlementData tier(String name) {
    return EntitlementData.builder().name(name).unit(EntitlementDataUnit.NONE).build();
  }

  private NoEntitlementsAllowedException refused(Buyer b, Product p, EntitlementData... w) {
    return catchThrowableOfType(() -> checkout(b, p, w), NoEntitlementsAllowedException.class);
  }

  private GrantedLicense license(Buyer b) {
    List<GrantedLicense> licenses = b.lm().listReceivedLicenses(r -> {}).licenses();
    assertThat(licenses).hasSize(1);
    return licenses.get(0);
  }

  private List<Entitlement> entitlements(Product p, String buyer) {
    MarketplaceEntitlementClient client =
        server()
            .track(
                ServiceClients.entitlements(
                    server().endpoint(),
                    TestServer.keyCredentials(admin().accessKey(p.seller(), "SELLER"))));
    return client.getEntitlements(r -> r.productCode(p.code())).entitlements().stream()
        .filter(e -> e.customerAWSAccountId().equals(buyer))
        .toList();
  }

  @Test
  void theLicense_hasTheContractsSeatsAndTier_andACheckoutOfEveryTierGetsTheBoughtOne() {
    Product p = product();
    assertThat(UUID.fromString(p.sku())).as("a product id is minted as a UUID").isNotNull();
    Instant ends = admin().now().plus(Duration.ofDays(30));
    Buyer b = buyer(p, ends, "Seats", 2, "Premium", 1);

    GrantedLicense license = license(b);
    assertThat(license.productSKU()).isEqualTo(p.sku());
    assertThat(license.statusAsString()).isEqualTo("AVAILABLE");
    assertThat(Instant.parse(license.validity().end())).isEqualTo(ends);
    assertThat(license.entitlements())
        .extracting(e -> e.name() + " " + e.unitAsString() + " " + e.maxCount())
        .containsExactly("Seats Count 2", "Premium None null");

    CheckoutLicenseResponse tiers = checkout(b, p, tier("Basic"), tier("Premium"));
    assertThat(tiers.entitlementsAllowed())
        .as("facts §3: EntitlementsAllowed holds only the purchased tier")
        .extracting(e -> e.name() + " " + e.unitAsString())
        .containsExactly("Premium None");
    assertThat(checkout(b, p, seat(), tier("Premium")).entitlementsAllowed()).hasSize(2);

    assertThat(refused(b, p, tier("Basic"))).hasMessageContaining("none of the tiers");
    assertThat(refused(b, p, tier("Seats"))).hasMessageContaining("counted");
    EntitlementData countedTier =
        EntitlementData.builder()
            .name("Premium")
            .value("1")
            .unit(EntitlementDataUnit.COUNT)
            .build();
    assertThat(refused(b, p, countedTier)).hasMessageContaining("Unit None");
  }

  @Test
  void atTheContractsEnd_theLicenseExpires_andGetEntitlementsForgetsIt() {
    Product p = product();
    Instant ends = admin().now().plus(Duration.ofHours(2));
    Buyer b = buyer(p, ends, "Seats", 3, "Basic", 1);

    List<Entitlement> before = entitlements(p, b.account());
    assertThat(before)
        .extracting(
            e ->
                e.dimension()
                    + " "
                    + e.value().integerValue()
                    + " "
                    + e.value().booleanValue()
                    + " "
                    + e.expirationDate())
        .containsExactlyInAnyOrder("Seats 3 null " + ends, "Basic null true " + ends);
    checkout(b, p, seat());

    admin().advanceClock("PT2H");
    assertThat(license(b).statusAsString()).isEqualTo("EXPIRED");
    assertThat(refused(b, p, seat())).hasMessageContaining("EXPIRED");
    assertThat(entitlements(p, b.account())).isEmpty();
  }

  @Test
  void anAmendment_changesTheSeatsAndTier_andARenewalRevivesAnExpiredLicense() {
    Product p = product();
    Instant ends = admin().now().plus(Duration.ofDays(10));
    Buyer b = buyer(p, ends, "Seats", 1, "Basic", 1);
    checkout(b, p, seat());
    assertThat(refused(b, p, seat())).hasMessageContaining("maximum count");

    JsonNode amended = admin().amendContract(b.subscriptionId(), null, "Seats", 3, "Premium", 1);
    assertThat(amended.get("contractHistory")).hasSize(1);
    assertThat(amended.get("contractEndsAt").asText()).isEqualTo(ends.toString());
    checkout(b, p, seat());
    checkout(b, p, seat());
    assertThat(refused(b, p, seat())).hasMessageContaining("maximum count");
    assertThat(checkout(b, p, tier("Basic"), tier("Premium")).entitlementsAllowed())
        .extracting(e -> e.name())
        .containsExactly("Premium");
    assertThat(license(b).version()).isEqualTo("2");

    admin().advanceClock("PT1H");
    Instant now = admin().now();
    admin().amendContract(b.subscriptionId(), now); // ended now
    assertThat(license(b).statusAsString()).isEqualTo("EXPIRED");

    Instant renewed = now.plus(Duration.ofDays(365));
    admin().amendContract(b.subscriptionId(), renewed);
    GrantedLicense license = license(b);
    assertThat(license.statusAsString()).isEqualTo("AVAILABLE");
    assertThat(license.version()).isEqualTo("4");
    assertThat(Instant.parse(license.validity().end())).isEqualTo(renewed);
    assertThat(entitlements(p, b.account()))
        .extracting(Entitlement::expirationDate)
        .containsOnly(renewed);
  }

  @Test
  void theInvoice_chargesEachUnitPerMonth_theLargestQuantityOfTheMonth() {
    Product p = product();
    Instant start = admin().now();
    YearMonth month = YearMonth.from(start.atZone(ZoneOffset.UTC));
    Instant nextMonth = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    Buyer b = buyer(p, nextMonth.plus(Duration.ofDays(40)), "Seats", 2, "Premium", 1);
    assertThat(contractLines(b.account(), month))
        .containsExactlyInAnyOrder("Seats 2 10 20", "Premium 1 50 50");

    admin().amendContract(b.subscriptionId(), null, "Seats", 5, "Premium", 1);
    admin().setClock(nextMonth.plus(Duration.ofDays(1)).toString());
    admin().amendContract(b.subscriptionId(), null, "Seats", 1, "Basic", 1);

    assertThat(contractLines(b.account(), month))
        .as("an upgrade within the month is charged for the month")
        .containsExactlyInAnyOrder("Seats 5 10 50", "Premium 1 50 50");
    assertThat(contractLines(b.account(), month.plusMonths(1)))
        .as("the month of the downgrade pays what it held before it")
        .containsExactlyInAnyOrder("Seats 5 10 50", "Basic 1 0 0", "Premium 1 50 50");
  }

  private List<String> contractLines(String buyer, YearMonth month) {
    JsonNode invoice = admin().get("/invoices?awsAccountId=" + buyer + "&month=" + month);
    List<String> lines = new ArrayList<>();
    for (JsonNode l : invoice.get("lines")) {
      assertThat(l.get("kind").asText()).isEqualTo("CONTRACT");
      lines.add(
          l.get("dimension").asText()
              + " "
              + l.get("quantity").asText()
              + " "
              + new BigDecimal(l.get("unitPrice").asText()).stripTrailingZeros().toPlainString()
              + " "
              + new BigDecimal(l.get("amount").asText()).stripTrailingZeros().toPlainString());
    }
    return lines;
  }

  @Test
  void entitlementUpdated_isSentAtTheStart_atAnAmendment_andAtTheEnd() throws Exception {
    Product p = product();
    try (HookReceiver hook = new HookReceiver()) {
      notifyTo(p, hook, "SNS");
      Instant ends = admin().now().plus(Duration.ofHours(3));
      Buyer b = buyer(p, ends, "Seats", 1, "Basic", 1);
      assertThat(actions(hook, 2))
          .containsExactlyInAnyOrder("subscribe-success", "entitlement-updated");

      admin().amendContract(b.subscriptionId(), ends.plus(Duration.ofHours(1)), "Seats", 2);
      assertThat(actions(hook, 1)).containsExactly("entitlement-updated");

      admin().advanceClock("PT3H");
      assertThat(admin().get("/notifications/deliveries?productCode=" + p.code()).get("items"))
          .extracting(n -> n.get("dueAt").asText() + " " + n.get("status").asText())
          .as("the end announced before the renewal is cancelled")
          .contains(ends + " CANCELLED");
      admin().advanceClock("PT1H");
      HookReceiver.Received end = hook.next(Duration.ofSeconds(10));
      JsonNode envelope = JSON.readTree(end.body());
      assertThat(envelope.get("TopicArn").asText())
          .isEqualTo(
              "arn:aws:sns:us-east-1:"
                  + p.seller()
                  + ":aws-mp-entitlement-notification-"
                  + p.code());
      assertThat(JSON.readTree(envelope.get("Message").asText()).get("action").asText())
          .isEqualTo("entitlement-updated");
    }
  }

  private void notifyTo(Product p, HookReceiver hook, String format) {
    admin()
        .send(
            "PUT",
            "/products/" + p.code() + "/notifications",
            Map.of("url", hook.url(), "format", format))
        .expect(200);
  }

  private List<String> actions(HookReceiver hook, int count) throws Exception {
    List<String> actions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      JsonNode envelope = JSON.readTree(hook.next(Duration.ofSeconds(10)).body());
      actions.add(JSON.readTree(envelope.get("Message").asText()).get("action").asText());
    }
    return actions;
  }

  @Test
  void anEarlyUnsubscribe_deactivatesTheLicense_andAnEndedOrExpiredContractIsNotAmended()
      throws Exception {
    Product p = product();
    try (HookReceiver hook = new HookReceiver()) {
      notifyTo(p, hook, "EVENTBRIDGE");
      Instant ends = admin().now().plus(Duration.ofDays(30));
      Buyer early = buyer(p, ends, "Seats", 1);
      hook.next(Duration.ofSeconds(10)); // Purchase Agreement Created
      hook.next(Duration.ofSeconds(10)); // License Updated
      admin().advanceClock("PT1H");
      Instant endedAt = admin().now();
      admin().unsubscribe(early.subscriptionId());
      List<String> types = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        types.add(
            JSON.readTree(hook.next(Duration.ofSeconds(10)).body()).get("detail-type").asText());
      }
      assertThat(types)
          .containsExactlyInAnyOrder(
              "Purchase Agreement Ended - Manufacturer", "License Deprovisioned - Manufacturer");
      GrantedLicense deactivated = license(early);
      assertThat(deactivated.statusAsString()).isEqualTo("DEACTIVATED");
      assertThat(Instant.parse(deactivated.validity().end())).isEqualTo(endedAt);
      admin()
          .send(
              "PUT",
              "/subscriptions/" + early.subscriptionId() + "/contract",
              Map.of("endsAt", ends.plus(Duration.ofDays(1)).toString()))
          .expect(409);
    }

    Buyer expired = buyer(p, admin().now().plus(Duration.ofHours(1)), "Seats", 1);
    admin().advanceClock("PT2H");
    assertThat(
            field(
                "PUT",
                "/subscriptions/" + expired.subscriptionId() + "/contract",
                Map.of("contract", List.of(line("Seats", 2))),
                409))
        .as("an expired contract is renewed with a later end, not amended")
        .isEqualTo("endsAt");
    admin().unsubscribe(expired.subscriptionId());
    assertThat(license(expired).statusAsString())
        .as("a license whose contract had ended stays EXPIRED when the subscription ends")
        .isEqualTo("EXPIRED");

    String custom = admin().customProduct(p.seller(), "Seats").get("productCode").asText();
    JsonNode other = admin().subscribe(custom, server().buyer(), "Seats", 1);
    admin()
        .send(
            "PUT",
            "/subscriptions/" + other.get("subscriptionId").asText() + "/contract",
            Map.of("contract", List.of(line("Seats", 2))))
        .expect(400);
  }

  @Test
  void aCorrectionAtTheSameInstant_isWhatTheMonthPays() {
    Product p = product();
    Instant start = admin().now();
    Buyer b = buyer(p, start.plus(Duration.ofDays(400)), "Seats", 50);
    admin().amendContract(b.subscriptionId(), null, "Seats", 5);
    assertThat(contractLines(b.account(), YearMonth.from(start.atZone(ZoneOffset.UTC))))
        .containsExactly("Seats 5 10 50");
  }

  @Test
  void checkouts_takeBothAmountsOfANameGivenTwice_andAskedTiersMustIncludeABoughtOne() {
    Product p = product();
    Buyer b = buyer(p, admin().now().plus(Duration.ofDays(10)), "Seats", 1, "Basic", 1);
    assertThat(refused(b, p, seat(), seat())).hasMessageContaining("maximum count");
    assertThat(refused(b, p, seat(), tier("Premium")))
        .as("a seat with a tier the buyer did not buy")
        .hasMessageContaining("none of the tiers");
    String token = checkout(b, p, seat(), tier("Basic")).licenseConsumptionToken();

    admin().amendContract(b.subscriptionId(), admin().now().plus(Duration.ofMinutes(1)));
    admin().advanceClock("PT2M");
    assertThat(
            catchThrowableOfType(
                () -> b.lm().extendLicenseConsumption(r -> r.licenseConsumptionToken(token)),
                ResourceNotFoundException.class))
        .hasMessageContaining("EXPIRED");
  }

  @Test
  void aBackdatedStart_staysInTheOpenMonth_andAfterTheBuyersEarlierSubscription() {
    Product p = product();
    String buyer = server().buyer();
    Instant now = admin().now();
    JsonNode first =
        admin().subscribeContract(p.code(), buyer, now.plus(Duration.ofDays(5)), "Seats", 1);
    admin().advanceClock("PT2H");
    admin().unsubscribe(first.get("subscriptionId").asText());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("productCode", p.code());
    body.put("awsAccountId", buyer);
    body.put("contract", List.of(line("Seats", 1)));
    body.put("endsAt", now.plus(Duration.ofDays(30)).toString());
    body.put("startsAt", now.plus(Duration.ofHours(1)).toString());
    assertThat(field("POST", "/subscriptions", body, 400)).isEqualTo("startsAt");
    body.put("startsAt", now.minus(Duration.ofDays(40)).toString());
    assertThat(field("POST", "/subscriptions", body, 400)).isEqualTo("startsAt");
    body.put("startsAt", admin().now().toString());
    admin().send("POST", "/subscriptions", body).expect(201);
  }

  @Test
  void badContractsAndProducts_areRefused_namingTheField() {
    String seller = ServerExtension.newAccountId();
    assertThat(
            field(
                "POST",
                "/products",
                Map.of(
                    "name",
                    "x",
                    "pricing",
                    "CONTRACT",
                    "sellerAccountId",
                    seller,
                    "dimensions",
                    List.of(Map.of("name", "Seats", "unit", "Seatz"))),
                400))
        .isEqualTo("dimensions[0].unit");
    assertThat(
            field(
                "POST",
                "/products",
                Map.of(
                    "name",
                    "x",
                    "pricing",
                    "CUSTOM",
                    "productId",
                    UUID.randomUUID().toString(),
                    "dimensions",
                    List.of(Map.of("name", "Seats", "price", "1"))),
                400))
        .isEqualTo("productId");
    Product p = product();
    assertThat(
            field(
                "POST",
                "/products",
                Map.of(
                    "name",
                    "x",
                    "pricing",
                    "CONTRACT",
                    "productId",
                    p.sku(),
                    "dimensions",
                    List.of(Map.of("name", "Seats"))),
                409))
        .isEqualTo("productId");

    String buyer = server().buyer();
    Instant ends = admin().now().plus(Duration.ofDays(1));
    assertThat(subscribeField(p, buyer, List.of(line("Seats", 1)), null)).isEqualTo("endsAt");
    assertThat(subscribeField(p, buyer, List.of(), ends)).isEqualTo("contract");
    assertThat(
            subscribeField(
                p,
                buyer,
                List.of(Map.of("dimension", "Seats", "quantity", 1, "per", "MONTH")),
                ends))
        .isEqualTo("contract[0].per");
    assertThat(subscribeField(p, buyer, List.of(line("Seats", 1), line("Premium", 2)), ends))
        .isEqualTo("contract[1].quantity");
    assertThat(subscribeField(p, buyer, List.of(line("Seats", 1)), admin().now().minusSeconds(60)))
        .isEqualTo("endsAt");

    Buyer b = buyer(p, ends, "Seats", 1);
    admin().send("PUT", "/subscriptions/" + b.subscriptionId() + "/contract", Map.of()).expect(400);
    assertThat(
            field(
                "PUT",
                "/subscriptions/" + b.subscriptionId() + "/contract",
                Map.of("contract", List.of(line("Seats", 1), line("Basic", 3))),
                400))
        .isEqualTo("contract[1].quantity");
    admin().advanceClock("PT1M");
    JsonNode ended =
        admin()
            .send(
                "PUT",
                "/subscriptions/" + b.subscriptionId() + "/contract",
                Map.of("endsAt", admin().now().minusSeconds(3600).toString()))
            .expect(200);
    assertThat(ended.get("contractEndsAt").asText())
        .as("an end in the past ends the contract now")
        .isEqualTo(admin().now().toString());
  }

  private Map<String, Object> line(String dimension, long quantity) {
    return Map.of("dimension", dimension, "quantity", quantity);
  }

  private String subscribeField(
      Product p, String buyer, List<Map<String, Object>> contract, Instant endsAt) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("productCode", p.code());
    body.put("awsAccountId", buyer);
    body.put("contract", contract);
    if (endsAt != null) {
      body.put("endsAt", endsAt.toString());
    }
    return field("POST", "/subscriptions", body, 400);
  }

  private String field(String method, String path, Object body, int status) {
    return admin().send(method, path, body).expect(status).get("field").asText();
  }
}
