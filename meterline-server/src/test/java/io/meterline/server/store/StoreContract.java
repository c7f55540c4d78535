package io.meterline.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meterline.server.auth.MasterKey;
import io.meterline.server.config.ServerConfig;
import io.meterline.server.domain.Account;
import io.meterline.server.domain.ContractLine;
import io.meterline.server.domain.DedupKey;
import io.meterline.server.domain.Dimension;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.LedgerEntry;
import io.meterline.server.domain.LicenseConsumption;
import io.meterline.server.domain.Notification;
import io.meterline.server.domain.NotificationFormat;
import io.meterline.server.domain.NotificationTarget;
import io.meterline.server.domain.Platform;
import io.meterline.server.domain.PriceList;
import io.meterline.server.domain.Pricing;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.ProductKey;
import io.meterline.server.domain.Subscription;
import io.meterline.server.domain.Task;
import io.meterline.server.domain.UsageQuery;
import io.meterline.server.domain.UsageSource;
import io.meterline.wire.crypto.Pem;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The storage contract: what the rest of the server relies on from the database. The same tests run
 * on SQLite and on PostgreSQL (the two subclasses).
 */
abstract class StoreContract {
  static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  static final MasterKey MASTER = MasterKey.of(new byte[32]);

  Database db;
  Tables tables;
  ServerConfig config;

  abstract ServerConfig config(Path dir);

  @BeforeEach
  void open() throws Exception {
    config = config(Files.createTempDirectory("meterline-store"));
    db = Database.open(config, Clock.fixed(T0, ZoneOffset.UTC));
    tables = Tables.create(MASTER);
  }

  @AfterEach
  void close() {
    db.close();
  }

  <T> T write(SqlWork<T> work) {
    return db.write(work).join();
  }

  @Test
  void migrations_runOnceAndReopenAtTheSameVersion() throws Exception {
    int newest = Migrations.ALL.get(Migrations.ALL.size() - 1).version();
    assertThat(db.schemaVersion()).isEqualTo(newest);
    db.close();
    db = Database.open(config, Clock.fixed(T0, ZoneOffset.UTC));
    assertThat(db.schemaVersion()).isEqualTo(newest);
    int rows =
        db.read(
            c ->
                io.meterline.server.store.Jdbc.queryOne(
                    c, "SELECT COUNT(*) AS n FROM schema_version", rs -> rs.getInt("n")));
    assertThat(rows).isEqualTo(Migrations.ALL.size());
  }

  @Test
  void notifications_targetAndOutbox_roundTrip_andOnlyDueOnesAreDue() {
    NotificationTarget target =
        new NotificationTarget("prodcode1", "http://127.0.0.1:9/hook", NotificationFormat.SNS, T0);
    Notification now = notification("n-1", "subscribe-success", T0);
    Notification later = notification("n-2", "unsubscribe-success", T0.plusSeconds(3600));
    write(
        c -> {
          tables.notifications().setTarget(c, target);
          tables
              .notifications()
              .setTarget(
                  c,
                  new NotificationTarget(
                      "prodcode1", "http://localhost/x", NotificationFormat.EVENTBRIDGE, T0));
          tables.notifications().insert(c, now);
          tables.notifications().insert(c, later);
          return null;
        });
    NotificationTarget stored = db.read(c -> tables.notifications().target(c, "prodcode1"));
    assertThat(stored.format()).isEqualTo(NotificationFormat.EVENTBRIDGE);
    List<Notification> dueNow = db.read(c -> tables.notifications().due(c, T0, T0, 10));
    assertThat(dueNow).containsExactly(now);

    Notification retried =
        now.tried(Notification.Status.PENDING, T0.plusSeconds(1), 503, "HTTP 503", T0);
    int cancelled =
        write(
            c -> {
              tables.notifications().recordTry(c, retried);
              return tables
                  .notifications()
                  .cancel(c, "prodcode1", "444455556666", "unsubscribe-success");
            });
    assertThat(cancelled).isEqualTo(1);
    List<Notification> beforeRetry = db.read(c -> tables.notifications().due(c, T0, T0, 10));
    assertThat(beforeRetry).isEmpty();
    List<Notification> atRetry =
        db.read(c -> tables.notifications().due(c, T0, T0.plusSeconds(1), 10));
    assertThat(atRetry).containsExactly(retried);
    List<Notification> latest = db.read(c -> tables.notifications().latest(c, "prodcode1", 10));
    assertThat(latest)
        .extracting(Notification::status)
        .containsExactly(Notification.Status.CANCELLED, Notification.Status.PENDING);
    boolean cleared = write(c -> tables.notifications().clearTarget(c, "prodcode1"));
    assertThat(cleared).isTrue();
    NotificationTarget none = db.read(c -> tables.notifications().target(c, "prodcode1"));
    assertThat(none).isNull();
  }

  @Test
  void licenseConsumptions_holdUntilExpiryOrCheckIn_andAreFoundByClientToken() {
    LicenseConsumption provisional =
        new LicenseConsumption(
            "c1",
            "arn:l-1",
            "444455556666",
            "PROVISIONAL",
            List.of(new LicenseConsumption.Taken("Seats", "Count", 2)),
            "token-1",
            "hash-1",
            null,
            T0,
            T0.plusSeconds(3600),
            null);
    LicenseConsumption perpetual =
        new LicenseConsumption(
            "c2",
            "arn:l-1",
            "444455556666",
            "PERPETUAL",
            List.of(new LicenseConsumption.Taken("Storage", "Count", 40)),
            "token-2",
            "hash-2",
            "node-a",
            T0,
            null,
            null);
    write(
        c -> {
          tables.licenseConsumptions().insert(c, provisional);
          tables.licenseConsumptions().insert(c, perpetual);
          return null;
        });
    List<LicenseConsumption> inTheHour =
        db.read(c -> tables.licenseConsumptions().holding(c, "arn:l-1", T0.plusSeconds(60)));
    assertThat(inTheHour).containsExactlyInAnyOrder(provisional, perpetual);
    List<LicenseConsumption> after =
        db.read(c -> tables.licenseConsumptions().holding(c, "arn:l-1", T0.plusSeconds(3600)));
    assertThat(after).containsExactly(perpetual);

    write(
        c -> {
          tables.licenseConsumptions().extend(c, "c1", T0.plusSeconds(7200));
          tables.licenseConsumptions().checkIn(c, "c2", T0.plusSeconds(10));
          return null;
        });
    List<LicenseConsumption> extended =
        db.read(c -> tables.licenseConsumptions().holding(c, "arn:l-1", T0.plusSeconds(3600)));
    assertThat(extended).extracting(LicenseConsumption::consumptionToken).containsExactly("c1");
    LicenseConsumption byToken =
        db.read(c -> tables.licenseConsumptions().findByClientToken(c, "444455556666", "token-2"));
    assertThat(byToken.checkedInAt()).isEqualTo(T0.plusSeconds(10));
    assertThat(byToken.entitlements()).containsExactly(perpetual.entitlements().get(0));
  }

