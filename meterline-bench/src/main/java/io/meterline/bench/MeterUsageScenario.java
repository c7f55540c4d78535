package io.meterline.bench;

import io.meterline.bench.MeterUsageRequests.TaskCredentials;
import io.meterline.server.Meterline;
import io.meterline.server.MeterlineServer;
import io.meterline.server.config.ServerConfig;
import io.meterline.server.config.StoreKind;
import io.meterline.server.domain.UsageSource;
import io.meterline.server.store.Database;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * MeterUsage against an in-process Meterline server with its default settings on the given store.
 * Every request is distinct (its own task and dimension, so its own dedup key and ClientToken) and
 * must be committed; the ledger is counted afterwards to prove it.
 *
 * <p>Each task first sends a DryRun, as the seller library does at start-up, which admits it; the
 * measured requests are then what a running task sends every hour.
 *
 * <p>The distinct requests for the measured period are sized from the rate of the warm-up's second
 * half, so the warm-up is never skipped.
 */
final class MeterUsageScenario {
  private static final Duration RAMP = Duration.ofSeconds(1);
  private static final double HEADROOM = 2.0;
  private static final int WARMUP_RATE_GUESS = 20_000;

  private final BenchOptions options;
  private final LoadGenerator generator;
  private final Consumer<String> log;

  MeterUsageScenario(BenchOptions options, LoadGenerator generator, Consumer<String> log) {
    this.options = options;
    this.generator = generator;
    this.log = log;
  }

  /**
   * The outcome of the measured period, with notes on how the server got there and problems that
   * make its figures untrustworthy (warm-up errors, a ledger that does not add up).
   */
  record Outcome(RunResult result, List<String> notes, List<String> problems) {}

  /** Work to do once the server has started (and migrated its schema), before any load. */
  @FunctionalInterface
  interface AfterStart {
    void run() throws Exception;
  }

  /** One replay of distinct requests and what the write path did meanwhile. */
  private record Phase(RunResult result, String writePath) {}

  Outcome run(String name, StoreKind store, String jdbcUrl, Path dataDir) throws Exception {
    return run(name, store, jdbcUrl, dataDir, () -> {});
  }

  Outcome run(String name, StoreKind store, String jdbcUrl, Path dataDir, AfterStart afterStart)
      throws Exception {
    ServerConfig config =
        ServerConfig.builder(dataDir)
            .port(0)
            .adminToken("bench-admin-token")
            .store(store)
            .jdbcUrl(jdbcUrl)
            .build();
    try (MeterlineServer server = Meterline.start(config)) {
      afterStart.run();
      Fixtures fixtures = new Fixtures(server.endpoint(), server.adminToken());
      String productCode = fixtures.createProductAndBuyers();
      Target target = new Target(name, server, fixtures, productCode);

      Duration warmup =
          options.warmup().compareTo(Duration.ofSeconds(2)) < 0
              ? Duration.ofSeconds(2)
              : options.warmup();
      int warmupRequests =
          (int) Math.min(options.maxRequests(), WARMUP_RATE_GUESS * warmup.toMillis() / 1000);
      Duration half = warmup.dividedBy(2);
      RunResult warm =
          phase(target, name + " warm-up", warmupRequests, warmup.minus(half), half).result();
      log.accept(
          String.format(
              Locale.ROOT,
              "  warm-up: %,.0f req/s over its second half, %d " + "errors",
              warm.rate(),
              warm.errors()));

      double perSecond = Math.max(warm.rate(), 1000);
      long wanted =
          (long)
                  Math.ceil(
                      perSecond * HEADROOM * (RAMP.plus(options.duration()).toMillis() / 1000.0))
              + (long) options.connections() * Fixtures.DIMENSIONS;
      Phase measured =
          phase(
              target,
              name,
              (int) Math.min(options.maxRequests(), wanted),
              RAMP,
              options.duration());
      LedgerCheck ledger =
          LedgerCheck.of(
              name,
              server.database(),
              UsageSource.METER_USAGE,
              "MeterUsage 200s",
              warm,
              measured.result());
      return new Outcome(
          measured.result(), List.of(measured.writePath(), ledger.note()), ledger.problems());
    }
  }

