package io.meterline.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.ServerExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * {@code GET /admin/v1/usage} in pages (SPEC §3.1): {@code limit} and {@code nextToken} walk the
 * ledger in its order, every record once, however it is cut.
 */
class UsagePagingTest {
  private static final String[] DIMENSIONS = {"A", "B", "C"};
  private static final int TASKS = 3;
  private static final int HOURS = 6;

  @RegisterExtension static final ServerExtension server = ServerExtension.withDefaults();

  private static AdminClient admin;
  private static String product;

  /** 3 tasks × 3 dimensions × 6 hours: 54 records of one product. */
  @BeforeAll
  static void meterSomeHours() {
    admin = server.admin();
    product = admin.customProduct("111122223333", DIMENSIONS).get("productCode").asText();
    admin.buyer("444455556666");
    admin.subscribe(product, "444455556666");
    List<MarketplaceMeteringClient> clients = new ArrayList<>();
    for (int t = 0; t < TASKS; t++) {
      clients.add(server.taskClient(admin.task("444455556666", "us-east-1", "FARGATE")));
    }
    for (int hour = 0; hour < HOURS; hour++) {
      Instant now = Instant.parse(admin.get("/clock").get("now").asText());
      for (MarketplaceMeteringClient client : clients) {
        for (String dimension : DIMENSIONS) {
          client.meterUsage(
              b ->
                  b.productCode(product).usageDimension(dimension).usageQuantity(1).timestamp(now));
        }
      }
      admin.advanceClock("PT1H");
    }
  }

  @Test
  void pagesOfSeven_walkEveryRecordOnceInTheLedgersOrder() {
    List<String> whole = ids(admin.usagePage("productCode=" + product + "&limit=1000").expect(200));
    List<String> paged = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String token = null;
    do {
      JsonNode page =
          admin
              .usagePage(
                  "productCode="
                      + product
                      + "&limit=7"
                      + (token == null ? "" : "&nextToken=" + encode(token)))
              .expect(200);
      sizes.add(page.get("records").size());
      paged.addAll(ids(page));
      token = page.path("nextToken").asText(null);
    } while (token != null);

    assertThat(whole).hasSize(TASKS * DIMENSIONS.length * HOURS);
    assertThat(paged).containsExactlyElementsOf(whole);
    assertThat(new HashSet<>(paged)).hasSize(paged.size());
    assertThat(sizes.subList(0, sizes.size() - 1)).allMatch(n -> n == 7);
    assertThat(sizes.get(sizes.size() - 1)).isEqualTo(54 % 7);
  }

  @Test
  void recordsComeByHour() {
    List<String> hours = new ArrayList<>();
    admin
        .usagePage("productCode=" + product + "&limit=1000")
        .expect(200)
        .get("records")
        .forEach(r -> hours.add(r.get("hour").asText()));

    assertThat(hours).isSorted().hasSize(54);
  }

  @Test
  void withoutLimit_aPageHoldsAHundred_andTheLastHasNoToken() {
    JsonNode page = admin.usagePage("productCode=" + product).expect(200);

    assertThat(page.get("records")).hasSize(54);
    assertThat(page.has("nextToken")).isFalse();
  }

  @Test
  void aPageEndingOnTheLastRecord_hasNoToken() {
    JsonNode page = admin.usagePage("productCode=" + product + "&limit=54").expect(200);

    assertThat(page.get("records")).hasSize(54);
    assertThat(page.has("nextToken")).isFalse();
  }

  @Test
  void limitOverAThousand_isRefusedNamingLimit() {
    JsonNode error = admin.usagePage("limit=1001").expect(400);

    assertThat(error.get("field").asText()).isEqualTo("limit");
  }

  @Test
  void tokenNotGivenOut_isRefusedNamingNextToken() {
    Set<String> forged =
        Set.of(
            "garbage",
            encode("WyJ1c2FnZSIsMV0"), // ["usage",1]: too few parts
            encode("WyJwcm9kdWN0cyIsMSwiYSIsImIiLCJjIiwiZCJd"), // another list's kind
            encode("WyJ1c2FnZSIsMSwieCJd"), // ["usage",1,"x"]: no place in this ledger
            encode(
                "WyJ1c2FnZSIsMSwicCIsIjExMTEyMjIyMzMzMyIsIlVzZXJzIiwidGFzay9hIl0")); // a token of
    // the old
    // form: the
    // whole key
    for (String token : forged) {
      JsonNode error = admin.usagePage("nextToken=" + token).expect(400);

      assertThat(error.get("field").asText()).as(token).isEqualTo("nextToken");
    }
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("records").forEach(r -> ids.add(r.get("meteringRecordId").asText()));
    return ids;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
