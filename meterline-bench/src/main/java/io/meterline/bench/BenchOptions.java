package io.meterline.bench;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The command line of the benchmark.
 *
 * @param duration the measured period of each scenario
 * @param warmup the unmeasured period before it
 * @param connections keep-alive connections, one request in flight on each
 * @param store which stores to measure MeterUsage on
 * @param clientThreads event-loop threads of the load generator
 * @param jdbcBatch rows per transaction in the JDBC baseline
 * @param maxRequests the most distinct requests pre-signed for one measured period
 * @param dataDir where the SQLite database, PostgreSQL cluster and server files go
 * @param scenarios which scenarios to run besides the no-op baseline
 * @param target a Meterline server running elsewhere to measure instead of starting one, or {@code
 *     null}
 * @param adminToken the admin token of {@code target}
 * @param noopTarget a no-op baseline server running elsewhere ({@code meterline-bench.jar noop}),
 *     or {@code null}: with a target, no no-op baseline then
 */
public record BenchOptions(
    Duration duration,
    Duration warmup,
    int connections,
    Stores store,
    int clientThreads,
    int jdbcBatch,
    int maxRequests,
    Path dataDir,
    Set<Scenario> scenarios,
    URI target,
    String adminToken,
    URI noopTarget) {

  /** What can be measured besides the no-op baseline. */
  public enum Scenario {
    /** MeterUsage on the stores of --store (with the JDBC baseline for PostgreSQL). */
    METER,
    /** BatchMeterUsage on SQLite. */
    BATCH,
    /** RegisterUsage on SQLite and the raw PS256 signing baseline. */
    REGISTER,
    /** Start-up to ready of {@code meterline serve} in a new JVM. */
    STARTUP,
    /**
     * Invoices, pages at depth, the console's first page and a month's chart over a 1 M-row month.
     */
    BILLING
  }

  /** The scenarios a run against {@code --target} can measure. */
  static final Set<Scenario> TARGET_SCENARIOS =
      EnumSet.of(Scenario.METER, Scenario.BATCH, Scenario.REGISTER);

  /** Which stores to benchmark MeterUsage on. */
  public enum Stores {
    SQLITE,
    POSTGRES,
    BOTH,
    /** Only the no-op baseline: a check of the load generator. */
    NONE;

    boolean sqlite() {
      return this == SQLITE || this == BOTH;
    }

    boolean postgres() {
      return this == POSTGRES || this == BOTH;
    }
  }

  static final String USAGE =
      """
      usage: java -jar meterline-bench.jar [options]
             java -jar meterline-bench.jar noop [--port 9999] [--host 127.0.0.1]
        --duration 10s        measured period per scenario (s, ms or m suffix)
        --warmup 15s          unmeasured warm-up before it (the JIT needs ~15 s on 2 cores)
        --connections 64      keep-alive connections, one request in flight on each
        --store both          sqlite | postgres | both | none (only the no-op baseline)
        --client-threads 2    event-loop threads of the load generator
        --jdbc-batch 256      rows per transaction in the PostgreSQL JDBC baseline
        --max-requests 1500000  cap on pre-signed distinct requests per measured period
        --data-dir DIR        where databases go (default: a new folder under ./target)
        --scenarios LIST      any of meter,batch,register,startup,billing (default: all of them);
                              meter runs MeterUsage on the stores of --store

      A server in another process or on another machine, instead of one started here:
        --target URL          e.g. http://127.0.0.1:6387: a running Meterline server
                              (./meterline serve --test-clock --admin-token T); scenarios
                              meter, batch and register (default: all three); batch needs
                              --test-clock; --store and startup do not apply
        --admin-token T       the admin token it was started with (required with --target)
        --noop-target URL     a running no-op baseline server (the noop command above); without
                              it a --target run prints absolute figures only, no ratios

      noop: runs the no-op baseline server alone until killed and prints the port it listens on
        --port 9999           port to listen on; 0 picks a free one (default: 0)
        --host 127.0.0.1      address to listen on (0.0.0.0 for other machines)
      """;

  public BenchOptions {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("--duration must be > 0, was " + duration);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must be >= 0, was " + warmup);
    }
    if (connections < 1 || connections > 10_000) {
      throw new IllegalArgumentException("--connections must be 1..10000, was " + connections);
    }
    if (clientThreads < 1 || clientThreads > 64) {
      throw new IllegalArgumentException("--client-threads must be 1..64, was " + clientThreads);
    }
    if (jdbcBatch < 1 || jdbcBatch > 10_000) {
      throw new IllegalArgumentException("--jdbc-batch must be 1..10000, was " + jdbcBatch);
    }
    if (maxRequests < 1000) {
      throw new IllegalArgumentException("--max-requests must be >= 1000, was " + maxRequests);
    }
    if (target != null && (adminToken == null || adminToken.isBlank())) {
      throw new IllegalArgumentException(
          "--target needs --admin-token: the admin token the server was started with"
              + " (./meterline serve --admin-token T)");
    }
    if (target == null && adminToken != null) {
      throw new IllegalArgumentException(
          "--admin-token goes with --target; the servers this benchmark starts have their own");
    }
    if (target == null && noopTarget != null) {
      throw new IllegalArgumentException(
          "--noop-target goes with --target; without it the benchmark starts its own no-op"
              + " server");
    }
    if (target != null && !TARGET_SCENARIOS.containsAll(scenarios)) {
      throw new IllegalArgumentException(
          "--scenarios startup and billing run on a server started here (startup times its"
              + " start, billing fills its database), so they do not run with --target; choose"
              + " from meter, batch and register");
    }
  }

  /** Whether the benchmark drives a server running elsewhere ({@code --target}). */
  boolean remote() {
    return target != null;
  }

  /** Parses the arguments; throws {@link IllegalArgumentException} naming the bad one. */
  public static BenchOptions parse(String... args) {
    Duration duration = Duration.ofSeconds(10);
    Duration warmup = Duration.ofSeconds(15);
    int connections = 64;
    Stores store = Stores.BOTH;
    int clientThreads = 2;
    int jdbcBatch = 256;
    int maxRequests = 1_500_000;
    Path dataDir = null;
    Set<Scenario> scenarios = null;
    URI target = null;
    String adminToken = null;
    URI noopTarget = null;
    boolean storeGiven = false;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--help") || name.equals("-h")) {
        throw new HelpRequested();
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      String value = args[++i];
      switch (name) {
        case "--duration" -> duration = parseDuration(name, value);
        case "--warmup" -> warmup = parseDuration(name, value);
        case "--connections" -> connections = parseInt(name, value);
        case "--store" -> {
          store = parseStore(value);
          storeGiven = true;
        }
        case "--client-threads" -> clientThreads = parseInt(name, value);
        case "--jdbc-batch" -> jdbcBatch = parseInt(name, value);
        case "--max-requests" -> maxRequests = parseInt(name, value);
        case "--data-dir" -> dataDir = Path.of(value);
        case "--scenarios" -> scenarios = parseScenarios(value);
        case "--target" -> target = parseUrl(name, value);
        case "--admin-token" -> adminToken = value;
        case "--noop-target" -> noopTarget = parseUrl(name, value);
        default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
      }
    }
    if (dataDir == null) {
      dataDir = Path.of("target", "bench-data-" + System.currentTimeMillis());
    }
    if (target != null && storeGiven) {
      throw new IllegalArgumentException(
          "--store does not apply with --target: the server measures the store it was started"
              + " with");
    }
    if (scenarios == null) {
      scenarios = target == null ? EnumSet.allOf(Scenario.class) : EnumSet.copyOf(TARGET_SCENARIOS);
    }
    return new BenchOptions(
        duration,
        warmup,
        connections,
        store,
        clientThreads,
        jdbcBatch,
        maxRequests,
        dataDir,
        scenarios,
        target,
        adminToken,
        noopTarget);
  }

  /** An {@code http://host:port} URL, as a server's base URI. */
  static URI parseUrl(String name, String value) {
    String why = null;
    URI uri = null;
    try {
      uri = new URI(value.trim());
      if (!"http".equals(uri.getScheme())) {
        why = "the load client speaks plain http";
      } else if (uri.getHost() == null || uri.getPort() < 0) {
        why = "it needs a host and a port";
      } else if (!(uri.getRawPath() == null
          || uri.getRawPath().isEmpty()
          || uri.getRawPath().equals("/"))) {
        why = "the server answers at its root, not under a path";
      }
    } catch (URISyntaxException e) {
      why = e.getMessage();
    }
    if (why != null) {
      throw new IllegalArgumentException(
          name + " must be a URL such as http://127.0.0.1:6387 (" + why + "), was '" + value + "'");
    }
    return URI.create("http://" + uri.getHost() + ":" + uri.getPort() + "/");
  }

  /** A duration such as {@code 10s}, {@code 500ms}, {@code 2m}, or plain seconds. */
  static Duration parseDuration(String name, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      }
      if (v.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be a duration such as 10s, 500ms or 2m, " + "was '" + value + "'", e);
    }
  }

  private static int parseInt(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, was '" + value + "'", e);
    }
  }

  private static Stores parseStore(String value) {
    try {
      return Stores.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--store must be sqlite, postgres, both or none, was '" + value + "'", e);
    }
  }

  private static Set<Scenario> parseScenarios(String value) {
    Set<Scenario> scenarios = EnumSet.noneOf(Scenario.class);
    for (String name : value.split(",")) {
      try {
        scenarios.add(Scenario.valueOf(name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--scenarios takes meter, batch, register, startup and billing, separated by commas; '"
                + name.trim()
                + "' is none of them",
            e);
      }
    }
    return scenarios;
  }

  /** Whether the scenario is to run. */
  boolean runs(Scenario scenario) {
    return scenarios.contains(scenario);
  }

  /** Thrown for {@code --help}. */
  static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super(USAGE, null, false, false);
    }
  }
}
