package io.meterline.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.ServerExtension;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

/**
 * Invoices (SPEC §3.2) of every pricing model, against amounts worked out by hand in each test: the
 * service clock is set to known instants, so that hours, days and months fall where the test says.
 */
class InvoicesTest {
  @RegisterExtension static final ServerExtension server = ServerExtension.withDefaults();

  private static AdminClient admin() {
    return server.admin();
  }

  private static void clock(String instant) {
    admin().setClock(instant);
  }

  private static void advance(Duration d) {
    admin().advanceClock(d.toString());
  }

  private static String product(Map<String, Object> fields) {
    Map<String, Object> body = new LinkedHashMap<>(fields);
    body.putIfAbsent("name", "Invoiced product");
    body.putIfAbsent("sellerAccountId", "111122223333");
    return admin().post("/products", body).get("productCode").asText();
  }

  private static String subscribe(String product, String buyer, Object contract) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("productCode", product);
    body.put("awsAccountId", buyer);
    if (contract != null) {
      body.put("contract", contract);
    }
    return admin().post("/subscriptions", body).get("subscriptionId").asText();
  }

  private static JsonNode invoice(String buyer, String month) {
    return admin().get("/invoices?awsAccountId=" + buyer + "&month=" + month);
  }

  /** A task of the buyer that registers for the product (RegisterUsage admits it). */
  private static JsonNode registeredTask(String buyer, String product) {
    JsonNode task = admin().task(buyer, "us-east-1", "FARGATE");
    server.taskClient(task).registerUsage(b -> b.productCode(product).publicKeyVersion(1));
    return task;
  }

  private static void stop(JsonNode task) {
    admin().stopTask(task.get("taskId").asText());
  }

  private static List<JsonNode> lines(JsonNode invoice) {
    List<JsonNode> lines = new ArrayList<>();
    invoice.get("lines").forEach(lines::add);
    return lines;
  }

  private static void assertLine(
      JsonNode line, String kind, String quantity, String unitPrice, String amount) {
    assertThat(line.get("kind").asText()).isEqualTo(kind);
    assertThat(new BigDecimal(line.get("quantity").asText())).isEqualByComparingTo(quantity);
    assertThat(new BigDecimal(line.get("unitPrice").asText())).isEqualByComparingTo(unitPrice);
    assertThat(new BigDecimal(line.get("amount").asText())).isEqualByComparingTo(amount);
  }

  private static BigDecimal decimal(JsonNode node, String field) {
    return new BigDecimal(node.get(field).asText());
  }

  @Test
  void hourly_twentyMinutesThirtySecondsAtSixAnHour_is2_05() {
    clock("2026-03-10T10:00:00Z");
    String product = product(Map.of("pricing", "HOURLY", "hourlyPrice", "6"));
    String buyer = server.buyer();
    subscribe(product, buyer, null);
    JsonNode task = registeredTask(buyer, product);
    advance(Duration.ofMinutes(20).plusSeconds(30));
    stop(task);

    JsonNode invoice = invoice(buyer, "2026-03");

    assertThat(lines(invoice)).hasSize(1);
    JsonNode line = lines(invoice).get(0);
    // 1,230 s at 6 per 3,600 s: 2.05 exactly; 1,230 / 3,600 task-hours does not end: 10 places.
    assertLine(line, "HOURLY", "0.3416666667", "6", "2.05");
    assertThat(line.get("unit").asText()).isEqualTo("task-hour");
    assertThat(line.get("amount").asText()).isEqualTo("2.05");
    assertThat(invoice.get("total").asText()).isEqualTo("2.05");
    assertThat(invoice.get("amountDue").asText()).isEqualTo("2.05");
    assertThat(invoice.get("currency").asText()).isEqualTo("USD");
  }

  @Test
  void hourly_twentySecondTask_isBilledTheOneMinuteMinimum() {
    clock("2026-03-11T10:00:00Z");
    String product = product(Map.of("pricing", "HOURLY", "hourlyPrice", "6"));
    String buyer = server.buyer();
    subscribe(product, buyer, null);
    JsonNode task = registeredTask(buyer, product);
    advance(Duration.ofSeconds(20));
    stop(task);

    JsonNode line = lines(invoice(buyer, "2026-03")).get(0);

    // 60 s at 6 per hour: 0.1.
    assertLine(line, "HOURLY", "0.0166666667", "6", "0.1");
  }

  @Test
  void hourly_taskAcrossTheMonthsEnd_isSplitBetweenTheTwoInvoices() {
    clock("2026-03-31T23:30:00Z");
    String product = product(Map.of("pricing", "HOURLY", "hourlyPrice", "2"));
    String buyer = server.buyer();
    subscribe(product, buyer, null);
    JsonNode task = registeredTask(buyer, product);
    advance(Duration.ofMinutes(75));
    stop(task);

    // March: 30 minutes, 1 at 2 per hour; April: 45 minutes, 1.5.
    assertLine(lines(invoice(buyer, "2026-03")).get(0), "HOURLY", "0.5", "2", "1");
    assertLine(lines(invoice(buyer, "2026-04")).get(0), "HOURLY", "0.75", "2", "1.5");
  }

  @Test
  void hourly_runningTask_isEstimatedUpToNow_andItsPassedHoursAreRecorded() {
    clock("2026-05-04T08:15:00Z");
    String product = product(Map.of("pricing", "HOURLY", "hourlyPrice", "1"));
    String buyer = server.buyer();
    subscribe(product, buyer, null);
    JsonNode task = registeredTask(buyer, product);
    advance(Duration.ofHours(2)); // 10:15

    JsonNode estimate = invoice(buyer, "2026-05");
    server.server().taskReaper().sweep();
    JsonNode recorded = invoice(buyer, "2026-05");
    List<JsonNode> rows = new ArrayList<>();
    admin().usage("productCode=" + product).get("records").forEach(rows::add);

    // 2 hours so far at 1 per hour, whether estimated or recorded.
    assertLine(lines(estimate).get(0), "HOURLY", "2", "1", "2");
    assertLine(lines(recorded).get(0), "HOURLY", "2", "1", "2");
    assertThat(estimate.get("final").asBoolean()).isFalse();
    // The sweep wrote the two whole hours before 10:00: 08:15-09:00 and 09:00-10:00.
    assertThat(rows).extracting(r -> r.get("quantity").asLong()).containsExactly(2700L, 3600L);
    stop(task);
  }

  @Test
  void monthly_isChargedOnceForEveryMonthTheSubscriptionIsActive() {
    clock("2026-06-20T12:00:00Z");
    String product = product(Map.of("pricing", "MONTHLY", "monthlyPrice", "30"));
    String buyer = server.buyer();
    String sub = subscribe(product, buyer, null);
    JsonNode task = registeredTask(buyer, product);
    JsonNode second = registeredTask(buyer, product);
    advance(Duration.ofHours(3));
    stop(task);
    stop(second);
    clock("2026-07-03T00:00:00Z");
    admin().unsubscribe(sub);

    List<JsonNode> june = lines(invoice(buyer, "2026-06"));
    List<JsonNode> july = lines(invoice(buyer, "2026-07"));

    // Once a month whatever the number of tasks, and no task-time line.
    assertThat(june).hasSize(1);
    assertLine(june.get(0), "MONTHLY", "1", "30", "30");
    assertLine(july.get(0), "MONTHLY", "1", "30", "30");
    assertThat(invoice(buyer, "2026-08").get("lines")).isEmpty();
  }

  @Test
  void custom_eachDimensionsMonthTimesItsPrice() {
    clock("2026-07-10T10:30:00Z");
    String product =
        product(
            Map.of(
                "pricing",
                "CUSTOM",
                "dimensions",
                List.of(
                    Map.of("name", "Hosts", "unit", "host", "price", "0.10"),
                    Map.of("name", "Users", "price", "0.25"))));
    String buyer = server.buyer();
    subscribe(product, buyer, null);
    MarketplaceMeteringClient client =
        server.taskClient(admin().task(buyer, "us-east-1", "FARGATE"));
    meter(client, product, "Hosts", 3);
    meter(client, product, "Users", 4);
    advance(Duration.ofHours(1));
    meter(client, product, "Hosts", 5);

    List<JsonNode> lines = lines(invoice(buyer, "2026-07"));

    // Hosts 8 × 0.10 = 0.8; Users 4 × 0.25 = 1.
    assertThat(lines).hasSize(2);
    assertLine(lines.get(0), "USAGE", "8", "0.10", "0.8");
    assertThat(lines.get(0).get("dimension").asText()).isEqualTo("Hosts");
    assertThat(lines.get(0).get("unit").asText()).isEqualTo("host");
    assertLine(lines.get(1), "USAGE", "4", "0.25", "1");
    assertThat(invoice(buyer, "2026-07").get("total").asText()).isEqualTo("1.80");
  }

  @Test
  void contractPerHour_tenUsedAgainstTwoPrepaid_billsEight() {
    clock("2026-08-05T10:30:00Z");
    String product = customProduct("3");
    String buyer = server.buyer();
    subscribe(product, buyer, List.of(Map.of("dimension", "Hosts", "quantity", 2, "per", "HOUR")));
    MarketplaceMeteringClient client =
        server.taskClient(admin().task(buyer, "us-east-1", "FARGATE"));
    meter(client, product, "Hosts", 10);
    advance(Duration.ofHours(1));
    meter(client, product, "Hosts", 1);

    List<JsonNode> lines = lines(invoice(buyer, "2026-08"));

    // 10 - 2 = 8 in the first hour, nothing beyond the 2 in the second: 8 × 3 = 24.
    assertThat(lines).hasSize(1);
    assertLine(lines.get(0), "OVERAGE", "8", "3", "24");
  }

  @Test
  void contractPerMonth_coversTheMonthsFirstUnits_andItsPriceIsChargedUpfront() {
    clock("2026-09-05T10:30:00Z");
    String product = customProduct("2");
    String buyer = server.buyer();
    subscribe(
        product,
        buyer,
        List.of(Map.of("dimension", "Hosts", "quantity", 5, "per", "MONTH", "price", "40")));
    MarketplaceMeteringClient client =
        server.taskClient(admin().task(buyer, "us-east-1", "FARGATE"));
    meter(client, product, "Hosts", 3);
    advance(Duration.ofHours(1));
    meter(client, product, "Hosts", 4);

    List<JsonNode> lines = lines(invoice(buyer, "2026-09"));

    // The contract's 40 upfront; 3 + 4 = 7 used, 5 prepaid: 2 × 2 = 4 of overage.
    assertThat(lines).hasSize(2);
    assertLine(lines.get(0), "CONTRACT", "5", "40", "40");
    assertLine(lines.get(1), "OVERAGE", "2", "2", "4");
    assertThat(invoice(buyer, "2026-09").get("total").asText()).isEqualTo("44");
  }

  @Test
  void taskTimeContract_coversTaskHoursPerHour() {
    clock("2026-10-06T10:00:00Z");
    String product = product(Map.of("pricing", "HOURLY", "hourlyPrice", "5"));
    String buyer = server.buyer();
    subscribe(
        product, buyer, List.of(Map.of("dimension", "TaskTime", "quantity", 1, "per", "HOUR")));
    JsonNode a = registeredTask(buyer, product);
    JsonNode b = registeredTask(buyer, product);
    advance(Duration.ofHours(1));
    stop(a);
    stop(b);

    List<JsonNode> lines = lines(invoice(buyer, "2026-10"));

    // Two tasks for the whole 10:00 hour: 7,200 s, 3,600 prepaid: 1 task-hour at 5.
    assertThat(lines).hasSize(1);
    assertLine(lines.get(0), "OVERAGE", "1", "5", "5");
  }

  @Test
  void free_usageAppearsAtNoCharge() {
    clock("2026-10-07T10:30:00Z");
    String product =
        product(
            Map.of(
                "pricing", "FREE", "dimensions", List.of(Map.of("name", "Hosts", "price", "9"))));
    String buyer = server.buyer();
    MarketplaceMeteringClient client =
        server.taskClient(admin().task(buyer, "us-east-1", "FARGATE"));
    meter(client, product, "Hosts", 7);

    JsonNode invoice = invoice(buyer, "2026-10");

    assertThat(lines(invoice)).hasSize(1);
    assertLine(lines(invoice).get(0), "USAGE", "7", "0", "0");
    assertThat(invoice.get("amountDue").asText()).isEqualTo("0.00");
  }

  @Test
  void lateUsage_landsInTheMonthOfItsHour_andTheMonthIsFinalAfterTheLateWindow() {
    clock("2026-11-29T12:00:00Z");
    String seller = "222233334444";
    JsonNode saas =
        admin()
            .post(
                "/products",
                Map.of(
                    "name",
                    "Late SaaS",
                    "pricing",
                    "CUSTOM",
                    "saas",
                    true,
                    "sellerAccountId",
                    seller,
                    "dimensions",
                    List.of(Map.of("name", "Users", "price", "1.5"))));
    String product = saas.get("productCode").asText();
    String buyer = server.buyer();
    subscribe(product, buyer, null);
    MarketplaceMeteringClient sellerClient =
        server.client(
            io.meterline.server.testing.TestServer.keyCredentials(
                admin().accessKey(seller, "SELLER")),
            "us-east-1");
    clock("2026-12-01T03:00:00Z");
    // Sent on the 1st for the 30th's 23:00 hour: November's.
    sellerClient.batchMeterUsage(
        b ->
            b.productCode(product)
                .usageRecords(
                    UsageRecord.builder()
                        .customerAWSAccountId(buyer)
                        .dimension("Users")
                        .quantity(4)
                        .timestamp(Instant.parse("2026-11-30T23:10:00Z"))
                        .build()));

    JsonNode open = invoice(buyer, "2026-11");
    clock("2026-12-01T06:00:00Z");
    JsonNode closed = invoice(buyer, "2026-11");

    assertLine(lines(open).get(0), "USAGE", "4", "1.5", "6");
    assertThat(open.get("final").asBoolean()).isFalse();
    assertThat(closed.get("final").asBoolean()).isTrue();
    assertThat(closed.get("lines")).isEqualTo(open.get("lines"));
    assertThat(invoice(buyer, "2026-12").get("lines")).isEmpty();
  }

  @Test
  void priceIncrease_reachesExistingSubscribersOnTheFirstOfTheMonth90DaysOn_newOnesAtOnce() {
    clock("2027-01-10T12:00:00Z");
    String product = customProduct("1");
    String existing = server.buyer();
    subscribe(product, existing, null);
    clock("2027-01-15T12:00:00Z");
    admin()
        .send(
            "PUT",
            "/products/" + product + "/prices",
            Map.of("dimensions", List.of(Map.of("name", "Hosts", "price", "3"))))
        .expect(200);
    String newcomer = server.buyer();
    subscribe(product, newcomer, null);
    MarketplaceMeteringClient fresh =
        server.taskClient(admin().task(newcomer, "us-east-1", "FARGATE"));

    // 90 days after 15 January is 15 April: the increase reaches the old subscriber on 1 May.
    Map<String, String> oldPrice = new LinkedHashMap<>();
    for (String day : List.of("2027-01-16", "2027-04-30", "2027-05-01")) {
      clock(day + "T10:30:00Z");
      MarketplaceMeteringClient again =
          server.taskClient(admin().task(existing, "us-east-1", "FARGATE"));
      meter(again, product, "Hosts", 1);
      oldPrice.put(
          day, lines(invoice(existing, day.substring(0, 7))).get(0).get("unitPrice").asText());
    }
    clock("2027-01-16T11:30:00Z");
    meter(fresh, product, "Hosts", 1);

    assertThat(oldPrice).containsEntry("2027-01-16", "1").containsEntry("2027-04-30", "1");
    assertThat(oldPrice).containsEntry("2027-05-01", "3");
    assertThat(lines(invoice(newcomer, "2027-01")).get(0).get("unitPrice").asText()).isEqualTo("3");
    JsonNode view = admin().get("/products/" + product);
    assertThat(view.get("priceHistory")).hasSize(2);
    assertThat(view.at("/dimensions/0/price").asText()).isEqualTo("3");
  }

  /** A pending increase withdrawn by a later change never reaches the existing subscriber. */
  @Test
  void priceIncreaseChangedAgainBeforeItTookEffect_isWithdrawn() {
    clock("2027-06-10T12:00:00Z");
    String product = customProduct("1");
    String existing = server.buyer();
    subscribe(product, existing, null);
    clock("2027-06-15T12:00:00Z");
    setHostsPrice(product, "3"); // for the subscriber from 1 October
    clock("2027-07-10T12:00:00Z");
    setHostsPrice(product, "2"); // above the 1 it pays: from 1 November

    Map<String, String> paid = new LinkedHashMap<>();
    for (String day : List.of("2027-09-30", "2027-10-05", "2027-11-02")) {
      clock(day + "T10:30:00Z");
      meter(server.taskClient(admin().task(existing, "us-east-1", "FARGATE")), product, "Hosts", 1);
      paid.put(day, lines(invoice(existing, day.substring(0, 7))).get(0).get("unitPrice").asText());
    }

    assertThat(paid)
        .containsEntry("2027-09-30", "1")
        .containsEntry("2027-10-05", "1")
        .containsEntry("2027-11-02", "2");
  }

  /** An increase, then a decrease below what the subscriber pays: the decrease applies at once. */
  @Test
  void priceIncreaseThenDecreaseBelowThePaidPrice_appliesAtOnce() {
    clock("2027-06-10T12:00:00Z");
    String product = customProduct("1");
    String existing = server.buyer();
    subscribe(product, existing, null);
    clock("2027-06-15T12:00:00Z");
    setHostsPrice(product, "3");
    clock("2027-07-10T12:00:00Z");
    setHostsPrice(product, "0.5");

    Map<String, String> paid = new LinkedHashMap<>();
    for (String day : List.of("2027-07-11", "2027-10-05")) {
      clock(day + "T10:30:00Z");
      meter(server.taskClient(admin().task(existing, "us-east-1", "FARGATE")), product, "Hosts", 1);
      paid.put(day, lines(invoice(existing, day.substring(0, 7))).get(0).get("unitPrice").asText());
    }

    assertThat(paid).containsEntry("2027-07-11", "0.5").containsEntry("2027-10-05", "0.5");
  }

  private static void setHostsPrice(String product, String price) {
    admin()
        .send(
            "PUT",
            "/products/" + product + "/prices",
            Map.of("dimensions", List.of(Map.of("name", "Hosts", "price", price))))
        .expect(200);
  }

  @Test
  void priceDecrease_reachesExistingSubscribersAtOnce() {
    clock("2027-02-10T10:30:00Z");
    String product = customProduct("5");
    String buyer = server.buyer();
    subscribe(product, buyer, null);
    MarketplaceMeteringClient client =
        server.taskClient(admin().task(buyer, "us-east-1", "FARGATE"));
    meter(client, product, "Hosts", 1);
    advance(Duration.ofHours(1));
    admin()
        .send(
            "PUT",
            "/products/" + product + "/prices",
            Map.of("dimensions", List.of(Map.of("name", "Hosts", "price", "4"))))
        .expect(200);
    meter(client, product, "Hosts", 1);

    List<JsonNode> lines = lines(invoice(buyer, "2027-02"));

    // One line per price: an hour at 5, an hour at 4.
    assertThat(lines).hasSize(2);
    assertLine(lines.get(0), "USAGE", "1", "4", "4");
    assertLine(lines.get(1), "USAGE", "1", "5", "5");
  }

  @Test
  void csv_quotesProductNamesWithCommasAndQuotes() throws Exception {
    clock("2027-03-03T10:30:00Z");
    String name = "Widgets, \"Pro\" edition";
    String product =
        product(
            Map.of(
                "name",
                name,
                "pricing",
                "CUSTOM",
                "dimensions",
                List.of(Map.of("name", "Hosts", "price", "2"))));
    String buyer = server.buyer();
    subscribe(product, buyer, null);
    meter(server.taskClient(admin().task(buyer, "us-east-1", "FARGATE")), product, "Hosts", 3);

    String byParameter =
        csv("/admin/v1/invoices?awsAccountId=" + buyer + "&month=2027-03&format=csv", null);
    String byAccept =
        csv("/admin/v1/invoices?awsAccountId=" + buyer + "&month=2027-03", "text/csv");

    assertThat(byParameter).isEqualTo(byAccept);
    assertThat(byParameter)
        .isEqualTo(
            "month,awsAccountId,productCode,productName,kind,dimension,quantity,unit,unitPrice,amount\r\n"
                + "2027-03,"
                + buyer
                + ","
                + product
                + ",\"Widgets, \"\"Pro\"\" edition\",USAGE,Hosts,3,,2,6\r\n");
  }

  @Test
  void allBuyers_pagedByAccount_buyersWithoutLinesLeftOut() {
    clock("2027-04-02T10:30:00Z");
    String product = customProduct("1");
    List<String> metered = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String buyer = server.buyer();
      subscribe(product, buyer, null);
      meter(
          server.taskClient(admin().task(buyer, "us-east-1", "FARGATE")), product, "Hosts", i + 1);
      metered.add(buyer);
    }
    String idle = server.buyer();

    List<String> accounts = new ArrayList<>();
    String token = null;
    do {
      JsonNode page =
          admin()
              .get(
                  "/invoices?month=2027-04&limit=2"
                      + (token == null
                          ? ""
                          : "&nextToken="
                              + java.net.URLEncoder.encode(
                                  token, java.nio.charset.StandardCharsets.UTF_8)));
      page.get("items").forEach(i -> accounts.add(i.get("awsAccountId").asText()));
      token = page.path("nextToken").asText(null);
    } while (token != null);

    assertThat(accounts).containsAll(metered).doesNotContain(idle).isSorted();
    assertThat(new HashSet<>(accounts)).hasSize(accounts.size());
  }

  @Test
  void reports_agreeWithTheInvoices() throws Exception {
    clock("2027-05-06T10:30:00Z");
    String seller = "333344445555";
    String product =
        admin()
            .post(
                "/products",
                Map.of(
                    "name",
                    "Reported",
                    "pricing",
                    "CUSTOM",
                    "sellerAccountId",
                    seller,
                    "dimensions",
                    List.of(Map.of("name", "Hosts", "price", "0.40"))))
            .get("productCode")
            .asText();
    String buyer = server.buyer();
    subscribe(product, buyer, List.of(Map.of("dimension", "Hosts", "quantity", 2, "per", "HOUR")));
    MarketplaceMeteringClient client =
        server.taskClient(admin().task(buyer, "us-east-1", "FARGATE"));
    meter(client, product, "Hosts", 7);
    advance(Duration.ofDays(1));
    MarketplaceMeteringClient next = server.taskClient(admin().task(buyer, "us-east-1", "FARGATE"));
    meter(next, product, "Hosts", 3);

    JsonNode invoice = invoice(buyer, "2027-05");
    String customer = admin().get("/buyers/" + buyer).get("customerIdentifier").asText();
    List<String[]> day1 =
        rows(csv("/admin/v1/reports/daily-usage?date=2027-05-06&sellerAccountId=" + seller, null));
    List<String[]> day2 =
        rows(csv("/admin/v1/reports/daily-usage?date=2027-05-07&sellerAccountId=" + seller, null));
    List<String[]> month =
        rows(
            csv(
                "/admin/v1/reports/monthly-billed-revenue?month=2027-05&sellerAccountId=" + seller,
                null));
    List<String[]> subscribers =
        rows(
            csv(
                "/admin/v1/reports/daily-subscribers?date=2027-05-06&sellerAccountId=" + seller,
                null));

    // Day 1: 7 used, 5 charged at 0.40 = 2; day 2: 3 used, 1 charged = 0.4; the month: 2.4.
    assertThat(day1).hasSize(1);
    assertThat(day1.get(0))
        .containsExactly(customer, "Reported", product, "7", "Hosts", "2.00", "USD", buyer);
    assertThat(day2.get(0))
        .containsExactly(customer, "Reported", product, "3", "Hosts", "0.40", "USD", buyer);
    assertThat(decimal(invoice, "total")).isEqualByComparingTo("2.4");
    // Billed 2.4, fee 3 %: 0.072 → 0.07, partner 2.33.
    assertThat(month.get(0))
        .containsExactly(customer, "Reported", product, "2.40", "0.07", "2.33", "USD", buyer);
    assertThat(subscribers.get(0)).containsExactly(buyer, "Reported", product, "2027-05-06", "");
  }

  @Test
  void badMonthUnknownAccountAndBadFormat_areRefused() {
    assertThat(
            admin().send("GET", "/invoices?month=2026-13", null).expect(400).get("field").asText())
        .isEqualTo("month");
    assertThat(admin().send("GET", "/invoices", null).expect(400).get("field").asText())
        .isEqualTo("month");
    assertThat(
            admin()
                .send("GET", "/invoices?month=2026-11&awsAccountId=999999999999", null)
                .expect(404)
                .get("field")
                .asText())
        .isEqualTo("awsAccountId");
    assertThat(
            admin()
                .send("GET", "/invoices?month=2026-11&format=xml", null)
                .expect(400)
                .get("field")
                .asText())
        .isEqualTo("format");
    assertThat(
            admin()
                .send("GET", "/reports/daily-usage?date=2026-11-31", null)
                .expect(400)
                .get("field")
                .asText())
        .isEqualTo("date");
    String buyer = server.buyer();
    for (String paged :
        List.of(
            "/invoices?month=2026-11&awsAccountId=" + buyer + "&limit=5",
            "/invoices?month=2026-11&format=csv&limit=5",
            "/invoices?month=2026-11&awsAccountId=" + buyer + "&nextToken=x")) {
      JsonNode error = admin().send("GET", paged, null).expect(400);
      assertThat(error.get("field").asText()).as(paged).isIn("limit", "nextToken");
      assertThat(error.get("message").asText()).as(paged).contains("does not apply");
    }
  }

  private static String customProduct(String price) {
    return product(
        Map.of(
            "pricing", "CUSTOM", "dimensions", List.of(Map.of("name", "Hosts", "price", price))));
  }

  private static void meter(
      MarketplaceMeteringClient client, String product, String dimension, int quantity) {
    Instant now = server.now();
    client.meterUsage(
        b ->
            b.productCode(product)
                .usageDimension(dimension)
                .usageQuantity(quantity)
                .timestamp(now));
  }

  private static String csv(String path, String accept) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.endpoint() + path))
            .header(
                "Authorization", "Bearer " + io.meterline.server.testing.TestServer.ADMIN_TOKEN);
    if (accept != null) {
      request.header("Accept", accept);
    }
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
    return response.body();
  }

  /** The data rows of a CSV without quoted fields, split on commas. */
  private static List<String[]> rows(String csv) {
    List<String[]> rows = new ArrayList<>();
    String[] lines = csv.split("\r\n");
    for (int i = 1; i < lines.length; i++) {
      rows.add(lines[i].split(",", -1));
    }
    return rows;
  }
}