  @Test
  void notifications_ofASubscription_dueLater_areCancelled_andThoseDueNowStay() {
    Notification atStart = notification("e-1", "entitlement-updated", T0);
    Notification atEnd = notification("e-2", "entitlement-updated", T0.plusSeconds(86_400));
    Notification other = notification("e-3", "unsubscribe-success", T0.plusSeconds(86_400));
    write(
        c -> {
          tables.notifications().insert(c, atStart);
          tables.notifications().insert(c, atEnd);
          tables.notifications().insert(c, other);
          return null;
        });
    int cancelled =
        write(c -> tables.notifications().cancelDueAfter(c, "sub-1", "entitlement-updated", T0));
    assertThat(cancelled).isEqualTo(1);
    List<Notification> latest = db.read(c -> tables.notifications().latest(c, "prodcode1", 10));
    assertThat(latest)
        .extracting(n -> n.notificationId() + " " + n.status())
        .containsExactlyInAnyOrder("e-1 PENDING", "e-2 CANCELLED", "e-3 PENDING");
  }

  private static Notification notification(String id, String action, Instant due) {
    return new Notification(
        id,
        "prodcode1",
        "sub-1",
        "444455556666",
        action,
        "http://127.0.0.1:9/hook",
        NotificationFormat.SNS,
        "{}",
        due,
        due,
        Notification.Status.PENDING,
        0,
        T0,
        null,
        null,
        null);
  }

  @Test
  void writes_areVisibleToReadsOnceTheFutureCompletes() {
    write(
        c -> {
          tables.accounts().insert(c, new Account("111122223333", "AbCdEfGhIjK", T0), true);
          return null;
        });
    Account read = db.read(c -> tables.accounts().find(c, "111122223333"));
    assertThat(read).isEqualTo(new Account("111122223333", "AbCdEfGhIjK", T0));
    Map<String, Account> byIdentifier =
        db.read(
            c -> tables.accounts().findByCustomerIdentifiers(c, List.of("AbCdEfGhIjK", "nope")));
    assertThat(byIdentifier).containsOnlyKeys("AbCdEfGhIjK");
  }

  @Test
  void duplicatePrimaryKey_failsOnlyThatWrite_withAUniqueViolation() {
    Account a = new Account("111122223333", "AbCdEfGhIjK", T0);
    write(
        c -> {
          tables.accounts().insert(c, a, true);
          return null;
        });
    CompletableFuture<Object> dup =
        db.write(
            c -> {
              tables.accounts().insert(c, a, true);
              return null;
            });
    CompletableFuture<Object> other =
        db.write(
            c -> {
              tables.accounts().insert(c, new Account("222233334444", "ZyXwVuTsRqP", T0), true);
              return null;
            });
    assertThatThrownBy(dup::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(((StoreException) e.getCause()).isUniqueViolation()).isTrue());
    other.join();
    var v1 = db.read(c -> tables.accounts().find(c, "222233334444"));
    assertThat(v1).isNotNull();
  }

