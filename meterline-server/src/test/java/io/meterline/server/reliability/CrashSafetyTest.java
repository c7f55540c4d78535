package io.meterline.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.ServerProcess;
import io.meterline.server.testing.TestPostgres;
import io.meterline.server.testing.TestServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * Crash safety under load: a server process is killed with SIGKILL at random moments while clients
 * meter usage, and restarted on the same data. Every MeteringRecordId a client received must be in
 * the ledger with its exact quantity, no dedup key may hold two records, and after each restart a
 * repeat of an acknowledged request must get the same id back (dedup survived).
 *
 * <p>{@code -Dmeterline.crash.kills=N} sets the number of kills per store (default 20).
 */
class CrashSafetyTest {
  private static final int KILLS = Integer.getInteger("meterline.crash.kills", 20);
  private static final int CLIENTS = 8;
  private static final String[] DIMENSIONS =
      IntStream.range(0, 24).mapToObj(i -> "D" + i).toArray(String[]::new);

  /** One acknowledged MeterUsage: its key and quantity, and the id it was answered with. */
  private record Ack(String taskId, String dimension, Instant hour, int quantity, String id) {
    /** The dedup key as the ledger query below spells it. */
    String key() {
      return taskId + "|" + dimension + "|" + hour.toEpochMilli();
    }
  }

  /** Starts a server process on the store under test, on the same data every time. */
  private interface Store {
    ServerProcess start() throws Exception;

    /** usage_records rows: record id to "taskId|dimension|hourMillis|quantity". */
    Map<String, String> ledger() throws Exception;
  }

