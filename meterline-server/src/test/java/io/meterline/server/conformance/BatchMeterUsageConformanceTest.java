package io.meterline.server.conformance;

import static io.meterline.server.conformance.Harness.REGION;
import static io.meterline.server.conformance.ServiceErrors.expectError;
import static io.meterline.server.conformance.ServiceErrors.expectErrorCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.store.Committer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidCustomerIdentifierException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidProductCodeException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidTagException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageAllocationsException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageDimensionException;
import software.amazon.awssdk.services.marketplacemetering.model.Tag;
import software.amazon.awssdk.services.marketplacemetering.model.TimestampOutOfBoundsException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

/**
 * BatchMeterUsage through the official SDK against a real server: SPEC §1.1 "BatchMeterUsage",
 * "Authorization", and every error of the operation (facts §3.2).
 */
class BatchMeterUsageConformanceTest {
  private static final String ACCESS_DENIED = "AccessDeniedException";

  @RegisterExtension static final Harness h = Harness.withDefaults();

  /** A SaaS product with dimensions Users and Hosts, and a client with its seller's key. */
  private record Saas(String productCode, String seller, MarketplaceMeteringClient client) {}

  /** A buyer account; its subscription id when it subscribed. */
  private record Customer(String accountId, String customerIdentifier, String subscriptionId) {}

  private static Saas saas() {
    String seller = Harness.newAccountId();
    String code = h.admin().saasProduct(seller, "Users", "Hosts").get("productCode").asText();
    return new Saas(code, seller, h.keyClient(seller, "SELLER"));
  }

  private static Customer subscribed(Saas saas) {
    JsonNode buyer = h.newBuyer();
    String account = buyer.get("awsAccountId").asText();
    String subscription =
        h.admin().subscribe(saas.productCode(), account).get("subscriptionId").asText();
    return new Customer(account, buyer.get("customerIdentifier").asText(), subscription);
  }

  private static Customer unsubscribed() {
    JsonNode buyer = h.newBuyer();
    return new Customer(
        buyer.get("awsAccountId").asText(), buyer.get("customerIdentifier").asText(), null);
  }

  /**
   * A usage record of one Users at this time, naming the customer by its identifier, changed where
   * a test says: the record a test sends unless what it tests is in the record.
   */
  private static UsageRecord byIdentifier(
      Customer c, Instant at, Consumer<UsageRecord.Builder> change) {
    return record(at, b -> change.accept(b.customerIdentifier(c.customerIdentifier())));
  }

  private static UsageRecord byIdentifier(Customer c, Instant at) {
    return byIdentifier(c, at, b -> {});
  }

  /** The same record naming the customer by its AWS account id. */
  private static UsageRecord byAccount(
      String accountId, Instant at, Consumer<UsageRecord.Builder> change) {
    return record(at, b -> change.accept(b.customerAWSAccountId(accountId)));
  }

  private static UsageRecord byAccount(String accountId, Instant at) {
    return byAccount(accountId, at, b -> {});
  }

  private static UsageRecord record(Instant at, Consumer<UsageRecord.Builder> change) {
    return UsageRecord.builder()
        .dimension("Users")
        .quantity(1)
        .timestamp(at)
        .applyMutation(change)
        .build();
  }

  /** BatchMeterUsage of these records for the product, by its seller. */
  private static BatchMeterUsageResponse batch(Saas saas, UsageRecord... records) {
    return batch(saas.client(), saas.productCode(), records);
  }

  /** The same call for this product by this client. */
  private static BatchMeterUsageResponse batch(
      MarketplaceMeteringClient client, String productCode, UsageRecord... records) {
    return client.batchMeterUsage(b -> b.productCode(productCode).usageRecords(records));
  }

  private static UsageRecordResult only(BatchMeterUsageResponse r) {
    assertThat(r.results()).hasSize(1);
    assertThat(r.unprocessedRecords()).isEmpty();
    return r.results().get(0);
  }

  // ---- success and the echo ---------------------------------------------------------------