  @Test
  void products_roundTripWithDimensionsAndSealedKeys() throws Exception {
    KeyPair pair = rsa();
    Product p =
        new Product(
            "prodcode1",
            "Widget",
            Pricing.CUSTOM,
            null,
            null,
            List.of(
                new Dimension("Hosts", "host", new BigDecimal("0.10")),
                new Dimension("Users", null, new BigDecimal("2"))),
            true,
            false,
            "111122223333",
            T0,
            List.of(new ProductKey(1, Pem.encode(pair.getPublic()), pair.getPrivate(), T0, null)),
            "3f0c5a8e-3c5b-4e7e-9d38-1f4f5a0c2b11");
    write(
        c -> {
          tables.products().insert(c, p);
          return null;
        });
    String sealed =
        db.read(
            c ->
                io.meterline.server.store.Jdbc.queryOne(
                    c, "SELECT private_key_sealed FROM product_keys", rs -> rs.getString(1)));
    assertThat(sealed)
        .doesNotContain(
            java.util.Base64.getEncoder()
                .encodeToString(pair.getPrivate().getEncoded())
                .substring(0, 40));
    Product read = db.read(c -> tables.products().find(c, "prodcode1"));
    assertThat(read.productId()).isEqualTo(p.productId());
    String byId = db.read(c -> tables.products().findCodeByProductId(c, p.productId()));
    assertThat(byId).isEqualTo("prodcode1");
    assertThat(read.dimensions()).extracting(Dimension::name).containsExactly("Hosts", "Users");
    assertThat(read.dimensions().get(0).price()).isEqualByComparingTo("0.10");
    assertThat(read.preview()).isTrue();
    assertThat(read.currentKey().privateKey().getEncoded())
        .isEqualTo(pair.getPrivate().getEncoded());

    KeyPair next = rsa();
    write(
        c -> {
          assertThat(tables.products().retireKey(c, "prodcode1", 1, T0.plusSeconds(60))).isTrue();
          assertThat(tables.products().retireKey(c, "prodcode1", 1, T0.plusSeconds(61))).isFalse();
          tables
              .products()
              .insertKey(
                  c,
                  "prodcode1",
                  new ProductKey(
                      2,
                      Pem.encode(next.getPublic()),
                      next.getPrivate(),
                      T0.plusSeconds(60),
                      null));
          return null;
        });
    Product rotated = db.read(c -> tables.products().find(c, "prodcode1"));
    assertThat(rotated.currentKey().version()).isEqualTo(2);
    assertThat(rotated.key(1).orElseThrow().retiredAt()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void subscriptions_keepAContractsEnd_andEveryVersionOfAnAmendedContract() {
    Subscription s =
        new Subscription(
            "sub-c",
            "prodcode1",
            "444455556666",
            T0,
            null,
            null,
            List.of(new ContractLine("Seats", 2, null)),
            T0.plusSeconds(86_400),
            List.of());
    Subscription amended =
        s.amended(
                List.of(new ContractLine("Seats", 5, null)),
                T0.plusSeconds(90_000),
                T0.plusSeconds(60))
            .amended(
                List.of(new ContractLine("Seats", 1, null)),
                T0.plusSeconds(90_000),
                T0.plusSeconds(120));
    write(
        c -> {
          tables.subscriptions().insert(c, s, null);
          tables.subscriptions().amend(c, amended);
          return null;
        });
    Subscription read = db.read(c -> tables.subscriptions().find(c, "sub-c"));
    assertThat(read).isEqualTo(amended);
    assertThat(read.amendments()).hasSize(2);
    assertThat(read.contractSince()).isEqualTo(T0.plusSeconds(120));
    assertThat(read.contractedMax("Seats", T0, T0.plusSeconds(3600))).isEqualTo(5);
    assertThat(read.contractedMax("Seats", T0.plusSeconds(120), T0.plusSeconds(3600))).isEqualTo(1);
  }

  @Test
  void subscriptions_allowOneActivePerBuyerAndProduct_andKeepOnlyTokenHashes() {
    Subscription s =
        new Subscription(
            "sub-1",
            "prodcode1",
            "444455556666",
            T0,
            null,
            T0.plusSeconds(14_400),
            List.of(new ContractLine("Hosts", 10, ContractLine.Per.HOUR)));
    write(
        c -> {
          tables.subscriptions().insert(c, s, "token+/=");
          return null;
        });
    var v2 = db.read(c -> tables.subscriptions().findByToken(c, "token+/="));
    assertThat(v2).isEqualTo(s);
    var v3 = db.read(c -> tables.subscriptions().findByToken(c, "other"));
    assertThat(v3).isNull();
    String stored =
        db.read(
            c ->
                io.meterline.server.store.Jdbc.queryOne(
                    c, "SELECT registration_token_hash FROM subscriptions", rs -> rs.getString(1)));
    assertThat(stored).isNotEqualTo("token+/=").hasSize(64);

    CompletableFuture<Object> second =
        db.write(
            c -> {
              tables
                  .subscriptions()
                  .insert(
                      c,
                      new Subscription(
                          "sub-2", "prodcode1", "444455556666", T0, null, null, List.of()),
                      null);
              return null;
            });
    assertThatThrownBy(second::join).hasCauseInstanceOf(StoreException.class);

    write(c -> tables.subscriptions().end(c, "sub-1", T0.plusSeconds(10)));
    write(
        c -> {
          tables
              .subscriptions()
              .insert(
                  c,
                  new Subscription(
                      "sub-2",
                      "prodcode1",
                      "444455556666",
                      T0.plusSeconds(20),
                      null,
                      null,
                      List.of()),
                  null);
          return null;
        });
    var v4 =
        db.read(c -> tables.subscriptions().findActive(c, "prodcode1", "444455556666"))
            .subscriptionId();
    assertThat(v4).isEqualTo("sub-2");
    var v5 = db.read(c -> tables.subscriptions().findAll(c, "prodcode1", List.of("444455556666")));
    assertThat(v5).hasSize(2);
  }

  @Test
  void tasks_credentialExpiryOnlyMovesLater_andFindsAbandonedTasks() {
    Task t =
        new Task(
            "abd",
            "arn:aws:ecs:us-east-1:444455556666:task/default/abd",
            "444455556666",
            "us-east-1",
            Platform.ECS,
            "default",
            T0,
            null,
            "prodcode1",
            T0.plusSeconds(100));
    write(
        c -> {
          tables.tasks().insert(c, t);
          tables.tasks().extendCredentials(c, "abd", T0.plusSeconds(50));
          return null;
        });
    var read = db.read(c -> tables.tasks().find(c, "abd"));
    assertThat(read.credentialsExpireAt()).isEqualTo(T0.plusSeconds(100));
    assertThat(read.productCode()).isEqualTo("prodcode1");
    var early = db.read(c -> tables.tasks().abandoned(c, T0.plusSeconds(99), 10));
    assertThat(early).doesNotContain("abd");
    var late = db.read(c -> tables.tasks().abandoned(c, T0.plusSeconds(101), 10));
    assertThat(late).contains("abd");
    write(c -> tables.tasks().stop(c, "abd", T0.plusSeconds(5)));
    var stopped = db.read(c -> tables.tasks().abandoned(c, T0.plusSeconds(101), 10));
    assertThat(stopped).doesNotContain("abd");
  }

  @Test
  void tasks_stopOnce() {
    Task t =
        new Task(
            "abc",
            "arn:aws:ecs:us-east-1:444455556666:task/default/abc",
            "444455556666",
            "us-east-1",
            Platform.FARGATE,
            "default",
            T0,
            null,
            null,
            null);
    write(
        c -> {
          tables.tasks().insert(c, t);
          return null;
        });
    var v6 = write(c -> tables.tasks().stop(c, "abc", T0.plusSeconds(5)));
    assertThat(v6).isTrue();
    var v7 = write(c -> tables.tasks().stop(c, "abc", T0.plusSeconds(6)));
    assertThat(v7).isFalse();
    var v8 = db.read(c -> tables.tasks().find(c, "abc")).stoppedAt();
    assertThat(v8).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void usage_insertIfAbsent_keepsTheFirstRecordPerDedupKey() {
    DedupKey key = new DedupKey("task/abc", "prodcode1", "Hosts", T0);
    LedgerEntry first = entry("r1", key, 3);
    LedgerEntry second = entry("r2", key, 4);
    LedgerEntry otherHour =
        entry("r3", new DedupKey("task/abc", "prodcode1", "Hosts", T0.plusSeconds(3600)), 5);
    List<UsageRecordsTable.Stored> inserted =
        write(c -> tables.usage().insertOrFind(c, List.of(first, otherHour)));
    assertThat(inserted)
        .containsExactly(
            new UsageRecordsTable.Stored("r1", "q3"), new UsageRecordsTable.Stored("r3", "q5"));
    List<UsageRecordsTable.Stored> taken =
        write(c -> tables.usage().insertOrFind(c, List.of(second)));
    assertThat(taken).containsExactly(new UsageRecordsTable.Stored("r1", "q3"));
    Map<DedupKey, UsageRecordsTable.Stored> found =
        db.read(
            c ->
                tables
                    .usage()
                    .find(c, List.of(key, new DedupKey("task/zzz", "prodcode1", "Hosts", T0))));
    assertThat(found).containsOnlyKeys(key);
    assertThat(found.get(key)).isEqualTo(new UsageRecordsTable.Stored("r1", "q3"));
    List<LedgerEntry> all = entries(new UsageQuery("prodcode1", null, null, null, 100));
    assertThat(all).extracting(LedgerEntry::recordId).containsExactly("r1", "r3");
    assertThat(all.get(0)).isEqualTo(first);
    var v10 = entries(new UsageQuery(null, "444455556666", T0.plusSeconds(1), null, 100));
    assertThat(v10).extracting(LedgerEntry::recordId).containsExactly("r3");
  }

  @Test
  void lists_pageNewestFirst_tiesByIdDescending_withFilters() {
    // Subscriptions at three instants; at T0 + 1 s three of them tie.
    List<Subscription> subs = new ArrayList<>();
    String[] ids = {"sub-a", "sub-d", "sub-b", "sub-c", "sub-e"};
    long[] seconds = {0, 1, 1, 1, 2};
    for (int i = 0; i < ids.length; i++) {
      subs.add(
          new Subscription(
              ids[i],
              i % 2 == 0 ? "prodcode1" : "prodcode2",
              "44445555666" + i,
              T0.plusSeconds(seconds[i]),
              i == 3 ? T0.plusSeconds(5) : null,
              null,
              List.of()));
    }
    write(
        c -> {
          for (Subscription sub : subs) {
            tables.subscriptions().insert(c, sub, null);
          }
          return null;
        });

    List<String> paged = new ArrayList<>();
    Keyset after = null;
    while (true) {
      Keyset from = after;
      List<Subscription> page =
          db.read(c -> tables.subscriptions().list(c, null, null, null, from, 2));
      page.forEach(sub -> paged.add(sub.subscriptionId()));
      if (page.size() < 2) {
        break;
      }
      Subscription last = page.get(1);
      after = new Keyset(last.startedAt(), last.subscriptionId());
    }
    assertThat(paged).containsExactly("sub-e", "sub-d", "sub-c", "sub-b", "sub-a");
    assertThat(
            db.read(c -> tables.subscriptions().list(c, "prodcode1", null, null, null, 10)).stream()
                .map(Subscription::subscriptionId))
        .containsExactly("sub-e", "sub-b", "sub-a");
    assertThat(
            db
                .read(c -> tables.subscriptions().list(c, null, "444455556663", false, null, 10))
                .stream()
                .map(Subscription::subscriptionId))
        .containsExactly("sub-c");
    assertThat(
            db
                .read(
                    c ->
                        tables
                            .subscriptions()
                            .list(c, null, null, true, new Keyset(T0.plusSeconds(1), "sub-d"), 10))
                .stream()
                .map(Subscription::subscriptionId))
        .containsExactly("sub-b", "sub-a");
  }

  @Test
  void tasksList_byAdmittedProduct_readsTheAdmissions() {
    write(
        c -> {
          for (String id : List.of("t1", "t2", "t3")) {
            tables
                .tasks()
                .insert(
                    c,
                    new Task(
                        id,
                        "arn:" + id,
                        "444455556666",
                        "us-east-1",
                        Platform.FARGATE,
                        "default",
                        T0,
                        null,
                        null,
                        null));
          }
          tables
              .admissions()
              .insert(
                  c,
                  List.of(
                      new AdmissionsTable.Admission("t1", "prodcode1"),
                      new AdmissionsTable.Admission("t3", "prodcode1"),
                      new AdmissionsTable.Admission("t2", "prodcode2")),
                  T0);
          tables.tasks().stop(c, "t3", T0.plusSeconds(60));
          return null;
        });

    assertThat(
            db
                .read(c -> tables.tasks().list(c, "444455556666", "prodcode1", null, null, 10))
                .stream()
                .map(Task::taskId))
        .containsExactly("t3", "t1");
    assertThat(
            db.read(c -> tables.tasks().list(c, null, "prodcode1", true, null, 10)).stream()
                .map(Task::taskId))
        .containsExactly("t1");
    List<Task> none = db.read(c -> tables.tasks().list(c, "999999999999", null, null, null, 10));
    assertThat(none).isEmpty();
  }

  @Test
  void buyersList_leavesSellersOut() {
    write(
        c -> {
          tables.accounts().insert(c, new Account("111122223333", "AbCdEfGhIjK", T0), false);
          tables
              .accounts()
              .insert(c, new Account("444455556666", "ZyXwVuTsRqP", T0.plusSeconds(1)), true);
          return null;
        });

    List<Account> buyers = db.read(c -> tables.accounts().listBuyers(c, null, 10));
    assertThat(buyers).extracting(Account::awsAccountId).containsExactly("444455556666");
  }

  /** A product of this pricing with one dimension, Hosts at 1, and a key. */
  private Product billable(String code, Pricing pricing) throws Exception {
    return billable(code, pricing, T0);
  }

  private Product billable(String code, Pricing pricing, Instant createdAt) throws Exception {
    KeyPair pair = rsa();
    return new Product(
        code,
        "Billable " + code,
        pricing,
        pricing == Pricing.HOURLY ? new BigDecimal("2") : null,
        pricing == Pricing.MONTHLY ? new BigDecimal("30") : null,
        List.of(new Dimension("Hosts", null, BigDecimal.ONE)),
        false,
        false,
        "111122223333",
        createdAt,
        List.of(new ProductKey(1, Pem.encode(pair.getPublic()), pair.getPrivate(), T0, null)),
        null);
  }

  private static Task task(String id, String account, Instant started) {
    return new Task(
        id,
        "arn:" + id,
        account,
        "us-east-1",
        Platform.FARGATE,
        "default",
        started,
        null,
        null,
        null);
  }

  @Test
  void priceChanges_areReadBackInOrder_overTheCreationsPrices() throws Exception {
    Product p = billable("prodprice1", Pricing.HOURLY);
    write(
        c -> {
          tables.products().insert(c, p);
          tables
              .products()
              .insertPriceChange(
                  c,
                  "prodprice1",
                  1,
                  new PriceList(
                      T0.plusSeconds(60),
                      new BigDecimal("2.5"),
                      null,
                      Map.of("Hosts", new BigDecimal("1.25"))));
          tables
              .products()
              .insertPriceChange(
                  c,
                  "prodprice1",
                  2,
                  new PriceList(
                      T0.plusSeconds(120),
                      new BigDecimal("1.5"),
                      null,
                      Map.of("Hosts", new BigDecimal("1.25"))));
          return null;
        });
    CompletableFuture<Object> again =
        db.write(
            c -> {
              tables
                  .products()
                  .insertPriceChange(
                      c, "prodprice1", 2, new PriceList(T0, BigDecimal.ONE, null, Map.of()));
              return null;
            });

    Product read = db.read(c -> tables.products().find(c, "prodprice1"));
    Map<String, Product> all =
        db.read(c -> tables.products().findAll(c, List.of("prodprice1", "nosuchproduct")));

    assertThat(read.priceHistory())
        .extracting(PriceList::since)
        .containsExactly(T0, T0.plusSeconds(60), T0.plusSeconds(120));
    assertThat(read.priceHistory().get(0).hourlyPrice()).isEqualByComparingTo("2");
    assertThat(read.hourlyPrice()).isEqualByComparingTo("1.5");
    assertThat(read.dimensions().get(0).price()).isEqualByComparingTo("1.25");
    assertThat(all).containsOnlyKeys("prodprice1");
    assertThat(all.get("prodprice1").priceHistory()).hasSize(3);
    assertThatThrownBy(again::join)
        .hasCauseInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(((StoreException) e.getCause()).isUniqueViolation()).isTrue());
  }

  @Test
  void billingReads_totalsByHourOfSomeIdentities_andTheTasksThatRan() throws Exception {
    Product hourly = billable("prodhourly", Pricing.HOURLY);
    Product custom = billable("prodcustom", Pricing.CUSTOM);
    write(
        c -> {
          tables.products().insert(c, hourly);
          tables.products().insert(c, custom);
          tables.tasks().insert(c, task("ta", "444455556666", T0));
          tables.tasks().insert(c, task("tb", "444455556666", T0.plusSeconds(7200)));
          tables.tasks().insert(c, task("tc", "777788889999", T0));
          tables.tasks().insert(c, task("td", "444455556666", T0.minusSeconds(86_400 * 3)));
          tables.tasks().stop(c, "td", T0.minusSeconds(86_400 * 2));
          tables
              .admissions()
              .insert(
                  c,
                  List.of(
                      new AdmissionsTable.Admission("ta", "prodhourly"),
                      new AdmissionsTable.Admission("tb", "prodcustom")),
                  T0);
          tables
              .usage()
              .insertOrFind(
                  c,
                  List.of(
                      entry("u1", new DedupKey("task/ta", "prodcustom", "Hosts", T0), 3),
                      entry("u2", new DedupKey("task/ta", "prodcustom", "Users", T0), 4),
                      entry("u3", new DedupKey("task/tb", "prodcustom", "Hosts", T0), 5),
                      entry(
                          "u4",
                          new DedupKey("task/ta", "prodcustom", "Hosts", T0.plusSeconds(3600)),
                          6),
                      new LedgerEntry(
                          "u5",
                          new DedupKey("task/tc", "prodcustom", "Hosts", T0),
                          "777788889999",
                          7,
                          "q7",
                          null,
                          UsageSource.METER_USAGE,
                          "tc",
                          T0,
                          T0),
                      entry(
                          "u6",
                          new DedupKey("task/ta", "prodcustom", "Hosts", T0.plusSeconds(7200)),
                          8)));
          return null;
        });

    List<UsageRecordsTable.HourTotal> totals =
        db.read(
            c ->
                tables
                    .usage()
                    .totalsByHour(c, List.of("task/ta", "task/tb"), T0, T0.plusSeconds(7200)));
    List<TasksTable.WithTime> ran =
        db.read(
            c ->
                tables
                    .tasks()
                    .ranBetween(c, "444455556666", T0.minusSeconds(86_400), T0.plusSeconds(3600)));
    List<String> active =
        db.read(c -> tables.usage().accountsWithUsage(c, T0, T0.plusSeconds(3600)));
    boolean behind =
        db.read(c -> tables.tasks().hasTimeUnrecorded(c, "444455556666", T0.plusSeconds(3600)));
    List<Task> toRecord = db.read(c -> tables.tasks().timeToRecord(c, T0.plusSeconds(3600), 10));
    List<String> timePriced = db.read(c -> tables.tasks().accountsRunningTimePriced(c));
    write(
        c -> {
          tables.tasks().setTimeRecordedUntil(c, "ta", T0.plusSeconds(3600));
          return null;
        });
    boolean caughtUp =
        db.read(c -> tables.tasks().hasTimeUnrecorded(c, "444455556666", T0.plusSeconds(3600)));

    // The hours [T0, T0 + 2 h) of task/ta and task/tb: Hosts 3 + 5 at T0, Users 4, Hosts 6 after.
    assertThat(totals)
        .containsExactlyInAnyOrder(
            new UsageRecordsTable.HourTotal("prodcustom", "Hosts", T0, UsageSource.METER_USAGE, 8),
            new UsageRecordsTable.HourTotal("prodcustom", "Users", T0, UsageSource.METER_USAGE, 4),
            new UsageRecordsTable.HourTotal(
                "prodcustom", "Hosts", T0.plusSeconds(3600), UsageSource.METER_USAGE, 6));
    // tb started after the window; td stopped before it; tc is another account's.
    assertThat(ran).extracting(w -> w.task().taskId()).containsExactly("ta");
    assertThat(ran.get(0).timeRecordedUntil()).isNull();
    assertThat(active).containsExactly("444455556666", "777788889999");
    // ta is admitted for an HOURLY product and its time is not recorded; tb's product is CUSTOM.
    assertThat(behind).isTrue();
    assertThat(toRecord).extracting(Task::taskId).containsExactly("ta");
    assertThat(timePriced).containsExactly("444455556666");
    assertThat(caughtUp).isFalse();
  }

  @Test
  void subscriptionsAndAccounts_forInvoicesAndReports() {
    write(
        c -> {
          for (String id : List.of("444455556666", "111122223333", "777788889999")) {
            tables.accounts().insert(c, new Account(id, "C" + id.substring(0, 10), T0), true);
          }
          tables
              .subscriptions()
              .insert(
                  c,
                  new Subscription(
                      "sub-1", "p1", "444455556666", T0, T0.plusSeconds(60), null, List.of()),
                  null);
          tables
              .subscriptions()
              .insert(
                  c,
                  new Subscription(
                      "sub-2", "p1", "444455556666", T0.plusSeconds(120), null, null, List.of()),
                  null);
          tables
              .subscriptions()
              .insert(
                  c,
                  new Subscription(
                      "sub-3",
                      "p2",
                      "777788889999",
                      T0.plusSeconds(30),
                      T0.plusSeconds(86_400),
                      null,
                      List.of()),
                  null);
          return null;
        });

    List<Subscription> ofAccount =
        db.read(c -> tables.subscriptions().ofAccount(c, "444455556666"));
    List<Subscription> atEnd =
        db.read(c -> tables.subscriptions().activeAtEndOf(c, T0.plusSeconds(86_400)));
    List<String> first = db.read(c -> tables.accounts().idsAfter(c, null, 2));
    List<String> rest = db.read(c -> tables.accounts().idsAfter(c, "444455556666", 10));

    assertThat(ofAccount)
        .extracting(Subscription::subscriptionId)
        .containsExactly("sub-1", "sub-2");
    // sub-3 ended exactly at the end: active to its last moment.
    assertThat(atEnd).extracting(Subscription::subscriptionId).containsExactly("sub-2", "sub-3");
    assertThat(first).containsExactly("111122223333", "444455556666");
    assertThat(rest).containsExactly("777788889999");
  }

  @Test
  void usage_queryAfterAPosition_pagesThroughTheLedgerOrderOnce() {
    // Ties on every column but the last ones: the order must still be total.
    List<LedgerEntry> entries = new ArrayList<>();
    int n = 0;
    for (String scope : List.of("task/b", "task/a")) {
      for (String dimension : List.of("Users", "Hosts")) {
        for (long hour : List.of(3600L, 0L)) {
          entries.add(
              entry(
                  "p" + n++, new DedupKey(scope, "prodcode1", dimension, T0.plusSeconds(hour)), 1));
        }
      }
    }
    write(c -> tables.usage().insertOrFind(c, entries));
    List<LedgerEntry> whole = entries(new UsageQuery("prodcode1", null, null, null, 100));

    List<LedgerEntry> paged = new ArrayList<>();
    UsageQuery.After after = null;
    while (true) {
      UsageQuery.After from = after;
      List<UsageRecordsTable.Listed> page =
          db.read(
              c -> tables.usage().query(c, new UsageQuery("prodcode1", null, null, null, 3, from)));
      page.forEach(listed -> paged.add(listed.entry()));
      if (page.size() < 3) {
        break;
      }
      after = page.get(page.size() - 1).position();
    }

    assertThat(whole).containsExactlyInAnyOrderElementsOf(entries);
    assertThat(paged).containsExactlyElementsOf(whole);
    assertThat(whole)
        .extracting(e -> e.key().hour())
        .containsExactly(
            T0,
            T0,
            T0,
            T0,
            T0.plusSeconds(3600),
            T0.plusSeconds(3600),
            T0.plusSeconds(3600),
            T0.plusSeconds(3600));
  }

  /** Entries written between pages, into hours behind and ahead, never make one appear twice. */
  @Test
  void usage_pagesWhileEntriesAreAdded_visitEveryEarlierEntryExactlyOnce() {
    List<LedgerEntry> before = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      before.add(
          entry(
              Ids.recordId(),
              new DedupKey("task/" + i, "prodcode1", "Hosts", T0.plusSeconds(3600L * (i % 3))),
              1));
    }
    write(c -> tables.usage().insertOrFind(c, before));

    List<String> seen = new ArrayList<>();
    UsageQuery.After after = null;
    int added = 0;
    for (int pages = 0; pages < 50; pages++) {
      UsageQuery.After from = after;
      List<UsageRecordsTable.Listed> page =
          db.read(
              c -> tables.usage().query(c, new UsageQuery("prodcode1", null, null, null, 4, from)));
      page.forEach(listed -> seen.add(listed.entry().recordId()));
      if (page.size() < 4) {
        break;
      }
      after = page.get(page.size() - 1).position();
      // Between pages, entries arrive in the first hour, the page's last hour and a later one.
      List<LedgerEntry> more = new ArrayList<>();
      for (long hour : List.of(0L, after.hour().getEpochSecond() - T0.getEpochSecond(), 7200L)) {
        more.add(
            entry(
                Ids.recordId(),
                new DedupKey("task/new" + added++, "prodcode1", "Hosts", T0.plusSeconds(hour)),
                1));
      }
      write(c -> tables.usage().insertOrFind(c, more));
    }

    assertThat(new HashSet<>(seen)).hasSize(seen.size());
    assertThat(seen).containsAll(before.stream().map(LedgerEntry::recordId).toList());
  }

  @Test
  void products_listNewestFirst_tiesByCodeDescending_withTheirDimensions() throws Exception {
    List<Product> products =
        List.of(
            billable("prodlista", Pricing.CUSTOM, T0),
            billable("prodlistc", Pricing.CUSTOM, T0.plusSeconds(1)),
            billable("prodlistb", Pricing.HOURLY, T0.plusSeconds(1)),
            billable("prodlistd", Pricing.CUSTOM, T0.plusSeconds(2)));
    write(
        c -> {
          for (Product p : products) {
            tables.products().insert(c, p);
          }
          return null;
        });

    List<Product> first = db.read(c -> tables.products().list(c, null, 2));
    List<Product> rest =
        db.read(c -> tables.products().list(c, new Keyset(T0.plusSeconds(1), "prodlistc"), 10));

    assertThat(first).extracting(Product::productCode).containsExactly("prodlistd", "prodlistc");
    assertThat(rest).extracting(Product::productCode).containsExactly("prodlistb", "prodlista");
    assertThat(rest.get(0).dimensions()).extracting(Dimension::name).containsExactly("Hosts");
    assertThat(rest.get(0).hourlyPrice()).isEqualByComparingTo("2");
  }

  @Test
  void usageTotals_sumPerHourAndDimension_forAProductOrAnAccount_overARange() {
    List<LedgerEntry> ledger = new ArrayList<>();
    int n = 0;
    for (String product : List.of("prodcode1", "prodcode2")) {
      for (long hour : List.of(0L, 3600L, 7200L)) {
        for (String dimension : List.of("Users", "Hosts")) {
          for (String scope : List.of("task/a", "task/b")) {
            ledger.add(
                entry(
                    "t" + n++,
                    new DedupKey(scope, product, dimension, T0.plusSeconds(hour)),
                    hour / 3600 + 1 + (product.equals("prodcode2") ? 100 : 0)));
          }
        }
      }
    }
    write(c -> tables.usage().insertOrFind(c, ledger));

    List<UsageRecordsTable.DimensionHour> product =
        db.read(
            c -> tables.usage().totalsByDimension(c, "prodcode1", null, T0, T0.plusSeconds(7200)));
    List<UsageRecordsTable.DimensionHour> everything =
        db.read(
            c ->
                tables
                    .usage()
                    .totalsByDimension(
                        c, null, "444455556666", T0.plusSeconds(7200), T0.plusSeconds(10800)));

    // Two scopes of each (hour, dimension): quantities 1 and 2 in the first two hours doubled.
    assertThat(product)
        .containsExactly(
            new UsageRecordsTable.DimensionHour(T0, "Hosts", 2),
            new UsageRecordsTable.DimensionHour(T0, "Users", 2),
            new UsageRecordsTable.DimensionHour(T0.plusSeconds(3600), "Hosts", 4),
            new UsageRecordsTable.DimensionHour(T0.plusSeconds(3600), "Users", 4));
    // The third hour, both products: 3 + 3 + 103 + 103.
    assertThat(everything)
        .containsExactly(
            new UsageRecordsTable.DimensionHour(T0.plusSeconds(7200), "Hosts", 212),
            new UsageRecordsTable.DimensionHour(T0.plusSeconds(7200), "Users", 212));
  }

  private List<LedgerEntry> entries(UsageQuery q) {
    return db.read(c -> tables.usage().query(c, q)).stream()
        .map(UsageRecordsTable.Listed::entry)
        .toList();
  }

  @Test
  void usage_insertOrFind_overSeveralStatements_answersEachEntryInTheOrderGiven() {
    // More entries than one insert statement takes on PostgreSQL, every third one's key already
    // taken.
    int n = 2 * Jdbc.INSERT_CHUNK + 37;
    List<LedgerEntry> before = new ArrayList<>();
    List<LedgerEntry> entries = new ArrayList<>();
    for (int i = n - 1; i >= 0; i--) {
      DedupKey key = new DedupKey("task/t" + i, "prodcode1", "Hosts", T0);
      if (i % 3 == 0) {
        before.add(entry("old" + i, key, 1));
      }
      entries.add(entry("new" + i, key, i % 3 == 0 ? 1 : 2));
    }
    write(c -> tables.usage().insertOrFind(c, before));
    List<UsageRecordsTable.Stored> stored = write(c -> tables.usage().insertOrFind(c, entries));
    assertThat(stored).hasSize(n);
    for (int k = 0; k < n; k++) {
      int i = n - 1 - k;
      assertThat(stored.get(k))
          .isEqualTo(
              i % 3 == 0
                  ? new UsageRecordsTable.Stored("old" + i, "q1")
                  : new UsageRecordsTable.Stored("new" + i, "q2"));
    }
    List<ClientTokensTable.Reservation> reservations = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      reservations.add(
          new ClientTokensTable.Reservation(
              new ClientTokensTable.Key("task/t", "tok" + i), "fp", "r" + i));
    }
    write(c -> tables.clientTokens().reserve(c, reservations.subList(0, 50), T0));
    boolean[] reserved = write(c -> tables.clientTokens().reserve(c, reservations, T0));
    for (int i = 0; i < n; i++) {
      assertThat(reserved[i]).as("token %d", i).isEqualTo(i >= 50);
    }
  }

