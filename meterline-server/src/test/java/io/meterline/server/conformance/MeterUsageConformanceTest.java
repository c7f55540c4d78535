package io.meterline.server.conformance;

import static io.meterline.server.conformance.Harness.REGION;
import static io.meterline.server.conformance.ServiceErrors.expectError;
import static io.meterline.server.conformance.ServiceErrors.expectErrorCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.CustomerNotEntitledException;
import software.amazon.awssdk.services.marketplacemetering.model.DuplicateRequestException;
import software.amazon.awssdk.services.marketplacemetering.model.IdempotencyConflictException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidEndpointRegionException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidProductCodeException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidTagException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageAllocationsException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageDimensionException;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.PlatformNotSupportedException;
import software.amazon.awssdk.services.marketplacemetering.model.Tag;
import software.amazon.awssdk.services.marketplacemetering.model.TimestampOutOfBoundsException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation;

/**
 * MeterUsage through the official SDK against a real server: SPEC §1.1 "MeterUsage", "Entitlement",
 * "Region and platform", and every error of the operation (facts §3.1).
 */
class MeterUsageConformanceTest {
  @RegisterExtension static final Harness h = Harness.withDefaults();

  /** A CUSTOM product with dimensions Hosts and Users, a subscribed buyer and its task. */
  private record Subscribed(
      String productCode,
      String seller,
      String buyer,
      String subscriptionId,
      JsonNode task,
      MarketplaceMeteringClient client) {}

  private static Subscribed subscribedTask(String platform) {
    String seller = Harness.newAccountId();
    String code = h.admin().customProduct(seller, "Hosts", "Users").get("productCode").asText();
    String buyer = h.buyer();
    String subscription = h.admin().subscribe(code, buyer).get("subscriptionId").asText();
    JsonNode task = h.admin().task(buyer, REGION, platform);
    return new Subscribed(code, seller, buyer, subscription, task, h.taskClient(task));
  }

  private static Subscribed subscribedTask() {
    return subscribedTask("ECS");
  }

  /**
   * MeterUsage of one Hosts at this time by the subscribed task, changed where a test says: the
   * request a test sends unless what it tests is in the request.
   */
  private static MeterUsageResponse meter(
      Subscribed s, Instant at, Consumer<MeterUsageRequest.Builder> change) {
    return meter(s.client(), s.productCode(), at, change);
  }

  private static MeterUsageResponse meter(Subscribed s, Instant at) {
    return meter(s, at, b -> {});
  }

  /** The same request for this product by this client. */
  private static MeterUsageResponse meter(
      MarketplaceMeteringClient client,
      String productCode,
      Instant at,
      Consumer<MeterUsageRequest.Builder> change) {
    return client.meterUsage(
        b ->
            change.accept(
                b.productCode(productCode).usageDimension("Hosts").usageQuantity(1).timestamp(at)));
  }

  private static MeterUsageResponse meter(
      MarketplaceMeteringClient client, String productCode, Instant at) {
    return meter(client, productCode, at, b -> {});
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  private static UsageAllocation allocation(int quantity, Tag... tags) {
    return UsageAllocation.builder()
        .allocatedUsageQuantity(quantity)
        .tags(tags.length == 0 ? null : List.of(tags))
        .build();
  }

  /** The change to a request that meters this quantity in these allocations. */
  private static Consumer<MeterUsageRequest.Builder> allocated(
      int quantity, UsageAllocation... allocations) {
    return b -> b.usageQuantity(quantity).usageAllocations(allocations);
  }

  // ---- success and the hour grain ---------------------------------------------------------

  @Test
  void meterUsage_subscribedTask_returnsRecordIdAndLedgerHasIt() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    MeterUsageResponse r = meter(s, now, b -> b.usageQuantity(3));

    assertThat(r.meteringRecordId()).isNotBlank();
    assertThat(r.responseMetadata().requestId()).isNotBlank().isNotEqualTo("UNKNOWN");
    JsonNode records = h.usage(s.productCode());
    assertThat(records).hasSize(1);
    JsonNode row = records.get(0);
    assertThat(row.get("meteringRecordId").asText()).isEqualTo(r.meteringRecordId());
    assertThat(row.get("awsAccountId").asText()).isEqualTo(s.buyer());
    assertThat(row.get("dimension").asText()).isEqualTo("Hosts");
    assertThat(row.get("quantity").asLong()).isEqualTo(3);
    assertThat(row.get("source").asText()).isEqualTo("METER_USAGE");
    assertThat(row.get("taskId").asText()).isEqualTo(s.task().get("taskId").asText());
    assertThat(Instant.parse(row.get("hour").asText()))
        .isEqualTo(now.truncatedTo(ChronoUnit.HOURS));
  }

