package io.meterline.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.ServerExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin API's lists (SPEC §3.1): newest first with ties by id descending, paged by {@code
 * limit} and {@code nextToken}, filtered, without secrets; unknown parameters and members refused.
 */
class ListsTest {
  @RegisterExtension static final ServerExtension server = ServerExtension.withDefaults();

  private static AdminClient admin() {
    return server.admin();
  }

  /** Every item of a list, following its pages of {@code limit}. */
  private static List<JsonNode> all(String path, String query, int limit) {
    List<JsonNode> items = new ArrayList<>();
    String token = null;
    do {
      JsonNode page =
          admin()
              .send(
                  "GET",
                  path
                      + "?limit="
                      + limit
                      + (query.isEmpty() ? "" : "&" + query)
                      + (token == null ? "" : "&nextToken=" + encode(token)),
                  null)
              .expect(200);
      assertThat(page.get("items").size()).isLessThanOrEqualTo(limit);
      page.get("items").forEach(items::add);
      token = page.path("nextToken").asText(null);
      if (token != null) {
        assertThat(page.get("items").size()).isEqualTo(limit);
      }
    } while (token != null);
    return items;
  }

  private static List<String> field(List<JsonNode> items, String name) {
    return items.stream().map(i -> i.get(name).asText()).toList();
  }

  @Test
  void products_pagedNewestFirst_tiesByCodeDescending() {
    String seller = ServerExtension.newAccountId();
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      // Pairs share a creation time: the code decides between them.
      if (i % 2 == 0) {
        admin().advanceClock("PT1S");
      }
      created.add(admin().customProduct(seller, "Hosts").get("productCode").asText());
    }

    List<JsonNode> listed = all("/products", "", 3);

