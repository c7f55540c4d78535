package io.meterline.bench;

import io.meterline.bench.MeterUsageRequests.TaskCredentials;
import io.meterline.load.RequestSet;
import io.meterline.load.Transport;
import io.meterline.server.config.ServerConfig;
import io.meterline.server.config.StoreKind;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The benchmark: the no-op Netty baseline, MeterUsage on SQLite, the PostgreSQL JDBC batch baseline
 * and MeterUsage on PostgreSQL, BatchMeterUsage on SQLite, the raw PS256 signing baseline and
 * RegisterUsage on SQLite, and the start-up time of {@code meterline serve}, all in one run with
 * one load generator, then the table and the targets of SPEC §6.
 *
 * <p>With {@code --target}, the scenarios that go through the server's API (MeterUsage,
 * BatchMeterUsage, RegisterUsage) drive a server running in another process or on another machine,
 * and the no-op baseline is a server running elsewhere too ({@code --noop-target}).
 */
public final class BenchMain {
  private static final int NOOP_POOL = 50_000;
  private static final String ADMIN_TOKEN = "bench-admin-token";

  private final BenchOptions options;
  private final List<RunResult> results = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final List<Report.Absolute> absolutes = new ArrayList<>();
  private final List<Report.Target> targets = new ArrayList<>();

