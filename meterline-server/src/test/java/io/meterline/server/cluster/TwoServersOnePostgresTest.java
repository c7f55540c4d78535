package io.meterline.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.ServerProcess;
import io.meterline.server.testing.TestPostgres;
import io.meterline.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.DuplicateRequestException;
import software.amazon.awssdk.services.marketplacemetering.model.IdempotencyConflictException;

/**
 * Two server processes on one PostgreSQL database: concurrent identical and conflicting requests
 * spread over both get one answer, because the database decides (SPEC §5).
 */
class TwoServersOnePostgresTest {
  private static final int CALLS = 40;

  static ServerProcess a;
  static ServerProcess b;
  static ExecutorService pool;

  @BeforeAll
  static void start() throws Exception {
    String url = TestPostgres.newDatabase();
    Path key = Files.createTempDirectory("meterline-key").resolve("master.key");
    a = ServerProcess.start(url, key);
    b = ServerProcess.start(url, key);
    pool = Executors.newFixedThreadPool(16);
  }

  @AfterAll
  static void stop() throws Exception {
    pool.shutdownNow();
    a.close();
    b.close();
  }

  /** Product, subscription and task made on server A; the clients alternate A and B. */
  private static List<MarketplaceMeteringClient> fixture(String[] code) {
    return fixture(code, new String[1]);
  }

  /** The same, telling the task's id. */
  private static List<MarketplaceMeteringClient> fixture(String[] code, String[] taskId) {
    AdminClient admin = a.admin();
    code[0] = admin.customProduct("111122223333", "Hosts").get("productCode").asText();
    String buyer = String.format("%012d", System.nanoTime() % 1_000_000_000_000L);
    admin.buyer(buyer);
    admin.subscribe(code[0], buyer);
    JsonNode task = admin.task(buyer, "us-east-1", "ECS");
    taskId[0] = task.get("taskId").asText();
    List<MarketplaceMeteringClient> clients = new ArrayList<>();
    for (ServerProcess s : List.of(a, b)) {
      clients.add(
          MarketplaceMeteringClient.builder()
              .endpointOverride(s.endpoint())
              .region(Region.US_EAST_1)
              .credentialsProvider(
                  StaticCredentialsProvider.create(TestServer.taskCredentials(task)))
              .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16))
              .overrideConfiguration(
                  o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(r -> r.maxAttempts(1)))
              .build());
    }
    return clients;
  }

  private static <T> List<Object> runAll(List<Callable<T>> calls) throws InterruptedException {
    List<Object> outcomes = new ArrayList<>();
    for (Future<T> f : pool.invokeAll(calls)) {
      try {
        outcomes.add(f.get());
      } catch (java.util.concurrent.ExecutionException e) {
        outcomes.add(e.getCause());
      }
    }
    return outcomes;
  }

  @Test
  void identicalRequestsOnBothServers_allGetTheSameRecordId_andTheLedgerHoldsOne()
      throws Exception {
    String[] code = new String[1];
    List<MarketplaceMeteringClient> clients = fixture(code);
    Instant now = Instant.now();
    List<Callable<String>> calls = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      MarketplaceMeteringClient client = clients.get(i % 2);
      calls.add(
          () ->
              client
                  .meterUsage(
                      r ->
                          r.productCode(code[0])
                              .usageDimension("Hosts")
                              .usageQuantity(7)
                              .timestamp(now))
                  .meteringRecordId());
    }
    List<Object> outcomes = runAll(calls);
    assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(String.class));
    assertThat(new HashSet<>(outcomes)).hasSize(1);
    JsonNode records = b.admin().usage("productCode=" + code[0]).get("records");
    assertThat(records).hasSize(1);
    assertThat(records.get(0).get("meteringRecordId").asText()).isEqualTo(outcomes.get(0));
  }

  @Test
  void conflictingQuantitiesOnBothServers_oneWins_everyOtherIsDuplicateRequest() throws Exception {
    String[] code = new String[1];
    List<MarketplaceMeteringClient> clients = fixture(code);
    Instant now = Instant.now();
    List<Callable<String>> calls = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      MarketplaceMeteringClient client = clients.get(i % 2);
      int quantity = i + 1;
      calls.add(
          () ->
              client
                  .meterUsage(
                      r ->
                          r.productCode(code[0])
                              .usageDimension("Hosts")
                              .usageQuantity(quantity)
                              .timestamp(now))
                  .meteringRecordId());
    }
    List<Object> outcomes = runAll(calls);
    long successes = outcomes.stream().filter(o -> o instanceof String).count();
    assertThat(successes).isEqualTo(1);
    assertThat(outcomes)
        .filteredOn(o -> !(o instanceof String))
        .allSatisfy(o -> assertThat(o).isInstanceOf(DuplicateRequestException.class));
    assertThat(b.admin().usage("productCode=" + code[0]).get("records")).hasSize(1);
  }

  @Test
  void oneClientTokenForDifferentRequestsOnBothServers_hasOneAnswer() throws Exception {
    String[] code = new String[1];
    List<MarketplaceMeteringClient> clients = fixture(code);
    Instant now = Instant.now();
    List<Callable<String>> calls = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      MarketplaceMeteringClient client = clients.get(i % 2);
      int quantity = i % 4 + 1;
      // Same token, but requests differ (quantity): one is stored, the rest conflict or, for the
      // winner's exact request, replay it.
      calls.add(
          () ->
              client
                  .meterUsage(
                      r ->
                          r.productCode(code[0])
                              .usageDimension("Hosts")
                              .usageQuantity(quantity)
                              .timestamp(now)
                              .clientToken("shared-token"))
                  .meteringRecordId());
    }
    List<Object> outcomes = runAll(calls);
    Set<Object> ids = new HashSet<>();
    for (Object o : outcomes) {
      if (o instanceof String id) {
        ids.add(id);
      } else {
        assertThat(o).isInstanceOf(IdempotencyConflictException.class);
      }
    }
    assertThat(ids).hasSize(1);
    JsonNode records = a.admin().usage("productCode=" + code[0]).get("records");
    assertThat(records).hasSize(1);
    assertThat(records.get(0).get("meteringRecordId").asText()).isEqualTo(ids.iterator().next());
    long winners = outcomes.stream().filter(o -> o instanceof String).count();
    assertThat(winners).isEqualTo(CALLS / 4);
  }

  @Test
  void aTaskStoppedOnOneServer_isRefusedByTheOtherWithinAboutASecond() throws Exception {
    String[] code = new String[1];
    String[] taskId = new String[1];
    MarketplaceMeteringClient onB = fixture(code, taskId).get(1);
    Instant now = Instant.now();
    Runnable dryRun =
        () ->
            onB.meterUsage(
                r ->
                    r.productCode(code[0])
                        .usageDimension("Hosts")
                        .usageQuantity(1)
                        .timestamp(now)
                        .dryRun(true));
    // B reads the running task, and still has it cached after the old one-second freshness.
    dryRun.run();
    Thread.sleep(1500);
    dryRun.run();

    a.admin().stopTask(taskId[0]);
    long stopped = System.nanoTime();
    AwsServiceException refused = null;
    while (refused == null && System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(10)) {
      try {
        dryRun.run();
        Thread.sleep(50);
      } catch (AwsServiceException e) {
        refused = e;
      }
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
    assertThat(refused).as("B refused the stopped task's credentials").isNotNull();
    assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
    assertThat(millis).as("ms until B refused").isLessThan(2500);
  }
}