    // Created at four instants: {0, 1}, {2, 3}, {4, 5}, {6}; newest first, ties by code descending.
    List<String> expected = new ArrayList<>();
    expected.add(created.get(6));
    for (int first : List.of(4, 2, 0)) {
      expected.addAll(
          created.subList(first, first + 2).stream().sorted(Comparator.reverseOrder()).toList());
    }
    List<String> mine = field(listed, "productCode").stream().filter(created::contains).toList();
    assertThat(mine).containsExactlyElementsOf(expected);
    assertThat(new HashSet<>(field(listed, "productCode"))).hasSize(listed.size());
    assertThat(listed.get(0).toString()).doesNotContain("PRIVATE KEY");
  }

  @Test
  void buyers_listBuyersOnly_notSellers() {
    String seller = ServerExtension.newAccountId();
    admin().customProduct(seller, "Hosts");
    String buyer = server.buyer();

    List<String> buyers = field(all("/buyers", "", 1000), "awsAccountId");

    assertThat(buyers).contains(buyer).doesNotContain(seller);
  }

  @Test
  void subscriptions_filteredByProductAccountAndStatus() {
    String code =
        admin().customProduct(ServerExtension.newAccountId(), "Hosts").get("productCode").asText();
    String a = server.buyer();
    String b = server.buyer();
    String subA = admin().subscribe(code, a).get("subscriptionId").asText();
    admin().advanceClock("PT1S");
    String subB = admin().subscribe(code, b).get("subscriptionId").asText();
    admin().unsubscribe(subA);

    assertThat(field(all("/subscriptions", "productCode=" + code, 1), "subscriptionId"))
        .containsExactly(subB, subA);
    assertThat(field(all("/subscriptions", "awsAccountId=" + a, 10), "subscriptionId"))
        .containsExactly(subA);
    assertThat(field(all("/subscriptions", "productCode=" + code + "&status=active", 10), "status"))
        .containsExactly("ACTIVE");
    assertThat(
            field(
                all("/subscriptions", "productCode=" + code + "&status=ENDED", 10),
                "subscriptionId"))
        .containsExactly(subA);
  }

  @Test
  void subscriptionItems_carryNoRegistrationToken() {
    String saas =
        admin().saasProduct(ServerExtension.newAccountId(), "Users").get("productCode").asText();
    JsonNode created = admin().subscribe(saas, server.buyer());
    assertThat(created.has("registrationToken")).isTrue();

    List<JsonNode> items = all("/subscriptions", "productCode=" + saas, 10);

    assertThat(items).hasSize(1);
    assertThat(items.get(0).has("registrationToken")).isFalse();
    assertThat(items.get(0).toString()).doesNotContain(created.get("registrationToken").asText());
  }

  @Test
  void tasks_filteredByAccountAdmittedProductAndStatus_withoutCredentials() {
    String seller = ServerExtension.newAccountId();
    String code = admin().customProduct(seller, "Hosts").get("productCode").asText();
    String buyer = server.buyer();
    admin().subscribe(code, buyer);
    JsonNode admitted = admin().task(buyer, "us-east-1", "FARGATE");
    admin().advanceClock("PT1S");
    JsonNode idle = admin().task(buyer, "us-east-1", "ECS");
    // A DryRun admits the task for the product (SPEC §1.1).
    server
        .taskClient(admitted)
        .meterUsage(
            r ->
                r.productCode(code)
                    .usageDimension("Hosts")
                    .usageQuantity(1)
                    .timestamp(server.now())
                    .dryRun(true));
    admin().stopTask(idle.get("taskId").asText());

    List<JsonNode> ofBuyer = all("/tasks", "awsAccountId=" + buyer, 1);
    assertThat(field(ofBuyer, "taskId"))
        .containsExactly(idle.get("taskId").asText(), admitted.get("taskId").asText());
    assertThat(field(all("/tasks", "productCode=" + code, 10), "taskId"))
        .containsExactly(admitted.get("taskId").asText());
    assertThat(field(all("/tasks", "awsAccountId=" + buyer + "&status=STOPPED", 10), "taskId"))
        .containsExactly(idle.get("taskId").asText());
    assertThat(field(all("/tasks", "awsAccountId=" + buyer + "&status=running", 10), "taskId"))
        .containsExactly(admitted.get("taskId").asText());
    for (JsonNode t : ofBuyer) {
      assertThat(t.has("credentials") || t.has("environment") || t.has("files")).isFalse();
      assertThat(t.toString()).doesNotContain(admitted.at("/credentials/secretAccessKey").asText());
    }
  }

  /** Rows added while a client pages (newer than where it started) never make one appear twice. */
  @Test
  void paging_whileRowsAreAdded_visitsEveryEarlierRowExactlyOnce() {
    String code =
        admin().customProduct(ServerExtension.newAccountId(), "Hosts").get("productCode").asText();
    Set<String> before = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      if (i % 3 == 0) {
        admin().advanceClock("PT1S");
      }
      before.add(admin().subscribe(code, server.buyer()).get("subscriptionId").asText());
    }
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      JsonNode page =
          admin()
              .send(
                  "GET",
                  "/subscriptions?productCode="
                      + code
                      + "&limit=5"
                      + (token == null ? "" : "&nextToken=" + encode(token)),
                  null)
              .expect(200);
      page.get("items").forEach(i -> seen.add(i.get("subscriptionId").asText()));
      token = page.path("nextToken").asText(null);
      // Between pages, more subscriptions arrive, some at the same instant as the last page.
      admin().subscribe(code, server.buyer());
      admin().subscribe(code, server.buyer());
      pages++;
    } while (token != null && pages < 50);

    assertThat(new HashSet<>(seen)).hasSize(seen.size());
    assertThat(seen).containsAll(before);
  }

  @Test
  void unknownQueryParameter_isRefusedNamingIt() {
    for (String path : List.of("/products", "/buyers", "/subscriptions", "/tasks", "/usage")) {
      JsonNode error = admin().send("GET", path + "?prodcutCode=x", null).expect(400);

      assertThat(error.get("field").asText()).as(path).isEqualTo("prodcutCode");
      assertThat(error.get("message").asText()).as(path).contains("prodcutCode");
    }
    JsonNode onAnItem = admin().send("GET", "/products/abc?verbose=", null).expect(400);
    assertThat(onAnItem.get("field").asText()).isEqualTo("verbose");
  }

  @Test
  void unknownBodyMember_isRefusedNamingIt_andNothingIsCreated() {
    String seller = ServerExtension.newAccountId();
    List<Map<String, Object>> dimensions = List.of(Map.of("name", "Hosts", "prise", "0.10"));
    JsonNode nested =
        admin()
            .send(
                "POST",
                "/products",
                Map.of(
                    "name",
                    "Typo",
                    "pricing",
                    "CUSTOM",
                    "sellerAccountId",
                    seller,
                    "dimensions",
                    dimensions))
            .expect(400);
    JsonNode top =
        admin()
            .send("POST", "/buyers", Map.of("awsAccountId", "123456789012", "kind", "x"))
            .expect(400);

    assertThat(nested.get("field").asText()).isEqualTo("dimensions[0].prise");
    assertThat(top.get("field").asText()).isEqualTo("kind");
    assertThat(admin().send("GET", "/buyers/123456789012", null).status()).isEqualTo(404);
    assertThat(field(all("/products", "", 1000), "name")).doesNotContain("Typo");
  }

  /** Actions that take no body refuse one with members, and do nothing. */
  @Test
  void bodilessActions_refuseMembers_andDoNothing() {
    String code =
        admin().customProduct(ServerExtension.newAccountId(), "Hosts").get("productCode").asText();
    String buyer = server.buyer();
    String subscription = admin().subscribe(code, buyer).get("subscriptionId").asText();
    String task = admin().task(buyer, "us-east-1", "FARGATE").get("taskId").asText();
    Map<String, String> actions =
        Map.of(
            "POST /products/" + code + "/keys/rotate", "/products/" + code,
            "DELETE /subscriptions/" + subscription, "/subscriptions/" + subscription,
            "DELETE /tasks/" + task, "/tasks/" + task,
            "POST /tasks/" + task + "/credentials", "/tasks/" + task);

    actions.forEach(
        (action, view) -> {
          JsonNode before = admin().get(view);
          String[] methodAndPath = action.split(" ");
          JsonNode error =
              admin()
                  .send(methodAndPath[0], methodAndPath[1], Map.of("reason", "typo"))
                  .expect(400);

          assertThat(error.get("field").asText()).as(action).isEqualTo("reason");
          assertThat(error.get("message").asText()).as(action).contains("takes no members");
          assertThat(admin().get(view)).as(action).isEqualTo(before);
        });
    admin().send("DELETE", "/tasks/" + task, null).expect(200);
  }

  @Test
  void badLimitStatusOrToken_isRefusedNamingTheParameter() {
    Map<String, String> cases =
        Map.of(
            "/tasks?limit=1001",
            "limit",
            "/tasks?limit=0",
            "limit",
            "/subscriptions?status=PAUSED",
            "status",
            "/tasks?status=ACTIVE",
            "status",
            "/buyers?nextToken=abc",
            "nextToken",
            "/products?nextToken=" + encode(tokenOf("tasks")),
            "nextToken");
    cases.forEach(
        (path, field) ->
            assertThat(admin().send("GET", path, null).expect(400).get("field").asText())
                .as(path)
                .isEqualTo(field));
  }

  /** A real token of one list, to offer to another. */
  private static String tokenOf(String list) {
    admin().task(server.buyer(), "us-east-1", "FARGATE");
    admin().task(server.buyer(), "us-east-1", "FARGATE");
    return admin().send("GET", "/" + list + "?limit=1", null).expect(200).get("nextToken").asText();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
