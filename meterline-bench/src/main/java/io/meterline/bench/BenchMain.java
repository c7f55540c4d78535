package io.meterline.bench;

import io.meterline.bench.MeterUsageRequests.TaskCredentials;
import io.meterline.server.config.StoreKind;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The benchmark: the no-op Netty baseline, MeterUsage on SQLite, the PostgreSQL JDBC batch baseline
 * and MeterUsage on PostgreSQL, BatchMeterUsage on SQLite, the raw PS256 signing baseline and
 * RegisterUsage on SQLite, and the start-up time of {@code meterline serve}, all in one run with
 * one load generator, then the table and the targets of SPEC §6.
 */
public final class BenchMain {
  private static final int NOOP_POOL = 50_000;

  private final BenchOptions options;
  private final List<RunResult> results = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final List<Report.Absolute> absolutes = new ArrayList<>();

  private BenchMain(BenchOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.HelpRequested e) {
      System.out.print(BenchOptions.USAGE);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("meterline-bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    boolean ok = new BenchMain(options).run();
    System.exit(ok ? 0 : 1);
  }

  private boolean run() throws Exception {
    Files.createDirectories(options.dataDir());
    say(
        String.format(
            Locale.ROOT,
            "meterline-bench: %d connections, %s warm-up, %s measured, "
                + "store %s, transport %s, %d load-generator thread(s), %d cores, data in %s",
            options.connections(),
            human(options.warmup()),
            human(options.duration()),
            options.store().name().toLowerCase(Locale.ROOT),
            Transport.name(),
            options.clientThreads(),
            Runtime.getRuntime().availableProcessors(),
            options.dataDir().toAbsolutePath()));
    try (LoadGenerator generator = new LoadGenerator(options.clientThreads())) {
      RunResult noop = noopBaseline(generator);
      RunResult sqlite = null;
      RunResult pg = null;
      RunResult jdbc = null;
      RunResult batch = null;
      RunResult signing = null;
      RunResult register = null;
      MeterUsageScenario meterUsage = new MeterUsageScenario(options, generator, this::say);
      boolean meter = options.runs(BenchOptions.Scenario.METER);
      if (meter && options.store().sqlite()) {
        say("MeterUsage on SQLite ...");
        MeterUsageScenario.Outcome o =
            meterUsage.run(
                "MeterUsage, SQLite", StoreKind.SQLITE, null, options.dataDir().resolve("sqlite"));
        sqlite = record(o.result());
        o.notes().forEach(n -> notes.add("MeterUsage, SQLite: " + n));
        problems.addAll(o.problems());
      }
      if (meter && options.store().postgres()) {
        say("starting embedded PostgreSQL ...");
        try (EmbeddedPostgres postgres =
            EmbeddedPostgres.builder()
                .setDataDirectory(options.dataDir().resolve("postgres"))
                .setCleanDataDirectory(true)
                // zonky turns synchronous_commit off; durable commits are what is measured here
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .start()) {
          String url = postgres.getJdbcUrl("postgres", "postgres");
          RunResult[] both = postgres(generator, url);
          jdbc = both[0];
          pg = both[1];
        }
      }
      if (options.runs(BenchOptions.Scenario.BATCH)) {
        say("BatchMeterUsage on SQLite ...");
        MeterUsageScenario.Outcome o =
            new BatchMeterUsageScenario(options, generator, this::say)
                .run("BatchMeterUsage, SQLite", options.dataDir().resolve("batch"));
        batch = record(o.result());
        o.notes().forEach(n -> notes.add("BatchMeterUsage, SQLite: " + n));
        problems.addAll(o.problems());
        absolutes.add(
            new Report.Absolute(
                "BatchMeterUsage-SQLite records/s",
                String.format(Locale.ROOT, "%,.0f records/s", batch.rate()),
                ">= 100,000 records/s",
                batch.rate() >= 100_000,
                batch.errors() == 0 && !batch.exhausted()));
      }
      if (options.runs(BenchOptions.Scenario.REGISTER)) {
        say("raw PS256 signing baseline ...");
        signing =
            record(
                SigningBaseline.run(
                    "PS256 signing (baseline)", Duration.ofSeconds(3), options.duration()));
        say("RegisterUsage on SQLite ...");
        register =
            record(
                new RegisterUsageScenario(options, generator, this::say)
                    .run("RegisterUsage, SQLite", options.dataDir().resolve("register")));
      }
      if (options.runs(BenchOptions.Scenario.STARTUP)) {
        startup();
      }
      print(noop, sqlite, jdbc, pg, signing, register);
      return problems.isEmpty()
          && Report.problems(results).isEmpty()
          && absolutes.stream().allMatch(Report.Absolute::trustworthy);
    } finally {
      deleteQuietly(options.dataDir());
    }
  }

  private RunResult noopBaseline(LoadGenerator generator) throws Exception {
    say("no-op baseline ...");
    List<TaskCredentials> fake = new ArrayList<>();
    for (int i = 0; i < NOOP_POOL / Fixtures.DIMENSIONS + 1; i++) {
      fake.add(
          new TaskCredentials(
              "task" + i,
              "ASIAFAKEFAKEFAKEFAKE",
              "fakefakefakefakefakefakefakefakefakefake",
              "x".repeat(140)));
    }
    try (NoopServer server = NoopServer.start();
        RequestSet requests =
            MeterUsageRequests.sign(
                "127.0.0.1:" + server.address().getPort(),
                "abcdefghijklmnopqrstuvwxy",
                Fixtures.dimensions(),
                fake,
                Instant.now(),
                false)) {
      // The no-op server ignores what it is sent, so a pool of same-sized requests is cycled.
      return record(
          generator.run(
              "No-op Netty HTTP (baseline)",
              server.address(),
              requests,
              true,
              options.connections(),
              options.warmup(),
              options.duration()));
    }
  }

  /**
   * The JDBC baseline and MeterUsage on one embedded PostgreSQL. The baseline runs first, while the
   * just-started server idles, in a copy of the table the server's migrations created.
   */
  private RunResult[] postgres(LoadGenerator generator, String url) throws Exception {
    JdbcBatchBaseline baseline =
        new JdbcBatchBaseline(url, options.jdbcBatch(), "abcdefghijklmnopqrstuvwxy");
    RunResult[] jdbc = new RunResult[1];
    say("MeterUsage on PostgreSQL, after the JDBC batch baseline on the same database ...");
    MeterUsageScenario.Outcome outcome =
        new MeterUsageScenario(options, generator, this::say)
            .run(
                "MeterUsage, PostgreSQL",
                StoreKind.POSTGRES,
                url,
                options.dataDir().resolve("pg-server"),
                () -> {
                  baseline.createTable();
                  notes.add(
                      String.format(
                          "PostgreSQL %s (embedded), synchronous_commit=%s, "
                              + "fsync=%s; JDBC baseline: 1 connection, %d rows per transaction, "
                              + "a plain batch of single-row inserts (reWriteBatchedInserts=false); the "
                              + "server writes ledger rows and tokens with INSERT ... SELECT FROM unnest(arrays), several rows per statement",
                          baseline.setting("server_version"),
                          baseline.setting("synchronous_commit"),
                          baseline.setting("fsync"),
                          options.jdbcBatch()));
                  long walBefore = baseline.walBytes();
                  jdbc[0] =
                      baseline.run(
                          "JDBC batch insert, PostgreSQL", options.warmup(), options.duration());
                  long wal = baseline.walBytes() - walBefore;
                  if (walBefore >= 0 && jdbc[0].okTotal() > 0) {
                    notes.add(
                        String.format(
                            Locale.ROOT,
                            "JDBC batch baseline: %,d rows in all, " + "%.1f KB of WAL per row",
                            jdbc[0].okTotal(),
                            wal / 1024.0 / jdbc[0].okTotal()));
                  }
                  say(
                      String.format(
                          Locale.ROOT, "  JDBC batch baseline: %,.0f rows/s", jdbc[0].rate()));
                });
    RunResult jdbcResult = record(jdbc[0]);
    RunResult pg = record(outcome.result());
    outcome.notes().forEach(n -> notes.add("MeterUsage, PostgreSQL: " + n));
    problems.addAll(outcome.problems());
    return new RunResult[] {jdbcResult, pg};
  }

  /** Start-up to ready of the CLI jar, a new JVM per start (SPEC §6: at most 2 s). */
  private void startup() throws Exception {
    Path jar = StartupProbe.defaultCliJar();
    if (jar == null) {
      notes.add(
          "start-up not measured: meterline-cli/target/meterline.jar is missing "
              + "(./bench builds it; or ./mvnw -pl meterline-cli -am package -DskipTests)");
      return;
    }
    say("start-up of meterline serve ...");
    StartupProbe.Figures figures = StartupProbe.run(jar, options.dataDir(), 3);
    notes.add("start-up to ready: " + figures.describe());
    absolutes.add(
        new Report.Absolute(
            "start-up to ready (worst of all starts)",
            figures.worst() + " ms",
            "<= 2,000 ms",
            figures.worst() <= 2_000,
            true));
  }

  private RunResult record(RunResult r) {
    results.add(r);
    return r;
  }

  private void print(
      RunResult noop,
      RunResult sqlite,
      RunResult jdbc,
      RunResult pg,
      RunResult signing,
      RunResult register) {
    List<Report.Target> targets = new ArrayList<>();
    if (sqlite != null) {
      targets.add(new Report.Target("MeterUsage-SQLite / no-op", sqlite, noop, 0.40, 10));
    }
    if (pg != null) {
      targets.add(new Report.Target("MeterUsage-PostgreSQL / JDBC batch", pg, jdbc, 0.50, 20));
    }
    if (register != null) {
      targets.add(
          new Report.Target(
              "RegisterUsage-SQLite / PS256 signing", register, signing, 0.70, Double.NaN));
    }
    System.out.println();
    System.out.println(
        "Results (client and server share this machine's "
            + Runtime.getRuntime().availableProcessors()
            + " cores and one JVM; "
            + options.connections()
            + " connections, closed loop)");
    System.out.println();
    System.out.print(Report.table(results));
    System.out.println(
        "CPU µs/unit: CPU time of the whole machine (load generator, server, database, kernel) per"
            + " request, row or record over the measured period; in brackets the cores busy.");
    Report.cpuByThread(results).forEach(System.out::println);
    System.out.println();
    System.out.println("Ratios against baselines measured in this run (SPEC §6):");
    System.out.print(Report.targets(targets));
    System.out.print(Report.absolutes(absolutes));
    System.out.println();
    notes.forEach(n -> System.out.println("note: " + n));
    List<String> all = new ArrayList<>(Report.problems(results));
    problems.forEach(p -> all.add("!! " + p));
    if (!all.isEmpty()) {
      System.out.println();
      System.out.println(
          "!!!!!!!! THIS RUN HAD ERRORS: ITS FIGURES ARE NOT TO BE TRUSTED !!!!!!!!");
      all.forEach(System.out::println);
    }
  }

  private void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
