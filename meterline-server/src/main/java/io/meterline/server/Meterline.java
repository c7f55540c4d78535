package io.meterline.server;

import io.meterline.server.admin.AdminApi;
import io.meterline.server.admin.AdminContext;
import io.meterline.server.admin.ConsoleFiles;
import io.meterline.server.auth.Authenticator;
import io.meterline.server.auth.EndpointKey;
import io.meterline.server.auth.MasterKey;
import io.meterline.server.auth.TemporaryCredentials;
import io.meterline.server.billing.Billing;
import io.meterline.server.billing.Reports;
import io.meterline.server.calls.CallLog;
import io.meterline.server.config.ServerConfig;
import io.meterline.server.config.ServiceClock;
import io.meterline.server.domain.Ids;
import io.meterline.server.entitlements.GetEntitlements;
import io.meterline.server.exchange.Handler;
import io.meterline.server.http.DataPlane;
import io.meterline.server.http.Dispatcher;
import io.meterline.server.http.HttpServer;
import io.meterline.server.http.Observed;
import io.meterline.server.http.OperatorEndpoints;
import io.meterline.server.ledger.Ledger;
import io.meterline.server.licenses.LicenseManager;
import io.meterline.server.metering.FaultInjector;
import io.meterline.server.metering.MeteringService;
import io.meterline.server.metering.Throttler;
import io.meterline.server.notify.Notifier;
import io.meterline.server.platform.EndpointProof;
import io.meterline.server.platform.PlatformEndpoints;
import io.meterline.server.platform.StsEndpoint;
import io.meterline.server.platform.TaskCredentialsIssuer;
import io.meterline.server.platform.TaskLauncher;
import io.meterline.server.platform.TaskReaper;
import io.meterline.server.platform.WebIdentityTokens;
import io.meterline.server.store.Database;
import io.meterline.server.store.Lookups;
import io.meterline.server.store.Tables;
import io.meterline.wire.sigv4.SigV4Verifier;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds and starts the whole server: storage, caches, the metering operations, authentication, the
 * control plane and the HTTP edge. The command line and the tests both start it here.
 */
public final class Meterline {
  /** The SigV4 signing name of the metering service (facts §1). */
  public static final String SIGNING_NAME = "aws-marketplace";

  /** How often the notification outbox is looked at. */
  private static final Duration NOTIFY_INTERVAL = Duration.ofMillis(250);

  private Meterline() {}

  /** Starts a server on the real clock. */
  public static MeterlineServer start(ServerConfig config) throws Exception {
    return start(config, Clock.systemUTC());
  }