  private BenchMain(BenchOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    try {
      if (args.length > 0 && args[0].equals("noop")) {
        NoopServer.serve(Arrays.copyOfRange(args, 1, args.length));
        return;
      }
      BenchOptions options = BenchOptions.parse(args);
      BenchMain bench = new BenchMain(options);
      boolean ok = options.remote() ? bench.runAgainstTarget() : bench.run();
      System.exit(ok ? 0 : 1);
    } catch (BenchOptions.HelpRequested e) {
      System.out.print(BenchOptions.USAGE);
    } catch (IllegalArgumentException e) {
      System.err.println("meterline-bench: " + e.getMessage());
      System.exit(2);
    } catch (BenchAbort e) {
      System.err.println("meterline-bench: " + e.getMessage());
      System.exit(1);
    }
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
      RunResult noop;
      try (NoopServer server = NoopServer.start()) {
        noop = noopBaseline(generator, server.address(), "127.0.0.1:" + server.address().getPort());
      }
      MeterUsageScenario meterUsage = new MeterUsageScenario(options, generator, this::say);
      boolean meter = options.runs(BenchOptions.Scenario.METER);
      if (meter && options.store().sqlite()) {
        say("MeterUsage on SQLite ...");
        try (LocalServer server = LocalServer.start(config("sqlite").build())) {
          RunResult sqlite = meter(meterUsage.run("MeterUsage, SQLite", server));
          targets.add(new Report.Target("MeterUsage-SQLite / no-op", sqlite, noop, 0.40, 10));
        }
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
          postgres(generator, postgres.getJdbcUrl("postgres", "postgres"));
        }
      }
      if (options.runs(BenchOptions.Scenario.BATCH)) {
        say("BatchMeterUsage on SQLite ...");
        try (LocalServer server = LocalServer.start(config("batch").testClock(true).build())) {
          batch(generator, "BatchMeterUsage, SQLite", server);
        }
      }
      if (options.runs(BenchOptions.Scenario.REGISTER)) {
        say("raw PS256 signing baseline ...");
        RunResult signing =
            record(
                SigningBaseline.run(
                    "PS256 signing (baseline)", Duration.ofSeconds(3), options.duration()));
        say("RegisterUsage on SQLite ...");
        try (LocalServer server = LocalServer.start(config("register").build())) {
          RunResult register =
              record(
                  new RegisterUsageScenario(options, generator, this::say)
                      .run("RegisterUsage, SQLite", server));
          targets.add(
              new Report.Target(
                  "RegisterUsage-SQLite / PS256 signing", register, signing, 0.70, Double.NaN));
        }
      }
      if (options.runs(BenchOptions.Scenario.STARTUP)) {
        startup();
      }
      if (options.runs(BenchOptions.Scenario.BILLING)) {
        billing();
      }
      print(
          "client and server share this machine's " + MachineCpu.cores() + " cores and one JVM",
          "load generator, server, database, kernel");
      return trustworthy();
    } finally {
      deleteQuietly(options.dataDir());
    }
  }

  /**
   * The scenarios against a server running elsewhere ({@code --target}), and the no-op baseline
   * against one running elsewhere too ({@code --noop-target}), if given.
   */
  private boolean runAgainstTarget() throws Exception {
    RemoteServer server = RemoteServer.connect(options.target(), options.adminToken());
    if (options.runs(BenchOptions.Scenario.BATCH)) {
      requireTestClock(server);
    }
    say(
        String.format(
            Locale.ROOT,
            "meterline-bench: server %s (%s clock), no-op baseline %s; %d connections, %s warm-up,"
                + " %s measured, transport %s, %d load-generator thread(s) on %d of this machine's"
                + " %d cores",
            options.target(),
            server.testClock() ? "test" : "real-time",
            options.noopTarget() == null ? "none (no --noop-target)" : options.noopTarget(),
            options.connections(),
            human(options.warmup()),
            human(options.duration()),
            Transport.name(),
            options.clientThreads(),
            Runtime.getRuntime().availableProcessors(),
            MachineCpu.cores()));
    try (LoadGenerator generator = new LoadGenerator(options.clientThreads())) {
      RunResult noop = null;
      if (options.noopTarget() != null) {
        URI at = options.noopTarget();
        noop =
            noopBaseline(
                generator,
                new InetSocketAddress(at.getHost(), at.getPort()),
                at.getHost() + ":" + at.getPort());
      }
      if (options.runs(BenchOptions.Scenario.METER)) {
        say("MeterUsage on the target server ...");
        RunResult meter =
            meter(
                new MeterUsageScenario(options, generator, this::say)
                    .run("MeterUsage, target server", server));
        if (noop != null) {
          targets.add(new Report.Target("MeterUsage-target / no-op", meter, noop, 0.40, 10));
          notes.add(
              "MeterUsage-target / no-op is held to SPEC §6's target for SQLite; on PostgreSQL"
                  + " the target compares with the JDBC loop, which runs only without --target");
        }
      }
      if (options.runs(BenchOptions.Scenario.BATCH)) {
        say("BatchMeterUsage on the target server ...");
        batch(generator, "BatchMeterUsage, target server", server);
      }
      if (options.runs(BenchOptions.Scenario.REGISTER)) {
        say("RegisterUsage on the target server ...");
        record(
            new RegisterUsageScenario(options, generator, this::say)
                .run("RegisterUsage, target server", server));
        notes.add(
            "RegisterUsage has no ratio with --target: its baseline, PS256 signing, would run on"
                + " this machine's cores rather than the server's");
      }
    }
    if (options.noopTarget() == null) {
      notes.add(
          "absolute figures only: the no-op ratios need --noop-target URL, a no-op server started"
              + " beside the target (java -jar meterline-bench.jar noop --port 9999)");
    }
    notes.add(
        "start-up to ready is measured only without --target (it starts meterline serve on this"
            + " machine)");
    print(
        "the server runs in another process at "
            + options.target()
            + "; the load generator runs on "
            + Runtime.getRuntime().availableProcessors()
            + " of this machine's "
            + MachineCpu.cores()
            + " cores",
        "load generator, kernel, and the servers if they run here");
    return trustworthy();
  }

  /** Stops when the server's clock follows real time: BatchMeterUsage needs to set it. */
  private static void requireTestClock(RemoteServer server) throws Exception {
    try {
      new Fixtures(server.admin()).setClock(Instant.now());
    } catch (Admin.Refused e) {
      if (e.status() != 409) {
        throw e;
      }
      throw new BenchAbort(
          "the batch scenario sets the server's clock, but "
              + server.admin().endpoint()
              + " answered PUT /admin/v1/clock with 409 (its clock follows real time): start it"
              + " with ./meterline serve --test-clock, or leave batch out of --scenarios");
    }
  }

  private ServerConfig.Builder config(String dir) {
    return ServerConfig.builder(options.dataDir().resolve(dir)).port(0).adminToken(ADMIN_TOKEN);
  }

  /**
   * The no-op baseline: requests of MeterUsage's size cycled against a server that answers each
   * with a fixed 200.
   */
  private RunResult noopBaseline(LoadGenerator generator, InetSocketAddress address, String host)
      throws Exception {
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
    try (RequestSet requests =
        MeterUsageRequests.sign(
            host, "abcdefghijklmnopqrstuvwxy", Fixtures.dimensions(), fake, Instant.now(), false)) {
      // The no-op server ignores what it is sent, so a pool of same-sized requests is cycled.
      return record(
          generator.run(
              "No-op Netty HTTP (baseline)",
              address,
              requests,
              true,
              options.connections(),
              options.warmup(),
              options.duration()));
    }
  }

  /** Records a MeterUsage outcome with its notes and problems; its result. */
  private RunResult meter(MeterUsageScenario.Outcome o) {
    String name = o.result().name();
    o.notes().forEach(n -> notes.add(name + ": " + n));
    problems.addAll(o.problems());
    return record(o.result());
  }

  /** BatchMeterUsage on a server with a test clock, against its absolute target. */
  private void batch(LoadGenerator generator, String name, ServerUnderTest server)
      throws Exception {
    RunResult batch =
        meter(new BatchMeterUsageScenario(options, generator, this::say).run(name, server));
    absolutes.add(
        new Report.Absolute(
            name.replace(", ", "-") + " records/s",
            String.format(Locale.ROOT, "%,.0f records/s", batch.rate()),
            ">= 100,000 records/s",
            batch.rate() >= 100_000,
            batch.errors() == 0 && !batch.exhausted()));
  }

  /**
   * The JDBC baseline and MeterUsage on one embedded PostgreSQL. The baseline runs first, while the
   * just-started server idles, in a copy of the table the server's migrations created.
   */
  private void postgres(LoadGenerator generator, String url) throws Exception {
    JdbcBatchBaseline baseline =
        new JdbcBatchBaseline(url, options.jdbcBatch(), "abcdefghijklmnopqrstuvwxy");
    say("MeterUsage on PostgreSQL, after the JDBC batch baseline on the same database ...");
    try (LocalServer server =
        LocalServer.start(config("pg-server").store(StoreKind.POSTGRES).jdbcUrl(url).build())) {
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
      RunResult jdbc =
          record(
              baseline.run("JDBC batch insert, PostgreSQL", options.warmup(), options.duration()));
      long wal = baseline.walBytes() - walBefore;
      if (walBefore >= 0 && jdbc.okTotal() > 0) {
        notes.add(
            String.format(
                Locale.ROOT,
                "JDBC batch baseline: %,d rows in all, %.1f KB of WAL per row",
                jdbc.okTotal(),
                wal / 1024.0 / jdbc.okTotal()));
      }
      say(String.format(Locale.ROOT, "  JDBC batch baseline: %,.0f rows/s", jdbc.rate()));
      RunResult pg =
          meter(
              new MeterUsageScenario(options, generator, this::say)
                  .run("MeterUsage, PostgreSQL", server));
      targets.add(new Report.Target("MeterUsage-PostgreSQL / JDBC batch", pg, jdbc, 0.50, 20));
    }
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

  /** The admin API over a closed 1 M-row month (SPEC §6, what comes on top of the data plane). */
  private void billing() throws Exception {
    say("invoices, pages and the console over a month of 1,000 buyers and 1 M ledger rows ...");
    BillingScenario.Outcome o =
        new BillingScenario(this::say).run(options.dataDir().resolve("billing"));
    absolutes.addAll(o.absolutes());
    o.notes().forEach(n -> notes.add("billing: " + n));
  }

  private RunResult record(RunResult r) {
    results.add(r);
    return r;
  }

  /** Whether every figure of the run can be trusted: no errors, no mismatches. */
  private boolean trustworthy() {
    return problems.isEmpty()
        && Report.problems(results).isEmpty()
        && absolutes.stream().allMatch(Report.Absolute::trustworthy);
  }

  /**
   * The table, the ratios and the notes.
   *
   * @param where where client and server ran, for the heading
   * @param machine what the machine's CPU time includes
   */
  private void print(String where, String machine) {
    System.out.println();
    System.out.println(
        "Results (" + where + "; " + options.connections() + " connections, closed loop)");
    System.out.println();
    System.out.print(Report.table(results));
    System.out.println(
        "CPU µs/unit: CPU time of this whole machine ("
            + machine
            + ") per request, row or record over the measured period; in brackets the cores busy.");
    Report.cpuByThread(results).forEach(System.out::println);
    System.out.println();
    System.out.println("Ratios against baselines measured in this run (SPEC §6):");
    if (targets.isEmpty() && absolutes.isEmpty()) {
      System.out.println("none in this run (see the notes)");
    }
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