  @Test
  void insertedText_withQuotesBackslashesBracesCommasAndTheWordNull_isStoredAsGiven() {
    // PostgreSQL receives these rows as array parameters: every character an array literal
    // treats specially must come back as sent, and "NULL" as a string, not as SQL NULL.
    List<String> awkward =
        List.of("NULL", "null", "a\"b", "a\\b", "{a,b}", "a, b", " lead", "trail ", "\\\"", "é€");
    List<LedgerEntry> entries = new ArrayList<>();
    List<ClientTokensTable.Reservation> reservations = new ArrayList<>();
    for (int i = 0; i < awkward.size(); i++) {
      String text = awkward.get(i);
      DedupKey key = new DedupKey("task/" + text, "prodcode1", "Hosts", T0);
      entries.add(
          new LedgerEntry(
              "rec" + i,
              key,
              "444455556666",
              i,
              text,
              "[{\"tags\":[{\"key\":\"k\",\"value\":\"" + text.replace("\"", "'") + "\"}]}]",
              UsageSource.METER_USAGE,
              text,
              key.hour().plusSeconds(5),
              T0));
      reservations.add(
          new ClientTokensTable.Reservation(
              new ClientTokensTable.Key("task/" + text, text),
              text,
              i % 2 == 0 ? null : "rec" + i));
    }
    List<UsageRecordsTable.Stored> stored = write(c -> tables.usage().insertOrFind(c, entries));
    boolean[] reserved = write(c -> tables.clientTokens().reserve(c, reservations, T0));

    for (int i = 0; i < awkward.size(); i++) {
      assertThat(stored.get(i)).isEqualTo(new UsageRecordsTable.Stored("rec" + i, awkward.get(i)));
      assertThat(reserved[i]).as("token %s", awkward.get(i)).isTrue();
    }
    Map<DedupKey, UsageRecordsTable.Stored> found =
        db.read(c -> tables.usage().find(c, entries.stream().map(LedgerEntry::key).toList()));
    Map<ClientTokensTable.Key, ClientTokensTable.Stored> tokens =
        db.read(
            c ->
                tables
                    .clientTokens()
                    .find(
                        c, reservations.stream().map(ClientTokensTable.Reservation::key).toList()));
    for (int i = 0; i < awkward.size(); i++) {
      String text = awkward.get(i);
      assertThat(found.get(entries.get(i).key()))
          .isEqualTo(new UsageRecordsTable.Stored("rec" + i, text));
      assertThat(tokens.get(reservations.get(i).key()))
          .isEqualTo(new ClientTokensTable.Stored(text, i % 2 == 0 ? null : "rec" + i));
    }
    List<LedgerEntry> all = entries(new UsageQuery(null, "444455556666", null, null, 100));
    assertThat(all).containsExactlyInAnyOrderElementsOf(entries);
  }