  /**
   * Starts a server.
   *
   * @param realClock the real time, which authentication and the {@code Date} header use; the
   *     service time follows it, or starts from it under {@code --test-clock}
   */
  public static MeterlineServer start(ServerConfig config, Clock realClock) throws Exception {
    ServiceClock clock =
        config.testClock() ? ServiceClock.testClock(realClock) : ServiceClock.following(realClock);
    // Read before anything is created: a bad key file fails the start with nothing on disk.
    EndpointKey endpointKey =
        config.endpointKeyFile() != null ? EndpointKey.load(config.endpointKeyFile()) : null;
    MasterKey masterKey = MasterKey.loadOrCreate(config.effectiveMasterKeyFile());
    if (endpointKey == null) {
      endpointKey = EndpointKey.derived(masterKey);
    }
    Tables tables = Tables.create(masterKey);
    Database db = Database.open(config, clock);
    ExecutorService blocking = pool("meterline-io", 8, 10_000);
    ExecutorService signing =
        pool("meterline-sign", Runtime.getRuntime().availableProcessors(), 10_000);
    ExecutorService admin = pool("meterline-admin", 4, 1_000);
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(daemons("meterline-task-stops"));
    try {
      Lookups lookups = new Lookups(db, tables, blocking);
      lookups.watchTaskStops(timer);
      Ledger ledger = new Ledger(db, lookups, clock);
      CallLog calls = new CallLog(config.callLogSize(), realClock, clock);
      Billing billing = new Billing(db, tables, clock);
      FaultInjector faults = new FaultInjector();
      Notifier notifier =
          new Notifier(db, tables, clock, realClock, config.notifyAllow(), NOTIFY_INTERVAL);
      MeteringService metering =
          new MeteringService(
              ledger,
              lookups,
              clock,
              config.limits(),
              new Throttler(config.quotas(), System::nanoTime),
              faults,
              signing);
      Authenticator authenticator =
          new Authenticator(
              new SigV4Verifier(
                  SIGNING_NAME, config.regions()::contains, config.limits().signatureSkew()),
              realClock,
              masterKey,
              lookups);
      Authenticator licenseAuthenticator =
          new Authenticator(
              new SigV4Verifier(
                  LicenseManager.SIGNING_NAME,
                  config.regions()::contains,
                  config.limits().signatureSkew()),
              realClock,
              masterKey,
              lookups);
      TaskCredentialsIssuer issuer =
          new TaskCredentialsIssuer(
              new TemporaryCredentials(masterKey, realClock, config.limits().credentialTtl()),
              db,
              tables);
      AtomicReference<URI> endpoint = new AtomicReference<>();
      WebIdentityTokens webIdentity = new WebIdentityTokens(masterKey, realClock);
      TaskLauncher launcher = new TaskLauncher(issuer, masterKey, webIdentity, endpoint::get);
      String adminToken = config.adminToken() != null ? config.adminToken() : Ids.adminToken();
      AdminApi adminApi =
          new AdminApi(
              adminToken,
              config.adminTokenHint(),
              new AdminContext(
                  db,
                  tables,
                  lookups,
                  ledger,
                  billing,
                  new Reports(billing, db, tables, clock, config.listingFeePercent()),
                  calls,
                  clock,
                  config.limits(),
                  config.regions(),
                  launcher,
                  faults,
                  notifier),
              masterKey,
              endpointKey,
              admin);
      PrometheusMeterRegistry registry = metrics(db);
      Handler dispatcher =
          new Observed(
              new Dispatcher(
                  adminApi,
                  new PlatformEndpoints(lookups, masterKey, issuer, realClock),
                  new StsEndpoint(lookups, webIdentity, issuer),
                  new DataPlane(
                      authenticator,
                      licenseAuthenticator,
                      metering,
                      new GetEntitlements(db, tables, clock, blocking),
                      new LicenseManager(db, tables, clock, blocking),
                      calls),
                  new OperatorEndpoints(db, registry, blocking),
                  new ConsoleFiles(),
                  new EndpointProof(endpointKey)),
              registry,
              config.accessLog());
      HttpServer http =
          HttpServer.start(
              config.host(),
              config.port(),
              config.ioThreads(),
              config.http(),
              dispatcher,
              realClock);
      Gauge.builder("meterline.http.body.bytes.held", http, HttpServer::bodyBytesHeld)
          .description("request-body bytes held now (arriving, waiting or being worked on)")
          .baseUnit("bytes")
          .register(registry);
      MeterlineServer server =
          new MeterlineServer(
              http,
              db,
              clock,
              config.host(),
              adminToken,
              List.of(timer, blocking, signing, admin),
              new TaskReaper(db, tables, ledger, realClock, clock, config.limits().taskSweep()),
              notifier);
      endpoint.set(server.endpoint());
      return server;
    } catch (Exception | Error e) {
      timer.shutdownNow();
      blocking.shutdownNow();
      signing.shutdownNow();
      admin.shutdownNow();
      db.close();
      throw e;
    }
  }

  // Bounded queues: under overload a request is turned away at once (Throttling, 503) instead
  // of waiting in a queue that grows with the number of clients.
  /** The registry {@code /metrics} serves: requests, the write path, the JVM. */
  private static PrometheusMeterRegistry metrics(Database db) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Gauge.builder("meterline.commit.queue.depth", db.committer(), c -> c.queueDepth())
        .description("write jobs waiting for a writer")
        .register(registry);
    DistributionSummary batches =
        DistributionSummary.builder("meterline.commit.batch.size")
            .description("jobs committed per transaction (group commit)")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    db.committer().onCommit(batches::record);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    return registry;
  }

  /** Daemon threads named {@code name-0}, {@code name-1}, … */
  private static ThreadFactory daemons(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }

  private static ExecutorService pool(String name, int threads, int queueCapacity) {
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(queueCapacity),
        daemons(name),
        new ThreadPoolExecutor.AbortPolicy());
  }
}