  /** What a phase needs of the server under test. */
  private record Target(
      String name, MeterlineServer server, Fixtures fixtures, String productCode) {
    InetSocketAddress address() {
      return new InetSocketAddress("127.0.0.1", server.port());
    }

    String host() {
      return "127.0.0.1:" + server.port();
    }
  }

  /** Creates and admits enough tasks, signs one request per task and dimension, replays them. */
  private Phase phase(Target t, String name, int requests, Duration ramp, Duration measure)
      throws Exception {
    List<String> dimensions = Fixtures.dimensions();
    int taskCount = (requests + dimensions.size() - 1) / dimensions.size();
    long t0 = System.nanoTime();
    List<TaskCredentials> tasks = t.fixtures().createTasks(taskCount);
    long t1 = System.nanoTime();
    admit(t, name, tasks);
    long t2 = System.nanoTime();
    try (RequestSet set =
        MeterUsageRequests.sign(
            t.host(),
            t.productCode(),
            dimensions,
            tasks,
            Instant.now().truncatedTo(ChronoUnit.MILLIS),
            false)) {
      long t3 = System.nanoTime();
      log.accept(
          String.format(
              Locale.ROOT,
              "  %s: %,d tasks created in %.1f s, admitted in "
                  + "%.1f s; %,d requests (%,d MB) signed in %.1f s",
              name,
              taskCount,
              (t1 - t0) / 1e9,
              (t2 - t1) / 1e9,
              set.size(),
              set.bytes() >> 20,
              (t3 - t2) / 1e9));
      PostgresWal wal = PostgresWal.read(t.server().database());
      RunResult result;
      String writePath;
      try (ServerProbe probe = new ServerProbe(t.server().database().committer())) {
        Instant from = Instant.now().plus(ramp);
        result = generator.run(name, t.address(), set, false, options.connections(), ramp, measure);
        log.accept(String.format("  %s: measured from %s to %s", name, from, from.plus(measure)));
        probe.close();
        writePath = probe.summary();
      }
      PostgresWal after = PostgresWal.read(t.server().database());
      if (wal != null && after != null) {
        writePath += after.minus(wal).describe(result.okTotal());
      }
      return new Phase(result, writePath);
    }
  }

  /** A DryRun per task, as the seller library sends at start-up; it admits the task. */
  private void admit(Target t, String name, List<TaskCredentials> tasks) throws Exception {
    try (RequestSet dryRuns =
        MeterUsageRequests.sign(
            t.host(),
            t.productCode(),
            Fixtures.dimensions().subList(0, 1),
            tasks,
            Instant.now().truncatedTo(ChronoUnit.MILLIS),
            true)) {
      RunResult admitted =
          generator.run(
              name + " admission",
              t.address(),
              dryRuns,
              false,
              options.connections(),
              Duration.ZERO,
              Duration.ofMinutes(5));
      if (admitted.errors() > 0) {
        throw new IllegalStateException(
            "the DryRun admission of "
                + tasks.size()
                + " tasks "
                + "failed "
                + admitted.errors()
                + " times: "
                + admitted.errorSamples());
      }
    }
  }

  /** PostgreSQL's WAL counters ({@code pg_stat_wal}, PostgreSQL 14+). */
  private record PostgresWal(long bytes, long syncs) {
    static PostgresWal read(Database db) {
      if (db.dialect() != io.meterline.server.store.Dialect.POSTGRES) {
        return null;
      }
      try {
        return db.read(
            c -> {
              try (Statement s = c.createStatement();
                  ResultSet rs = s.executeQuery("SELECT wal_bytes, wal_sync FROM pg_stat_wal")) {
                rs.next();
                return new PostgresWal(rs.getLong(1), rs.getLong(2));
              }
            });
      } catch (RuntimeException e) {
        return null;
      }
    }

    PostgresWal minus(PostgresWal before) {
      return new PostgresWal(bytes - before.bytes, syncs - before.syncs);
    }

    String describe(long requests) {
      return requests == 0
          ? ""
          : String.format(
              Locale.ROOT,
              "; PostgreSQL wrote %,d MB of " + "WAL (%.1f KB per request) in %,d WAL syncs",
              bytes >> 20,
              bytes / 1024.0 / requests,
              syncs);
    }
  }
}