  @Test
  void sqlite_killedUnderLoad_losesNoAcknowledgedRecordAndKeepsDedup() throws Exception {
    Path dir = Files.createTempDirectory("meterline-crash-sqlite");
    run(
        "SQLite",
        new Store() {
          @Override
          public ServerProcess start() throws Exception {
            return ServerProcess.startSqlite(dir);
          }

          @Override
          public Map<String, String> ledger() throws Exception {
            return read(DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("meterline.db")));
          }
        });
  }

  @Test
  void postgres_killedUnderLoad_losesNoAcknowledgedRecordAndKeepsDedup() throws Exception {
    String url = TestPostgres.newDatabase();
    Path key = Files.createTempDirectory("meterline-crash-pg").resolve("master.key");
    run(
        "PostgreSQL",
        new Store() {
          @Override
          public ServerProcess start() throws Exception {
            return ServerProcess.start(url, key);
          }

          @Override
          public Map<String, String> ledger() throws Exception {
            return read(DriverManager.getConnection(url));
          }
        });
  }

  private void run(String storeName, Store store) throws Exception {
    ServerProcess server = store.start();
    AdminClient admin = server.admin();
    String product = admin.customProduct("111122223333", DIMENSIONS).get("productCode").asText();
    String buyer = "444455556666";
    admin.buyer(buyer);
    admin.subscribe(product, buyer);
    Map<String, JsonNode> tasks = new ConcurrentHashMap<>();
    Map<String, Ack> acks = new ConcurrentHashMap<>();
    for (int kill = 0; kill < KILLS; kill++) {
      checkDedupHolds(server.endpoint(), tasks, product, acks);
      AdminClient roundAdmin = server.admin();
      URI endpoint = server.endpoint();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> load = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        Thread t = new Thread(() -> meter(roundAdmin, endpoint, buyer, product, tasks, acks, stop));
        t.start();
        load.add(t);
      }
      Thread.sleep(ThreadLocalRandom.current().nextLong(200, 1_200));
      server.kill();
      stop.set(true);
      for (Thread t : load) {
        t.join();
      }
      server = store.start();
    }
    checkDedupHolds(server.endpoint(), tasks, product, acks);
    server.close();

    Map<String, String> ledger = store.ledger();
    assertThat(acks).as("acknowledged records").hasSizeGreaterThan(KILLS);
    for (Ack a : acks.values()) {
      assertThat(ledger.get(a.id()))
          .as("record %s acknowledged for %s", a.id(), a)
          .isEqualTo(a.key() + "|" + a.quantity());
    }
    Map<String, Integer> perKey = new HashMap<>();
    for (String row : ledger.values()) {
      perKey.merge(row.substring(0, row.lastIndexOf('|')), 1, Integer::sum);
    }
    assertThat(perKey.values()).as("records per dedup key").allMatch(n -> n == 1);
    System.out.printf(
        "crash safety on %s: %d kills, %d acknowledged records all in the ledger of %d rows%n",
        storeName, KILLS, acks.size(), ledger.size());
  }

  /**
   * Meters every dimension of a fresh task once, then of another, until stopped or the server dies.
   * Distinct keys make every acknowledged id a promise about exactly one row. A task may meter no
   * hour before the one it started in, and a timestamp may be at most five minutes ahead, so each
   * task meters the current hour only.
   */
  private static void meter(
      AdminClient admin,
      URI endpoint,
      String buyer,
      String product,
      Map<String, JsonNode> tasks,
      Map<String, Ack> acks,
      AtomicBoolean stop) {
    while (!stop.get()) {
      JsonNode task;
      try {
        task = admin.task(buyer, "us-east-1", "ECS");
      } catch (RuntimeException e) {
        return; // the server is gone
      }
      // The hour the task started in or a later one (read after the task began); its timestamps
      // (30 s into the hour) are at most 30 s ahead, well inside the five minutes allowed.
      Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
      String taskId = task.get("taskId").asText();
      tasks.put(taskId, task);
      try (MarketplaceMeteringClient client = client(endpoint, task)) {
        for (String dimension : DIMENSIONS) {
          if (stop.get()) {
            return;
          }
          int quantity = ThreadLocalRandom.current().nextInt(1, 1_000_000);
          try {
            String id =
                client
                    .meterUsage(
                        r ->
                            r.productCode(product)
                                .usageDimension(dimension)
                                .usageQuantity(quantity)
                                .timestamp(hour.plusSeconds(30)))
                    .meteringRecordId();
            Ack ack = new Ack(taskId, dimension, hour, quantity, id);
            acks.put(ack.key(), ack);
          } catch (RuntimeException e) {
            // Not acknowledged: the server died mid-call, so nothing is promised about it.
          }
        }
      }
    }
  }

  /** Repeats a sample of acknowledged requests: each must get its original id back. */
  private static void checkDedupHolds(
      URI endpoint, Map<String, JsonNode> byId, String product, Map<String, Ack> acks) {
    List<Ack> sample = new ArrayList<>(acks.values());
    Collections.shuffle(sample);
    AtomicReference<String> mismatch = new AtomicReference<>();
    for (Ack a : sample.subList(0, Math.min(20, sample.size()))) {
      try (MarketplaceMeteringClient client = client(endpoint, byId.get(a.taskId()))) {
        String again =
            client
                .meterUsage(
                    r ->
                        r.productCode(product)
                            .usageDimension(a.dimension())
                            .usageQuantity(a.quantity())
                            .timestamp(a.hour().plusSeconds(45)))
                .meteringRecordId();
        if (!again.equals(a.id())) {
          mismatch.set(a + " repeated as " + again);
        }
      }
    }
    assertThat(mismatch.get()).as("an acknowledged record repeated after a restart").isNull();
  }

  private static MarketplaceMeteringClient client(URI endpoint, JsonNode task) {
    return MarketplaceMeteringClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(TestServer.taskCredentials(task)))
        .httpClientBuilder(
            ApacheHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(10)))
        .overrideConfiguration(
            o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
        .build();
  }

  private static Map<String, String> read(Connection c) throws Exception {
    Map<String, String> rows = new HashMap<>();
    try (c;
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT record_id, task_id, dimension, hour, quantity " + "FROM usage_records")) {
      while (rs.next()) {
        rows.put(
            rs.getString(1),
            rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getLong(4) + "|" + rs.getLong(5));
      }
    }
    return rows;
  }
}