  @Test
  void clientTokens_reserveOnce_thenReleaseOrRepoint() {
    ClientTokensTable.Key k = new ClientTokensTable.Key("task/abc", "tok");
    boolean[] first =
        write(
            c ->
                tables
                    .clientTokens()
                    .reserve(c, List.of(new ClientTokensTable.Reservation(k, "fp1", "r1")), T0));
    boolean[] again =
        write(
            c ->
                tables
                    .clientTokens()
                    .reserve(c, List.of(new ClientTokensTable.Reservation(k, "fp2", "r2")), T0));
    assertThat(first).containsExactly(true);
    assertThat(again).containsExactly(false);
    write(
        c -> {
          tables.clientTokens().setRecordIds(c, Map.of(k, "r9"));
          return null;
        });
    var v11 = db.read(c -> tables.clientTokens().find(c, List.of(k))).get(k);
    assertThat(v11).isEqualTo(new ClientTokensTable.Stored("fp1", "r9"));
    write(
        c -> {
          tables.clientTokens().release(c, List.of(k));
          return null;
        });
    var v12 = db.read(c -> tables.clientTokens().find(c, List.of(k)));
    assertThat(v12).isEmpty();
  }

  @Test
  void admissions_areRecordedOnce() {
    AdmissionsTable.Admission a = new AdmissionsTable.Admission("abc", "prodcode1");
    write(
        c -> {
          tables.admissions().insert(c, List.of(a), T0);
          tables.admissions().insert(c, List.of(a), T0.plusSeconds(1));
          return null;
        });
    var v13 =
        db.read(
            c ->
                tables
                    .admissions()
                    .findExisting(c, List.of(a, new AdmissionsTable.Admission("abc", "other"))));
    assertThat(v13).containsExactly(a);
  }

