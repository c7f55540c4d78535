package io.meterline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.Meterline;
import io.meterline.server.MeterlineServer;
import io.meterline.server.config.Limits;
import io.meterline.server.config.Regions;
import io.meterline.server.config.ServerConfig;
import io.meterline.server.config.StoreKind;
import io.meterline.wire.Operation;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code meterline serve}: runs the server until interrupted. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the metering server: the metering API for the AWS SDKs and CLI, and the "
          + "admin API under /admin/v1.",
      "",
      "Point an SDK at it with AWS_ENDPOINT_URL_MARKETPLACE_METERING=<the printed URL>."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec private picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port = ServerConfig.DEFAULT_PORT;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host = "127.0.0.1";

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where the SQLite database, master key and server.json live "
              + "(default: $METERLINE_DATA_DIR, else ~/.meterline).")
  Path dataDir;

  @Option(
      names = "--admin-token",
      paramLabel = "TOKEN",
      description =
          "Bearer token of the admin API (default: $METERLINE_ADMIN_TOKEN, else a "
              + "new random one, printed at start).")
  String adminToken;

  @Option(
      names = "--store",
      paramLabel = "sqlite|postgres",
      description =
          "Database: sqlite (embedded, in the data directory) or postgres "
              + "(default: ${DEFAULT-VALUE}).")
  String store = "sqlite";

  @Option(
      names = "--jdbc-url",
      paramLabel = "URL",
      description =
          "PostgreSQL JDBC URL, with --store postgres, e.g. "
              + "jdbc:postgresql://localhost:5432/meterline?user=meterline&password=secret")
  String jdbcUrl;

  @Option(
      names = "--test-clock",
      description = "Service time starts now and moves only through PUT /admin/v1/clock.")
  boolean testClock;

  @Option(
      names = "--throttle",
      paramLabel = "OP=RATE,…",
      arity = "0..1",
      fallbackValue = "aws",
      description =
          "Throttle per account, region and operation. Alone: AWS's quotas (MeterUsage 10/s, "
              + "BatchMeterUsage 10/s, RegisterUsage 5/s); or your own, e.g. "
              + "--throttle MeterUsage=50,RegisterUsage=5. Off unless given.")
  String throttle;

  @Option(
      names = "--regions",
      paramLabel = "R1,R2",
      description = "Regions to serve (default: the commercial regions).")
  String regions;

  @Option(
      names = "--master-key-file",
      paramLabel = "FILE",
      description =
          "Key that derives and seals secrets (default: master.key in the data "
              + "directory). Servers sharing one PostgreSQL database must share it.")
  Path masterKeyFile;

  @Option(
      names = "--endpoint-key",
      paramLabel = "FILE",
      description =
          "The seller's Ed25519 private key (PKCS#8 PEM, from 'meterline endpoint-key "
              + "--generate FILE') with which this server proves to the seller's product that it "
              + "is the seller's, so the product accepts it as its endpoint (default: a key derived "
              + "from the master key; 'meterline endpoint-key' prints its public half).")
  Path endpointKeyFile;

  @Option(
      names = "--credential-ttl",
      paramLabel = "DURATION",
      description =
          "Lifetime of temporary task credentials, ISO-8601 (default: PT6H). Short ones make the "
              + "SDKs refresh often, to test refresh paths.")
  Duration credentialTtl;

  @Option(
      names = "--task-sweep",
      paramLabel = "DURATION",
      description =
          "How often running tasks whose credentials lapsed unrefreshed are stopped, ISO-8601 "
              + "(default: PT30S).")
  Duration taskSweep;

  @Option(
      names = "--access-log",
      description =
          "Log one JSON line per request (id, method, path, operation, status, error, ms) to the "
              + "logger meterline.access, on standard error. No headers or bodies.")
  boolean accessLog;

  @Option(
      names = "--call-log-size",
      paramLabel = "N",
      description =
          "How many data-plane calls the call log keeps in memory for GET /admin/v1/calls and the "
              + "console (default: 10000; 0 keeps none).")
  Integer callLogSize;

  @Option(
      names = "--listing-fee-percent",
      paramLabel = "PERCENT",
      description =
          "AWS's listing fee in the seller reports, in per cent of what buyers are billed "
              + "(default: 3).")
  BigDecimal listingFeePercent;

  @Option(
      names = "--notify-allow",
      paramLabel = "HOST",
      description =
          "A host besides loopback that subscription notifications may be sent to (repeatable). "
              + "A product's notification URL must name loopback or one of these.")
  List<String> notifyAllow = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Path dir = (dataDir != null ? dataDir : defaultDataDir()).toAbsolutePath();
    String problem = startProblem(dir);
    if (problem != null) {
      System.err.println("meterline serve: could not start: " + problem);
      return 1;
    }
    // Anything this start creates goes again if it fails, once it owns the directory: a failed
    // start leaves no trace.
    boolean createdDir = !Files.exists(dir);
    Set<Path> before = createdDir ? Set.of() : listing(dir);
    Files.createDirectories(dir);
    DataDirectoryLock lock = DataDirectoryLock.acquire(dir);
    if (lock == null) {
      // Another server runs on it: nothing here is this start's to remove but an empty lock file.
      System.err.println("meterline serve: could not start: " + inUse(dir));
      return 1;
    }
    MeterlineServer server;
    try {
      ServerConfig config = config(dir);
      server = Meterline.start(config);
    } catch (ParameterException e) {
      lock.release();
      removeCreated(dir, createdDir, before);
      throw e;
    } catch (Exception e) {
      lock.release();
      removeCreated(dir, createdDir, before);
      System.err.println("meterline serve: could not start: " + describe(e));
      return 1;
    }
    long pid = ProcessHandle.current().pid();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  removeServerJson(dir, pid);
                  lock.release();
                  System.err.println("meterline serve: stopped (" + server.endpoint() + ")");
                  System.err.flush();
                  stopped.countDown();
                },
                "meterline-shutdown"));
    writeServerJson(dir, server);
    if (explicitToken() == null) {
      System.out.println(
          "Admin token: " + server.adminToken() + " (kept in " + AdminTokenFile.of(dir) + ")");
    }
    System.out.println("Meterline listening on " + server.endpoint());
    System.out.flush();
    stopped.await();
    return 0;
  }

  // What is wrong before anything is created: the data directory's path, the port.
  private String startProblem(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      return "the data directory " + dir + " is not a directory (--data-dir)";
    }
    for (Path p = dir.getParent(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        if (!Files.isDirectory(p) || !Files.isWritable(p) && !Files.exists(dir)) {
          return "the data directory "
              + dir
              + " cannot be created: "
              + p
              + (Files.isDirectory(p) ? " is not writable" : " is not a directory");
        }
        break;
      }
    }
    if (port == 0) {
      return null;
    }
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(host), port));
      return null;
    } catch (java.net.BindException e) {
      return "port "
          + port
          + " on "
          + host
          + " is in use ("
          + e.getMessage()
          + "); stop what listens there, or give another --port";
    } catch (IOException e) {
      return "cannot listen on " + host + ":" + port + ": " + e.getMessage() + " (--host, --port)";
    }
  }

  private static String inUse(Path dir) {
    String who = "pid unknown";
    try {
      JsonNode info = new ObjectMapper().readTree(dir.resolve("server.json").toFile());
      who = "pid " + info.path("pid").asLong() + ", " + info.path("endpoint").asText();
    } catch (IOException e) {
      // starting, or it could not write server.json: the lock still says it runs
    }
    return "the data directory "
        + dir
        + " is in use by another meterline serve ("
        + who
        + "); stop it first, or give another --data-dir";
  }

  private static Set<Path> listing(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.collect(Collectors.toSet());
    }
  }

  private static void removeCreated(Path dir, boolean createdDir, Set<Path> before) {
    try {
      if (createdDir) {
        deleteTree(dir);
        return;
      }
      for (Path entry : listing(dir)) {
        if (!before.contains(entry)) {
          deleteTree(entry);
        }
      }
    } catch (IOException e) {
      System.err.println("meterline serve: could not remove what the failed start created: " + e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  // server.json goes with the server that wrote it, never with another's.
  private static void removeServerJson(Path dir, long pid) {
    Path file = dir.resolve("server.json");
    try {
      if (Files.exists(file)
          && new ObjectMapper().readTree(file.toFile()).path("pid").asLong() == pid) {
        Files.delete(file);
      }
    } catch (IOException e) {
      // stopping anyway; a stale server.json is recognised by its pid
    }
  }

  private String explicitToken() {
    String token = adminToken != null ? adminToken : System.getenv("METERLINE_ADMIN_TOKEN");
    return token == null || token.isBlank() ? null : token;
  }

  private ServerConfig config(Path dir) throws IOException {
    StoreKind kind;
    try {
      kind = StoreKind.parse(store);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Set<String> served = Regions.COMMERCIAL;
    if (regions != null) {
      served =
          Arrays.stream(regions.split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .collect(Collectors.toSet());
      if (served.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(),
            "--regions needs at least one region, e.g. --regions us-east-1,eu-west-1");
      }
    }
    String token = explicitToken();
    String hint =
        token != null
            ? "it is what serve was given with --admin-token or METERLINE_ADMIN_TOKEN"
            : "it is in " + AdminTokenFile.of(dir) + ", and in server.json while serve runs";
    if (token == null) {
      token = AdminTokenFile.loadOrCreate(dir);
    }
    try {
      return ServerConfig.builder(dir)
          .host(host)
          .port(port)
          .adminToken(token)
          .adminTokenHint(hint)
          .store(kind)
          .jdbcUrl(jdbcUrl)
          .testClock(testClock)
          .quotas(quotas())
          .regions(served)
          .masterKeyFile(masterKeyFile)
          .endpointKeyFile(endpointKeyFile)
          .limits(limits())
          .accessLog(accessLog)
          .callLogSize(callLogSize != null ? callLogSize : ServerConfig.DEFAULT_CALL_LOG_SIZE)
          .listingFeePercent(
              listingFeePercent != null
                  ? listingFeePercent
                  : ServerConfig.DEFAULT_LISTING_FEE_PERCENT)
          .notifyAllow(Set.copyOf(notifyAllow))
          .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private Limits limits() {
    Limits limits = Limits.defaults();
    if (credentialTtl != null) {
      if (credentialTtl.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new ParameterException(
            spec.commandLine(), "--credential-ttl must be at least PT1M, was " + credentialTtl);
      }
      limits = limits.withCredentialTtl(credentialTtl);
    }
    if (taskSweep != null) {
      if (taskSweep.isNegative() || taskSweep.isZero()) {
        throw new ParameterException(
            spec.commandLine(), "--task-sweep must be positive, was " + taskSweep);
      }
      limits = limits.withTaskSweep(taskSweep);
    }
    return limits;
  }

  private Map<Operation, Double> quotas() {
    if (throttle == null) {
      return Map.of();
    }
    if (throttle.equals("aws")) {
      return ServerConfig.awsQuotas();
    }
    Map<Operation, Double> quotas = new EnumMap<>(Operation.class);
    for (String item : throttle.split(",")) {
      String[] kv = item.split("=", 2);
      Operation op = kv.length == 2 ? Operation.fromWireName(kv[0].trim()).orElse(null) : null;
      double rate = -1;
      try {
        rate = kv.length == 2 ? Double.parseDouble(kv[1].trim()) : -1;
      } catch (NumberFormatException e) {
        rate = -1;
      }
      if (op == null || !(rate > 0)) {
        throw new ParameterException(
            spec.commandLine(),
            "--throttle takes OPERATION=REQUESTS_PER_SECOND items such as MeterUsage=50, with "
                + "operations MeterUsage, BatchMeterUsage, RegisterUsage, ResolveCustomer; "
                + "was '"
                + item
                + "'");
      }
      quotas.put(op, rate);
    }
    return quotas;
  }

  // The innermost message usually says it best ("Address already in use", "Connection refused").
  private static String describe(Throwable e) {
    StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !out.toString().contains(c.getMessage())) {
        out.append(": ").append(c.getMessage());
      }
    }
    return out.toString();
  }

  /**
   * The data directory when none is given: $METERLINE_DATA_DIR, else ~/.meterline, where ~ is $HOME
   * as the shell sees it (the JVM's user.home ignores $HOME) and user.home only without one.
   */
  static Path defaultDataDir() {
    String env = System.getenv("METERLINE_DATA_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String home = System.getenv("HOME");
    return Path.of(
        home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".meterline");
  }

  // server.json tells `run-task` and `task env` where the server is and how to reach its admin
  // API; it holds the admin token, so only the owner may read it.
  private static void writeServerJson(Path dataDir, MeterlineServer server) throws IOException {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("endpoint", server.endpoint().toString());
    info.put("adminToken", server.adminToken());
    info.put("pid", ProcessHandle.current().pid());
    Path tmp = Files.createTempFile(dataDir, "server", ".json.tmp");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system; the directory's permissions apply
    }
    Files.write(tmp, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(info));
    Files.move(
        tmp,
        dataDir.resolve("server.json"),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