  @Test
  void batchMeterUsage_subscribedCustomers_areSuccessAndEchoEachRecordExactly() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Customer bob = subscribed(saas);
    Instant now = h.halfPastNextHour();
    UsageRecord plain =
        byIdentifier(alice, now.minus(Duration.ofMinutes(10)).plusMillis(123), b -> b.quantity(2));
    UsageRecord allocated =
        byIdentifier(
            alice,
            now.minusSeconds(1),
            b ->
                b.dimension("Hosts")
                    .quantity(5)
                    .usageAllocations(
                        UsageAllocation.builder()
                            .allocatedUsageQuantity(5)
                            .tags(Tag.builder().key("env").value("prod").build())
                            .build()));
    UsageRecord noQuantity = byIdentifier(bob, now, b -> b.quantity(null));

    BatchMeterUsageResponse r = batch(saas, plain, allocated, noQuantity);

    assertThat(r.responseMetadata().requestId()).isNotBlank().isNotEqualTo("UNKNOWN");
    assertThat(r.unprocessedRecords()).isEmpty();
    assertThat(r.results())
        .extracting(UsageRecordResult::usageRecord)
        .containsExactly(plain, allocated, noQuantity);
    assertThat(r.results())
        .extracting(UsageRecordResult::status)
        .containsOnly(UsageRecordResultStatus.SUCCESS);
    assertThat(r.results())
        .extracting(UsageRecordResult::meteringRecordId)
        .doesNotContainNull()
        .doesNotHaveDuplicates();
    assertThat(r.results().get(0).usageRecord().timestamp())
        .isEqualTo(now.minus(Duration.ofMinutes(10)).plusMillis(123));
  }

  @Test
  void batchMeterUsage_success_isInLedgerAsBatchUsageOfTheCustomer() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();

    String id = only(batch(saas, byIdentifier(alice, now, b -> b.quantity(7)))).meteringRecordId();

    JsonNode records = h.usage(saas.productCode());
    assertThat(records).hasSize(1);
    JsonNode row = records.get(0);
    assertThat(row.get("meteringRecordId").asText()).isEqualTo(id);
    assertThat(row.get("awsAccountId").asText()).isEqualTo(alice.accountId());
    assertThat(row.get("dimension").asText()).isEqualTo("Users");
    assertThat(row.get("quantity").asLong()).isEqualTo(7);
    assertThat(row.get("source").asText()).isEqualTo("BATCH_METER_USAGE");
    assertThat(Instant.parse(row.get("hour").asText()))
        .isEqualTo(now.truncatedTo(ChronoUnit.HOURS));
  }

  @Test
  void batchMeterUsage_subscribedCustomerByAccountId_isSuccess() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();
    UsageRecord record = byAccount(alice.accountId(), now, b -> b.quantity(3));

    UsageRecordResult result = only(batch(saas, record));

    assertThat(result.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
    assertThat(result.meteringRecordId()).isNotBlank();
    assertThat(result.usageRecord()).isEqualTo(record);
  }

  @Test
  void batchMeterUsage_25Records_areAccepted() {
    Saas saas = saas();
    Instant now = h.halfPastNextHour();
    UsageRecord[] records =
        IntStream.range(0, 25)
            .mapToObj(i -> byAccount(subscribed(saas).accountId(), now, b -> b.quantity(i)))
            .toArray(UsageRecord[]::new);

    BatchMeterUsageResponse r = batch(saas, records);

    assertThat(r.results())
        .hasSize(25)
        .extracting(UsageRecordResult::status)
        .containsOnly(UsageRecordResultStatus.SUCCESS);
    assertThat(h.usage(saas.productCode())).hasSize(25);
  }

  @Test
  void batchMeterUsage_noRecords_succeedsWithEmptyResults() {
    Saas saas = saas();

    BatchMeterUsageResponse r = batch(saas);

    assertThat(r.results()).isEmpty();
    assertThat(r.unprocessedRecords()).isEmpty();
  }

  // ---- CustomerNotSubscribed --------------------------------------------------------------

  @Test
  void batchMeterUsage_unknownWellFormedIdentifier_isCustomerNotSubscribed() {
    Saas saas = saas();
    Instant now = h.halfPastNextHour();
    UsageRecord record =
        UsageRecord.builder()
            .customerIdentifier("Zz0Zz0Zz0Zz")
            .dimension("Users")
            .quantity(1)
            .timestamp(now)
            .build();

    UsageRecordResult result = only(batch(saas, record));

    assertThat(result.status()).isEqualTo(UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED);
    assertThat(result.meteringRecordId()).isNull();
    assertThat(result.usageRecord()).isEqualTo(record);
    assertThat(h.usage(saas.productCode())).isEmpty();
  }

  @Test
  void batchMeterUsage_unknownAccount_isCustomerNotSubscribed() {
    Saas saas = saas();
    Instant now = h.halfPastNextHour();

    UsageRecordResult result = only(batch(saas, byAccount(Harness.newAccountId(), now)));

    assertThat(result.status()).isEqualTo(UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED);
    assertThat(result.meteringRecordId()).isNull();
  }

  @Test
  void batchMeterUsage_buyerWithoutSubscription_isCustomerNotSubscribed() {
    Saas saas = saas();
    Customer stranger = unsubscribed();
    Instant now = h.halfPastNextHour();

    UsageRecordResult result = only(batch(saas, byIdentifier(stranger, now)));

    assertThat(result.status()).isEqualTo(UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED);
    assertThat(h.usage(saas.productCode())).isEmpty();
  }

  @Test
  void batchMeterUsage_customerAnHourAfterUnsubscribing_isCustomerNotSubscribed() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    h.admin().unsubscribe(alice.subscriptionId());
    // The hour after the end is the unsubscribe-pending window (SPEC §3.5; NotificationsTest).
    h.admin().advanceClock("PT61M");
    Instant now = h.halfPastNextHour();

    UsageRecordResult result = only(batch(saas, byIdentifier(alice, now)));

    assertThat(result.status()).isEqualTo(UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED);
  }

  @Test
  void batchMeterUsage_recordTimedBeforeSubscriptionBegan_isCustomerNotSubscribed() {
    Saas saas = saas();
    Instant subscribedAt = h.halfPastNextHour();
    Customer alice = subscribed(saas);

    BatchMeterUsageResponse r =
        batch(
            saas,
            byIdentifier(alice, subscribedAt.minus(Duration.ofMinutes(20))),
            byIdentifier(alice, subscribedAt, b -> b.dimension("Hosts")));

    assertThat(r.results())
        .extracting(UsageRecordResult::status)
        .containsExactly(
            UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED, UsageRecordResultStatus.SUCCESS);
    assertThat(h.usage(saas.productCode())).hasSize(1);
  }

  @Test
  void batchMeterUsage_mixOfOutcomes_answersEachRecordInOrder() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Customer stranger = unsubscribed();
    Instant now = h.halfPastNextHour();

    BatchMeterUsageResponse r =
        batch(
            saas,
            byIdentifier(stranger, now),
            byIdentifier(alice, now),
            byIdentifier(alice, now, b -> b.quantity(2)));

    assertThat(r.results())
        .extracting(UsageRecordResult::status)
        .containsExactly(
            UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED,
            UsageRecordResultStatus.SUCCESS,
            UsageRecordResultStatus.DUPLICATE_RECORD);
  }

  // ---- duplicates -------------------------------------------------------------------------

  @Test
  void batchMeterUsage_sameCustomerDimensionHourOtherQuantity_isDuplicateRecordFirstWriteWins() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();
    String original =
        only(batch(saas, byIdentifier(alice, now, b -> b.quantity(5)))).meteringRecordId();

    UsageRecordResult duplicate =
        only(
            batch(
                saas, byIdentifier(alice, now.minus(Duration.ofMinutes(15)), b -> b.quantity(6))));
    UsageRecordResult repeat =
        only(
            batch(
                saas, byIdentifier(alice, now.minus(Duration.ofMinutes(25)), b -> b.quantity(5))));

    assertThat(duplicate.status()).isEqualTo(UsageRecordResultStatus.DUPLICATE_RECORD);
    assertThat(duplicate.meteringRecordId()).isNull();
    assertThat(repeat.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
    assertThat(repeat.meteringRecordId()).isEqualTo(original);
    JsonNode records = h.usage(saas.productCode());
    assertThat(records).hasSize(1);
    assertThat(records.get(0).get("quantity").asLong()).isEqualTo(5);
  }

  @Test
  void batchMeterUsage_racingCallsOnTheSameKeys_oneRecordPerKeyAndOneAnswerPerContent()
      throws Exception {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Customer bob = subscribed(saas);
    Instant now = h.halfPastNextHour();
    int calls = 24;
    ExecutorService pool = Executors.newFixedThreadPool(calls);
    List<Future<BatchMeterUsageResponse>> answers = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    try {
      for (int i = 0; i < calls; i++) {
        // Even calls send quantity 1 for both keys, odd ones 2: two contents race per key.
        int quantity = 1 + i % 2;
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return batch(
                      saas,
                      byIdentifier(alice, now, b -> b.quantity(quantity)),
                      byIdentifier(bob, now, b -> b.quantity(quantity)));
                }));
      }
      go.countDown();
      // per customer: the ids answered to each quantity, and how many DuplicateRecords each got
      Map<String, Map<Integer, Set<String>>> ids = new HashMap<>();
      Map<String, Map<Integer, Integer>> duplicates = new HashMap<>();
      for (Future<BatchMeterUsageResponse> f : answers) {
        for (UsageRecordResult r : f.get().results()) {
          String customer = r.usageRecord().customerIdentifier();
          int quantity = r.usageRecord().quantity();
          if (r.status() == UsageRecordResultStatus.SUCCESS) {
            ids.computeIfAbsent(customer, k -> new HashMap<>())
                .computeIfAbsent(quantity, q -> new HashSet<>())
                .add(r.meteringRecordId());
          } else {
            assertThat(r.status()).isEqualTo(UsageRecordResultStatus.DUPLICATE_RECORD);
            duplicates
                .computeIfAbsent(customer, k -> new HashMap<>())
                .merge(quantity, 1, Integer::sum);
          }
        }
      }
      JsonNode records = h.usage(saas.productCode());
      assertThat(records).as("one record per customer, dimension and hour").hasSize(2);
      for (JsonNode stored : records) {
        String customer =
            stored.get("awsAccountId").asText().equals(alice.accountId())
                ? alice.customerIdentifier()
                : bob.customerIdentifier();
        int winner = stored.get("quantity").asInt();
        assertThat(ids.get(customer))
            .as("only the stored content succeeds, always with the stored id")
            .containsOnlyKeys(winner)
            .containsEntry(winner, Set.of(stored.get("meteringRecordId").asText()));
        assertThat(duplicates.get(customer))
            .as("every call with the other content is a DuplicateRecord")
            .containsOnlyKeys(3 - winner)
            .containsEntry(3 - winner, calls / 2);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void batchMeterUsage_callsSharingOneTransaction_areDecidedAsIfOneAfterAnother() throws Exception {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Customer bob = subscribed(saas);
    Customer carol = unsubscribed();
    Instant now = h.halfPastNextHour();
    Committer committer = h.server().database().committer();
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // Hold the writer in a transaction of its own while the calls queue up behind it, so that
    // they are all applied together in the next one.
    CompletableFuture<Object> blocker =
        h.server()
            .database()
            .write(
                c -> {
                  holding.countDown();
                  try {
                    release.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return null;
                });
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    long batchesBefore = committer.batchesCommitted();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      // Alice's Users record three times (by identifier, twice in one call; by account id in
      // another), Bob's by account id, Carol (no subscription) by identifier, and one key (Alice,
      // Hosts) sent with two different quantities by two calls.
      Future<BatchMeterUsageResponse> byIdentifier =
          pool.submit(
              () ->
                  batch(
                      saas,
                      byIdentifier(alice, now, b -> b.quantity(5)),
                      byIdentifier(alice, now, b -> b.quantity(5)),
                      byIdentifier(carol, now),
                      byIdentifier(alice, now, b -> b.dimension("Hosts"))));
      Future<BatchMeterUsageResponse> byAccount =
          pool.submit(
              () ->
                  batch(
                      saas,
                      byAccount(alice.accountId(), now, b -> b.quantity(5)),
                      byAccount(bob.accountId(), now, b -> b.quantity(3)),
                      byAccount(alice.accountId(), now, b -> b.dimension("Hosts").quantity(2))));
      await().atMost(Duration.ofSeconds(10)).until(() -> committer.queueDepth() >= 2);
      release.countDown();
      blocker.get(10, TimeUnit.SECONDS);

      List<UsageRecordResult> first = byIdentifier.get(10, TimeUnit.SECONDS).results();
      List<UsageRecordResult> second = byAccount.get(10, TimeUnit.SECONDS).results();
      assertThat(committer.batchesCommitted() - batchesBefore)
          .as("both calls in the transaction after the blocker's")
          .isEqualTo(2);
      assertThat(first)
          .extracting(UsageRecordResult::status)
          .startsWith(
              UsageRecordResultStatus.SUCCESS,
              UsageRecordResultStatus.SUCCESS,
              UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED);
      assertThat(second)
          .extracting(UsageRecordResult::status)
          .startsWith(UsageRecordResultStatus.SUCCESS, UsageRecordResultStatus.SUCCESS);
      String aliceUsers = first.get(0).meteringRecordId();
      assertThat(first.get(1).meteringRecordId()).isEqualTo(aliceUsers);
      assertThat(second.get(0).meteringRecordId())
          .as("the same customer named by account id is the same key")
          .isEqualTo(aliceUsers);
      assertThat(first.get(2).meteringRecordId()).isNull();
      // Alice's Hosts: whichever call came first wins, the other is a DuplicateRecord.
      assertThat(List.of(first.get(3).status(), second.get(2).status()))
          .containsExactlyInAnyOrder(
              UsageRecordResultStatus.SUCCESS, UsageRecordResultStatus.DUPLICATE_RECORD);
      JsonNode records = h.usage(saas.productCode());
      assertThat(records).as("Alice Users, Alice Hosts, Bob Users").hasSize(3);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void batchMeterUsage_identicalRecordsInOneRequest_shareOneRecordId() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();
    UsageRecord record = byIdentifier(alice, now, b -> b.quantity(4));

    BatchMeterUsageResponse r = batch(saas, record, record);

    assertThat(r.results())
        .extracting(UsageRecordResult::status)
        .containsExactly(UsageRecordResultStatus.SUCCESS, UsageRecordResultStatus.SUCCESS);
    assertThat(r.results().get(1).meteringRecordId())
        .isNotBlank()
        .isEqualTo(r.results().get(0).meteringRecordId());
    assertThat(h.usage(saas.productCode())).hasSize(1);
  }

  @Test
  void batchMeterUsage_sameCustomerOtherHours_areSeparateRecords() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    h.halfPastNextHour();
    Instant now = Instant.parse(h.admin().advanceClock("PT2H").get("now").asText());

    BatchMeterUsageResponse r =
        batch(
            saas,
            byIdentifier(alice, now.minus(Duration.ofHours(1))),
            byIdentifier(alice, now, b -> b.quantity(2)));

    assertThat(r.results())
        .extracting(UsageRecordResult::status)
        .containsOnly(UsageRecordResultStatus.SUCCESS);
    assertThat(r.results().get(0).meteringRecordId())
        .isNotEqualTo(r.results().get(1).meteringRecordId());
    assertThat(h.usage(saas.productCode())).hasSize(2);
  }

  // ---- how customers are named ------------------------------------------------------------

  @Test
  void batchMeterUsage_identifierAndAccountInOneRecord_isValidationException() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();
    UsageRecord both =
        UsageRecord.builder()
            .customerIdentifier(alice.customerIdentifier())
            .customerAWSAccountId(alice.accountId())
            .dimension("Users")
            .quantity(1)
            .timestamp(now)
            .build();

    expectErrorCode("ValidationException", 400, () -> batch(saas, both));
    assertThat(h.usage(saas.productCode())).isEmpty();
  }

  @Test
  void batchMeterUsage_identifierAndAccountAcrossRecords_isValidationException() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Customer bob = subscribed(saas);
    Instant now = h.halfPastNextHour();

    expectErrorCode(
        "ValidationException",
        400,
        () -> batch(saas, byIdentifier(alice, now), byAccount(bob.accountId(), now)));
    assertThat(h.usage(saas.productCode())).isEmpty();
  }

  @Test
  void batchMeterUsage_recordNamingNoCustomer_isValidationException() {
    Saas saas = saas();
    Instant now = h.halfPastNextHour();
    UsageRecord nobody =
        UsageRecord.builder().dimension("Users").quantity(1).timestamp(now).build();

    expectErrorCode("ValidationException", 400, () -> batch(saas, nobody));
  }

  @Test
  void batchMeterUsage_malformedIdentifier_isInvalidCustomerIdentifierForWholeRequest() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();
    UsageRecord malformed =
        UsageRecord.builder()
            .customerIdentifier("not-an-identifier!")
            .dimension("Users")
            .quantity(1)
            .timestamp(now)
            .build();

    expectError(
        InvalidCustomerIdentifierException.class,
        400,
        () -> batch(saas, byIdentifier(alice, now), malformed));
    assertThat(h.usage(saas.productCode())).isEmpty();
  }

  // ---- timestamps -------------------------------------------------------------------------

  @Test
  void batchMeterUsage_oneRecordOlderThan24Hours_failsWholeBatch() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    h.halfPastNextHour();
    Instant now = Instant.parse(h.admin().advanceClock("PT25H").get("now").asText());

    expectError(
        TimestampOutOfBoundsException.class,
        400,
        () ->
            batch(
                saas,
                byIdentifier(alice, now),
                byIdentifier(
                    alice,
                    now.minus(Duration.ofHours(24)).minusSeconds(1),
                    b -> b.dimension("Hosts"))));
    assertThat(h.usage(saas.productCode())).isEmpty();
  }

  @Test
  void batchMeterUsage_oneRecordMoreThanFiveMinutesAhead_failsWholeBatch() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();

    expectError(
        TimestampOutOfBoundsException.class,
        400,
        () ->
            batch(
                saas,
                byIdentifier(alice, now),
                byIdentifier(
                    alice,
                    now.plus(Duration.ofMinutes(5)).plusSeconds(1),
                    b -> b.dimension("Hosts"))));
    assertThat(h.usage(saas.productCode())).isEmpty();
  }

  @Test
  void batchMeterUsage_recordAlmost24HoursOld_isAccepted() {
    Instant midMonth = midNextMonth();
    h.admin().setClock(midMonth.toString());
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = Instant.parse(h.admin().advanceClock("PT23H50M").get("now").asText());

    UsageRecordResult result =
        only(batch(saas, byIdentifier(alice, now.minus(Duration.ofHours(23)))));

    assertThat(result.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
  }

  @Test
  void batchMeterUsage_previousMonthBeforeSixOnTheFirst_isAccepted() {
    Instant first = firstOfNextMonth();
    h.admin().setClock(first.minus(Duration.ofHours(3)).toString());
    Saas saas = saas();
    Customer alice = subscribed(saas);
    h.admin().setClock(first.plus(Duration.ofHours(5)).toString());

    UsageRecordResult result =
        only(batch(saas, byIdentifier(alice, first.minus(Duration.ofHours(1)))));

    assertThat(result.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
  }

  @Test
  void batchMeterUsage_previousMonthAfterSixOnTheFirst_isTimestampOutOfBounds() {
    Instant first = firstOfNextMonth();
    h.admin().setClock(first.minus(Duration.ofHours(3)).toString());
    Saas saas = saas();
    Customer alice = subscribed(saas);
    h.admin().setClock(first.plus(Duration.ofHours(7)).toString());

    expectError(
        TimestampOutOfBoundsException.class,
        400,
        () -> batch(saas, byIdentifier(alice, first.minus(Duration.ofHours(1)))));
  }

  /** 00:00 UTC on the 1st of the month after the service clock's. */
  private static Instant firstOfNextMonth() {
    LocalDate today = h.now().atZone(ZoneOffset.UTC).toLocalDate();
    return today.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** 12:30 UTC on the 15th of the month after the service clock's. */
  private static Instant midNextMonth() {
    return firstOfNextMonth().plus(Duration.ofDays(14)).plus(Duration.ofMinutes(750));
  }

  // ---- model constraints ------------------------------------------------------------------

  @Test
  void batchMeterUsage_26Records_isValidationExceptionWithAwsMessage() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();
    UsageRecord[] records =
        IntStream.range(0, 26).mapToObj(i -> byIdentifier(alice, now)).toArray(UsageRecord[]::new);

    var e = expectErrorCode("ValidationException", 400, () -> batch(saas, records));

    assertThat(e.awsErrorDetails().errorMessage())
        .isEqualTo(
            "1 validation error detected: "
                + "Value at 'usageRecords' failed to satisfy constraint: Member must have length less "
                + "than or equal to 25");
    assertThat(h.usage(saas.productCode())).isEmpty();
  }

  @Test
  void batchMeterUsage_recordWithoutDimension_isValidationExceptionNamingIt() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();

    var e =
        expectErrorCode(
            "ValidationException",
            400,
            () -> batch(saas, byIdentifier(alice, now, b -> b.dimension(null))));

    assertThat(e.awsErrorDetails().errorMessage()).contains("usageRecords.1.member.dimension");
  }

  @Test
  void batchMeterUsage_negativeQuantity_isValidationExceptionNamingIt() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();

    var e =
        expectErrorCode(
            "ValidationException",
            400,
            () -> batch(saas, byIdentifier(alice, now, b -> b.quantity(-1))));

    assertThat(e.awsErrorDetails().errorMessage()).contains("usageRecords.1.member.quantity");
  }

  // ---- product, dimension, allocations ----------------------------------------------------

  @Test
  void batchMeterUsage_unknownProduct_isInvalidProductCode() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();

    expectError(
        InvalidProductCodeException.class,
        400,
        () -> batch(saas.client(), "noSuchProduct0000000000000", byIdentifier(alice, now)));
  }

  @Test
  void batchMeterUsage_unknownDimension_isInvalidUsageDimension() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();

    expectError(
        InvalidUsageDimensionException.class,
        400,
        () -> batch(saas, byIdentifier(alice, now, b -> b.dimension("NoSuchDimension"))));
    assertThat(h.usage(saas.productCode())).isEmpty();
  }

  @Test
  void batchMeterUsage_allocationsNotSummingToQuantity_isInvalidUsageAllocations() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();
    UsageRecord record =
        byIdentifier(
            alice,
            now,
            b ->
                b.quantity(5)
                    .usageAllocations(UsageAllocation.builder().allocatedUsageQuantity(4).build()));

    expectError(InvalidUsageAllocationsException.class, 400, () -> batch(saas, record));
  }

  @Test
  void batchMeterUsage_sixTagsInOneAllocation_isInvalidTag() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();
    List<Tag> tags = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      tags.add(Tag.builder().key("k" + i).value("v").build());
    }
    UsageRecord record =
        byIdentifier(
            alice,
            now,
            b ->
                b.usageAllocations(
                    UsageAllocation.builder().allocatedUsageQuantity(1).tags(tags).build()));

    expectError(InvalidTagException.class, 400, () -> batch(saas, record));
  }

  // ---- who may call -----------------------------------------------------------------------

  @Test
  void batchMeterUsage_buyerUserKey_isAccessDenied() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    MarketplaceMeteringClient buyerKey = h.keyClient(alice.accountId(), "BUYER_USER");
    Instant now = h.halfPastNextHour();

    expectErrorCode(
        ACCESS_DENIED, 400, () -> batch(buyerKey, saas.productCode(), byIdentifier(alice, now)));
    assertThat(h.usage(saas.productCode())).isEmpty();
  }

  @Test
  void batchMeterUsage_otherSellersKey_isAccessDenied() {
    Saas saas = saas();
    Saas other = saas();
    Customer alice = subscribed(saas);
    Instant now = h.halfPastNextHour();

    expectErrorCode(
        ACCESS_DENIED,
        400,
        () -> batch(other.client(), saas.productCode(), byIdentifier(alice, now)));
    assertThat(h.usage(saas.productCode())).isEmpty();
  }

  @Test
  void batchMeterUsage_taskCredentials_isAccessDenied() {
    Saas saas = saas();
    Customer alice = subscribed(saas);
    MarketplaceMeteringClient task = h.taskClient(h.admin().task(saas.seller(), REGION, "ECS"));
    Instant now = h.halfPastNextHour();

    expectErrorCode(
        ACCESS_DENIED, 400, () -> batch(task, saas.productCode(), byIdentifier(alice, now)));
  }
}