  @Test
  void concurrentWriters_ofOneDedupKey_storeExactlyOneRecord() {
    DedupKey key = new DedupKey("task/race", "prodcode1", "Hosts", T0);
    AtomicInteger inserted = new AtomicInteger();
    List<CompletableFuture<Object>> writes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      LedgerEntry e = entry("race-" + i, key, i);
      writes.add(
          db.write(
              c -> {
                if (tables
                    .usage()
                    .insertOrFind(c, List.of(e))
                    .get(0)
                    .recordId()
                    .equals(e.recordId())) {
                  inserted.incrementAndGet();
                }
                return null;
              }));
    }
    writes.forEach(CompletableFuture::join);
    assertThat(inserted).hasValue(1);
    int rows =
        db.read(
            c ->
                io.meterline.server.store.Jdbc.queryOne(
                    c,
                    "SELECT COUNT(*) AS n FROM usage_records WHERE scope = 'task/race'",
                    rs -> rs.getInt("n")));
    assertThat(rows).isEqualTo(1);
  }

  @Test
  void commitFailure_ofOneJob_doesNotFailTheOthersInItsBatch() {
    List<CompletableFuture<Object>> writes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int n = i;
      writes.add(
          db.write(
              c -> {
                if (n == 25) {
                  throw new SQLException("boom");
                }
                tables
                    .accounts()
                    .insert(
                        c,
                        new Account(String.format("%012d", n), String.format("C%010d", n), T0),
                        true);
                return null;
              }));
    }
    for (int i = 0; i < 50; i++) {
      if (i == 25) {
        assertThatThrownBy(writes.get(i)::join).isInstanceOf(CompletionException.class);
      } else {
        writes.get(i).join();
      }
    }
    int rows =
        db.read(
            c ->
                io.meterline.server.store.Jdbc.queryOne(
                    c, "SELECT COUNT(*) AS n FROM accounts", rs -> rs.getInt("n")));
    assertThat(rows).isEqualTo(49);
  }

  static LedgerEntry entry(String id, DedupKey key, long quantity) {
    return new LedgerEntry(
        id,
        key,
        "444455556666",
        quantity,
        "q" + quantity,
        null,
        UsageSource.METER_USAGE,
        "abc",
        key.hour().plusSeconds(5),
        T0);
  }

  static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  @SuppressWarnings("unused")
  private static void use(Connection c) {}
}