  @Test
  void meterUsage_withoutQuantity_recordsZero() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    String absent = meter(s, now, b -> b.usageQuantity(null)).meteringRecordId();
    String zero = meter(s, now, b -> b.usageQuantity(0)).meteringRecordId();

    assertThat(absent).isNotBlank();
    assertThat(zero).as("an explicit 0 repeats the absent quantity").isEqualTo(absent);
    assertThat(h.usage(s.productCode()).get(0).get("quantity").asLong()).isZero();
  }

  @Test
  void meterUsage_productCreatedAfterAFailedLookup_isFound() {
    String code = "late-product-" + UUID.randomUUID();
    String buyer = h.buyer();
    JsonNode task = h.admin().task(buyer, REGION, "ECS");
    MarketplaceMeteringClient client = h.taskClient(task);
    Instant now = h.halfPastNextHour();
    expectError(InvalidProductCodeException.class, 400, () -> meter(client, code, now));
    h.admin()
        .post(
            "/products",
            Map.of(
                "name",
                "Late",
                "pricing",
                "CUSTOM",
                "productCode",
                code,
                "dimensions",
                List.of(Map.of("name", "Hosts", "price", "0.01"))));
    h.admin().subscribe(code, buyer);

    MeterUsageResponse r = meter(client, code, now);

    assertThat(r.meteringRecordId()).isNotBlank();
  }

  @Test
  void meterUsage_identicalRepeatInSameHourOtherMinute_returnsSameRecordId() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    String first =
        meter(s, now.minus(Duration.ofMinutes(20)), b -> b.usageQuantity(4)).meteringRecordId();
    // The SDK puts a fresh ClientToken on each call: only the hour grain makes this a repeat.
    String again =
        meter(s, now.plus(Duration.ofMinutes(2)), b -> b.usageQuantity(4)).meteringRecordId();

    assertThat(again).isEqualTo(first);
    assertThat(h.usage(s.productCode())).hasSize(1);
  }

  @Test
  void meterUsage_sameHourDifferentQuantity_isDuplicateRequest() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();
    String first = meter(s, now, b -> b.usageQuantity(5)).meteringRecordId();

    expectError(
        DuplicateRequestException.class,
        400,
        () -> meter(s, now.minus(Duration.ofMinutes(10)), b -> b.usageQuantity(6)));

    JsonNode records = h.usage(s.productCode());
    assertThat(records).hasSize(1);
    assertThat(records.get(0).get("meteringRecordId").asText()).isEqualTo(first);
    assertThat(records.get(0).get("quantity").asLong()).isEqualTo(5);
  }

  @Test
  void meterUsage_sameHourOtherDimension_isSecondRecord() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    String hosts = meter(s, now).meteringRecordId();
    String users = meter(s, now, b -> b.usageDimension("Users")).meteringRecordId();

    assertThat(users).isNotEqualTo(hosts);
    assertThat(h.usage(s.productCode())).hasSize(2);
  }

  @Test
  void meterUsage_nextHour_isNewRecord() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();
    String first = meter(s, now).meteringRecordId();
    Instant later = Instant.parse(h.admin().advanceClock("PT1H").get("now").asText());

    String second = meter(s, later, b -> b.usageQuantity(2)).meteringRecordId();

    assertThat(second).isNotEqualTo(first);
    assertThat(h.usage(s.productCode())).hasSize(2);
  }

  @Test
  void meterUsage_twoTasksOfOneBuyerSameHour_areTwoRecords() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();
    JsonNode other = h.admin().task(s.buyer(), REGION, "ECS");
    MarketplaceMeteringClient otherClient = h.taskClient(other);

    String first = meter(s, now, b -> b.usageQuantity(2)).meteringRecordId();
    String second =
        meter(otherClient, s.productCode(), now, b -> b.usageQuantity(2)).meteringRecordId();

    assertThat(second).isNotEqualTo(first);
    JsonNode records = h.usage(s.productCode());
    assertThat(records).hasSize(2);
    List<String> tasks = new ArrayList<>();
    records.forEach(r -> tasks.add(r.get("taskId").asText()));
    assertThat(tasks)
        .containsExactlyInAnyOrder(s.task().get("taskId").asText(), other.get("taskId").asText());
  }

  // ---- ClientToken ------------------------------------------------------------------------

  @Test
  void meterUsage_sameClientTokenSameRequest_returnsSameRecordId() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();
    String token = UUID.randomUUID().toString();
    Consumer<MeterUsageRequest.Builder> request = b -> b.usageQuantity(7).clientToken(token);

    String first = meter(s, now, request).meteringRecordId();
    String again = meter(s, now, request).meteringRecordId();

    assertThat(first).isNotBlank();
    assertThat(again).isEqualTo(first);
    assertThat(h.usage(s.productCode())).hasSize(1);
  }

  @Test
  void meterUsage_clientTokenReusedWithOtherQuantity_isIdempotencyConflictNotDuplicate() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();
    String token = UUID.randomUUID().toString();
    meter(s, now, b -> b.clientToken(token));

    // Without the token this would be a DuplicateRequest; the reused token outranks it.
    expectError(
        IdempotencyConflictException.class,
        409,
        () -> meter(s, now, b -> b.usageQuantity(2).clientToken(token)));

    assertThat(h.usage(s.productCode())).hasSize(1);
  }

  @Test
  void meterUsage_clientTokenReusedWithUnknownDimension_isIdempotencyConflict() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();
    String token = UUID.randomUUID().toString();
    meter(s, now, b -> b.clientToken(token));

    expectError(
        IdempotencyConflictException.class,
        409,
        () -> meter(s, now, b -> b.usageDimension("NoSuchDimension").clientToken(token)));
  }

  /** Requests that would fail on their own; with a reused ClientToken the reuse wins. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "unknown product",
        "stale timestamp",
        "allocations not summing",
        "other region",
        "unsubscribed product"
      })
  void meterUsage_clientTokenReusedWithOtherwiseFailingRequest_isIdempotencyConflict(String what) {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();
    String token = UUID.randomUUID().toString();
    meter(s, now, b -> b.clientToken(token));
    String unsubscribed =
        h.admin().customProduct(Harness.newAccountId(), "Hosts").get("productCode").asText();
    MarketplaceMeteringClient client =
        what.equals("other region")
            ? h.client(TestServer.taskCredentials(s.task()), "eu-west-1")
            : s.client();
    Consumer<MeterUsageRequest.Builder> reuse = b -> b.clientToken(token);
    Consumer<MeterUsageRequest.Builder> change =
        switch (what) {
          case "unknown product" -> b -> b.productCode("noSuchProduct0000000000000");
          case "stale timestamp" -> b -> b.timestamp(now.minus(Duration.ofHours(7)));
          case "allocations not summing" -> b -> b.usageAllocations(allocation(5));
          case "unsubscribed product" -> b -> b.productCode(unsubscribed);
          default -> b -> b.usageQuantity(2);
        };

    expectError(
        IdempotencyConflictException.class,
        409,
        () -> meter(client, s.productCode(), now, reuse.andThen(change)));
  }

  @Test
  void meterUsage_clientTokenReusedWithModelViolation_isValidationFirst() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();
    String token = UUID.randomUUID().toString();
    meter(s, now, b -> b.clientToken(token));

    expectErrorCode(
        "ValidationException",
        400,
        () -> meter(s, now, b -> b.usageQuantity(-1).clientToken(token)));
  }

  @Test
  void meterUsage_clientTokenOf64Characters_isAccepted() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    MeterUsageResponse r = meter(s, now, b -> b.clientToken("t".repeat(64)));

    assertThat(r.meteringRecordId()).isNotBlank();
  }

  // ---- DryRun -----------------------------------------------------------------------------

  @Test
  void meterUsage_dryRun_answersWithoutRecordIdAndRecordsNothing() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    MeterUsageResponse r = meter(s, now, b -> b.usageQuantity(3).dryRun(true));

    assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(200);
    assertThat(r.meteringRecordId()).isNull();
    assertThat(h.usage(s.productCode())).isEmpty();
  }

  @Test
  void meterUsage_dryRun_admitsTaskSoItKeepsWorkingAfterUnsubscribe() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();
    meter(s, now, b -> b.usageQuantity(3).dryRun(true));
    h.admin().unsubscribe(s.subscriptionId());

    MeterUsageResponse r = meter(s, now, b -> b.usageQuantity(3));

    assertThat(r.meteringRecordId()).isNotBlank();
    assertThat(h.usage(s.productCode())).hasSize(1);
  }

  @Test
  void meterUsage_dryRunOfUnsubscribedBuyer_isCustomerNotEntitled() {
    String code =
        h.admin().customProduct(Harness.newAccountId(), "Hosts").get("productCode").asText();
    JsonNode task = h.admin().task(h.buyer(), REGION, "ECS");
    Instant now = h.halfPastNextHour();

    expectError(
        CustomerNotEntitledException.class,
        400,
        () -> meter(h.taskClient(task), code, now, b -> b.dryRun(true)));
  }

  @Test
  void meterUsage_dryRunAfterDifferentQuantity_isDuplicateRequest() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();
    meter(s, now);

    expectError(
        DuplicateRequestException.class,
        400,
        () -> meter(s, now, b -> b.usageQuantity(2).dryRun(true)));
  }

  // ---- entitlement ------------------------------------------------------------------------

  @Test
  void meterUsage_unsubscribedBuyer_isCustomerNotEntitledAndRecordsNothing() {
    String code =
        h.admin().customProduct(Harness.newAccountId(), "Hosts").get("productCode").asText();
    JsonNode task = h.admin().task(h.buyer(), REGION, "FARGATE");
    Instant now = h.halfPastNextHour();

    expectError(
        CustomerNotEntitledException.class, 400, () -> meter(h.taskClient(task), code, now));

    assertThat(h.usage(code)).isEmpty();
  }

  @Test
  void meterUsage_admittedTaskAfterUnsubscribe_keepsWorkingButNewTaskIsRefused() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();
    meter(s, now);
    h.admin().unsubscribe(s.subscriptionId());

    String afterUnsubscribe =
        meter(s, now, b -> b.usageDimension("Users").usageQuantity(2)).meteringRecordId();
    JsonNode newTask = h.admin().task(s.buyer(), REGION, "ECS");

    assertThat(afterUnsubscribe).isNotBlank();
    expectError(
        CustomerNotEntitledException.class,
        400,
        () -> meter(h.taskClient(newTask), s.productCode(), now));
    assertThat(h.usage(s.productCode())).hasSize(2);
  }

  @Test
  void meterUsage_previewProductUsedBySellersOwnAccount_needsNoSubscription() {
    String seller = Harness.newAccountId();
    String code = h.admin().previewCustomProduct(seller, "Hosts").get("productCode").asText();
    JsonNode task = h.admin().task(seller, REGION, "ECS");
    Instant now = h.halfPastNextHour();

    MeterUsageResponse r = meter(h.taskClient(task), code, now);

    assertThat(r.meteringRecordId()).isNotBlank();
  }

  @Test
  void meterUsage_previewProductUsedByOtherUnsubscribedBuyer_isCustomerNotEntitled() {
    String code =
        h.admin().previewCustomProduct(Harness.newAccountId(), "Hosts").get("productCode").asText();
    JsonNode task = h.admin().task(h.buyer(), REGION, "ECS");
    Instant now = h.halfPastNextHour();

    expectError(
        CustomerNotEntitledException.class, 400, () -> meter(h.taskClient(task), code, now));
  }

  @Test
  void meterUsage_publishedProductUsedBySellersOwnAccount_isCustomerNotEntitled() {
    String seller = Harness.newAccountId();
    String code = h.admin().customProduct(seller, "Hosts").get("productCode").asText();
    JsonNode task = h.admin().task(seller, REGION, "ECS");
    Instant now = h.halfPastNextHour();

    expectError(
        CustomerNotEntitledException.class, 400, () -> meter(h.taskClient(task), code, now));
  }

  // ---- platform and region ----------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"ECS", "FARGATE", "EKS", "EC2"})
  void meterUsage_fromEachSupportedIdentity_succeeds(String platform) {
    Subscribed s = subscribedTask(platform);
    Instant now = h.halfPastNextHour();

    assertThat(meter(s, now).meteringRecordId()).isNotBlank();
  }

  @Test
  void meterUsage_buyerUserLongTermKey_isPlatformNotSupported() {
    Subscribed s = subscribedTask();
    MarketplaceMeteringClient client = h.keyClient(s.buyer(), "BUYER_USER");
    Instant now = h.halfPastNextHour();

    expectError(
        PlatformNotSupportedException.class, 400, () -> meter(client, s.productCode(), now));
    assertThat(h.usage(s.productCode())).isEmpty();
  }

  @Test
  void meterUsage_sellerLongTermKey_isPlatformNotSupported() {
    Subscribed s = subscribedTask();
    MarketplaceMeteringClient client = h.keyClient(s.seller(), "SELLER");
    Instant now = h.halfPastNextHour();

    expectError(
        PlatformNotSupportedException.class, 400, () -> meter(client, s.productCode(), now));
  }

  @Test
  void meterUsage_regionOtherThanTasks_isInvalidEndpointRegion() {
    Subscribed s = subscribedTask();
    MarketplaceMeteringClient elsewhere =
        h.client(TestServer.taskCredentials(s.task()), "eu-west-1");
    Instant now = h.halfPastNextHour();

    expectError(
        InvalidEndpointRegionException.class, 400, () -> meter(elsewhere, s.productCode(), now));
    assertThat(h.usage(s.productCode())).isEmpty();
  }

  // ---- product and dimension --------------------------------------------------------------

  @Test
  void meterUsage_unknownProduct_isInvalidProductCode() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    expectError(
        InvalidProductCodeException.class,
        400,
        () -> meter(s, now, b -> b.productCode("noSuchProduct0000000000000")));
  }

  @Test
  void meterUsage_unknownDimension_isInvalidUsageDimension() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    expectError(
        InvalidUsageDimensionException.class,
        400,
        () -> meter(s, now, b -> b.usageDimension("NoSuchDimension")));
    assertThat(h.usage(s.productCode())).isEmpty();
  }

  // ---- timestamp window (service time) ----------------------------------------------------

  @Test
  void meterUsage_timestampMoreThanSixHoursOld_isTimestampOutOfBounds() {
    Subscribed s = subscribedTask();
    h.halfPastNextHour();
    h.admin().advanceClock("PT7H");
    Instant now = h.now();

    expectError(
        TimestampOutOfBoundsException.class,
        400,
        () -> meter(s, now.minus(Duration.ofHours(6)).minusSeconds(1)));
    String sixHoursAgo = meter(s, now.minus(Duration.ofHours(6))).meteringRecordId();

    assertThat(sixHoursAgo).as("exactly 6 hours old is inside the window").isNotBlank();
    assertThat(h.usage(s.productCode())).hasSize(1);
  }

  @Test
  void meterUsage_timestampMoreThanFiveMinutesAhead_isTimestampOutOfBounds() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    expectError(
        TimestampOutOfBoundsException.class,
        400,
        () -> meter(s, now.plus(Duration.ofMinutes(5)).plusSeconds(1)));
    String fiveMinutesAhead = meter(s, now.plus(Duration.ofMinutes(5))).meteringRecordId();

    assertThat(fiveMinutesAhead).as("exactly 5 minutes ahead is inside the window").isNotBlank();
  }

  @Test
  void meterUsage_timestampBeforeHourTaskStartedIn_isTimestampOutOfBounds() {
    Instant now = h.halfPastNextHour();
    Subscribed s = subscribedTask();
    Instant startHour = now.truncatedTo(ChronoUnit.HOURS);

    expectError(
        TimestampOutOfBoundsException.class, 400, () -> meter(s, startHour.minusSeconds(1)));
    assertThat(h.usage(s.productCode())).isEmpty();
  }

  // ---- allocations and tags ---------------------------------------------------------------

  @Test
  void meterUsage_allocationsSummingToQuantity_areRecorded() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    MeterUsageResponse r =
        meter(
            s,
            now,
            allocated(
                10,
                allocation(6, tag("env", "prod"), tag("team", "blue")),
                allocation(3, tag("env", "dev")),
                allocation(1)));

    assertThat(r.meteringRecordId()).isNotBlank();
    assertThat(h.usage(s.productCode()).get(0).get("quantity").asLong()).isEqualTo(10);
  }

  @Test
  void meterUsage_sameAllocationsInOtherOrder_isIdempotentRepeat() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    String first =
        meter(
                s,
                now,
                allocated(
                    10,
                    allocation(6, tag("env", "prod"), tag("team", "blue")),
                    allocation(4, tag("env", "dev"))))
            .meteringRecordId();
    String again =
        meter(
                s,
                now,
                allocated(
                    10,
                    allocation(4, tag("env", "dev")),
                    allocation(6, tag("team", "blue"), tag("env", "prod"))))
            .meteringRecordId();

    assertThat(again).isEqualTo(first);
  }

  @Test
  void meterUsage_sameQuantityDifferentAllocations_isDuplicateRequest() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();
    meter(s, now, allocated(10, allocation(10, tag("env", "prod"))));

    expectError(
        DuplicateRequestException.class,
        400,
        () -> meter(s, now, allocated(10, allocation(10, tag("env", "dev")))));
  }

  @Test
  void meterUsage_allocationsNotSummingToQuantity_isInvalidUsageAllocations() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    expectError(
        InvalidUsageAllocationsException.class,
        400,
        () ->
            meter(
                s,
                now,
                allocated(
                    10, allocation(6, tag("env", "prod")), allocation(3, tag("env", "dev")))));
    assertThat(h.usage(s.productCode())).isEmpty();
  }

  @Test
  void meterUsage_repeatedTagSet_isInvalidUsageAllocations() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    expectError(
        InvalidUsageAllocationsException.class,
        400,
        () ->
            meter(
                s,
                now,
                allocated(
                    10,
                    allocation(5, tag("env", "prod"), tag("team", "blue")),
                    allocation(5, tag("team", "blue"), tag("env", "prod")))));
  }

  @Test
  void meterUsage_twoUntaggedAllocations_isInvalidUsageAllocations() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    expectError(
        InvalidUsageAllocationsException.class,
        400,
        () -> meter(s, now, allocated(10, allocation(5), allocation(5))));
  }

  @Test
  void meterUsage_2500Allocations_isAccepted() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    MeterUsageResponse r = meter(s, now, allocated(2500, distinctAllocations(2500)));

    assertThat(r.meteringRecordId()).isNotBlank();
  }

  @Test
  void meterUsage_2501Allocations_isInvalidUsageAllocations() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    expectError(
        InvalidUsageAllocationsException.class,
        400,
        () -> meter(s, now, allocated(2501, distinctAllocations(2501))));
    assertThat(h.usage(s.productCode())).isEmpty();
  }

  private static UsageAllocation[] distinctAllocations(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> allocation(1, tag("unit", "u" + i)))
        .toArray(UsageAllocation[]::new);
  }

  @Test
  void meterUsage_sixTagsInOneAllocation_isInvalidTag() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    expectError(
        InvalidTagException.class,
        400,
        () ->
            meter(
                s,
                now,
                allocated(
                    1,
                    allocation(
                        1,
                        tag("k1", "v"),
                        tag("k2", "v"),
                        tag("k3", "v"),
                        tag("k4", "v"),
                        tag("k5", "v"),
                        tag("k6", "v")))));
  }

  @Test
  void meterUsage_fiveTagsInOneAllocation_isAccepted() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    MeterUsageResponse r =
        meter(
            s,
            now,
            allocated(
                1,
                allocation(
                    1,
                    tag("k1", "v"),
                    tag("k2", "v"),
                    tag("k3", "v"),
                    tag("k4", "v"),
                    tag("k5", "v"))));

    assertThat(r.meteringRecordId()).isNotBlank();
  }

  @Test
  void meterUsage_sixDistinctTagKeysAcrossAllocations_isInvalidTag() {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    expectError(
        InvalidTagException.class,
        400,
        () ->
            meter(
                s,
                now,
                allocated(
                    2,
                    allocation(1, tag("k1", "v"), tag("k2", "v"), tag("k3", "v")),
                    allocation(1, tag("k4", "v"), tag("k5", "v"), tag("k6", "v")))));
  }

  /** Characters inside the tag regex's range ' -=' (space to '='), facts §3.5. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "!", "#", "&", "\"", "$", "%", "'", "(", ")", "*", ",", ";", "<", "=", " ", "-", "/", "+",
        ".", "_", ":", "@"
      })
  void meterUsage_tagCharacterInsideRegex_isAccepted(String c) {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    MeterUsageResponse r =
        meter(s, now, allocated(1, allocation(1, tag("k" + c + "k", "v" + c + "v"))));

    assertThat(r.meteringRecordId()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(strings = {">", "?", "[", "\\", "^", "`", "{", "|", "~", "é"})
  void meterUsage_tagKeyCharacterOutsideRegex_isInvalidTag(String c) {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    expectError(
        InvalidTagException.class,
        400,
        () -> meter(s, now, allocated(1, allocation(1, tag("k" + c, "v")))));
  }

  @ParameterizedTest
  @ValueSource(strings = {">", "?", "["})
  void meterUsage_tagValueCharacterOutsideRegex_isInvalidTag(String c) {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    expectError(
        InvalidTagException.class,
        400,
        () -> meter(s, now, allocated(1, allocation(1, tag("k", "v" + c)))));
  }

  // ---- model constraints ------------------------------------------------------------------

  @Test
  void meterUsage_clientTokenOf65Characters_isValidationExceptionNamingIt() {
    expectInvalid("clientToken", b -> b.clientToken("t".repeat(65)));
  }

  @Test
  void meterUsage_negativeQuantity_isValidationExceptionNamingIt() {
    expectInvalid("usageQuantity", b -> b.usageQuantity(-1));
  }

  @Test
  void meterUsage_missingTimestamp_isValidationExceptionNamingIt() {
    expectInvalid("timestamp", b -> b.timestamp(null));
  }

  @Test
  void meterUsage_emptyDimension_isValidationExceptionNamingIt() {
    expectInvalid("usageDimension", b -> b.usageDimension(""));
  }

  @Test
  void meterUsage_productCodeOutsidePattern_isValidationExceptionNamingIt() {
    expectInvalid("productCode", b -> b.productCode("bad code!"));
  }

  private static void expectInvalid(String member, Consumer<MeterUsageRequest.Builder> breakIt) {
    Subscribed s = subscribedTask();
    Instant now = h.halfPastNextHour();

    var e = expectErrorCode("ValidationException", 400, () -> meter(s, now, breakIt));

    assertThat(e.awsErrorDetails().errorMessage())
        .startsWith("1 validation error detected: ")
        .contains("'" + member + "'");
    assertThat(h.usage(s.productCode())).isEmpty();
  }
}
