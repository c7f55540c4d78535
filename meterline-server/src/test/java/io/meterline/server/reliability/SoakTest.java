package io.meterline.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.TestServer;
import io.meterline.wire.crypto.Pem;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.security.interfaces.RSAPublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.InternalServiceErrorException;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerResponse;
import software.amazon.awssdk.services.marketplacemetering.model.ThrottlingException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

/**
 * Soak: a bounded mixed-workload run against one in-process server (SQLite) with fault injection
 * on, checking that the heap stays flat and that the error rates the clients see are exactly the
 * injected ones.
 *
 * <p>Six threads drive the official SDK (retries off, so each injected fault is seen exactly once)
 * with a mix of MeterUsage on fresh keys, repeats of acknowledged MeterUsage requests (which must
 * get their original MeteringRecordId back), BatchMeterUsage of a few records, RegisterUsage (the
 * signature is verified), ResolveCustomer and admin ledger queries. Injected: ThrottlingException
 * on 10% of MeterUsage calls, InternalServiceErrorException on 5% of BatchMeterUsage calls, and a
 * latency-only fault on ResolveCustomer (which must therefore see no error); RegisterUsage is not
 * faulted. The test asserts that
 *
 * <ul>
 *   <li>no call fails with anything but the injected fault of its operation, with the modeled
 *       exception class and HTTP status;
 *   <li>each faulted operation's observed fault rate is within {@code 4·sqrt(p(1-p)/n) + 0.01} of
 *       the injected rate {@code p};
 *   <li>the used heap after a full GC at the end exceeds the one after the warm-up by at most 48 MB
 *       (client and server share the JVM; the client keeps only bounded samples). The server's
 *       caches of task admissions (until idle for ten minutes) and SigV4 signing keys (an hour)
 *       hold a few hundred bytes per recent task;
 *   <li>the ledger holds exactly the acknowledged records: per product, as many rows with the same
 *       total quantity as the clients were acknowledged; and the RegisterUsage tasks, stopped after
 *       20 calls each, left one TaskTime row of the one-minute minimum each.
 * </ul>
 *
 * <p>The service clock is frozen at half past the current hour, so every key lies in one hour
 * bucket; fresh keys come from fresh tasks (MeterUsage) and fresh SaaS customers (BatchMeterUsage),
 * 24 dimensions each. Throttling quotas are off (as in {@link TestServer}'s default configuration).
 *
 * <p>The run lasts {@code -Dmeterline.soak.duration} (an ISO-8601 duration, default {@code PT45S},
 * which CI runs). The long version, up to ten minutes:
 *
 * <pre>
 * ./mvnw -B -o test -pl meterline-server -Dtest=SoakTest -Dmeterline.soak.duration=PT10M
 * </pre>
 */
class SoakTest {
  private static final Duration DURATION =
      Duration.parse(System.getProperty("meterline.soak.duration", "PT45S"));
  private static final int THREADS = 6;
  private static final String REGION = "us-east-1";
  private static final String SELLER = "111122223333";
  private static final String METER_BUYER = "444455556666";
  private static final String REGISTER_BUYER = "555566667777";
  private static final String[] DIMENSIONS =
      IntStream.range(0, 24).mapToObj(i -> "D" + i).toArray(String[]::new);
  private static final int BATCH_RECORDS = 4;
  private static final int REGISTER_CALLS_PER_TASK = 20;
  private static final long HEAP_GROWTH_LIMIT = 48L << 20;
  private static final int ACK_SAMPLE = 4096;
  private static final int CUSTOMER_SAMPLE = 256;
  private static final double METER_USAGE_THROTTLING = 0.10;
  private static final double BATCH_INTERNAL_ERROR = 0.05;
  private static final double RESOLVE_LATENCY_RATE = 0.10;
  private static final long RESOLVE_LATENCY_MS = 5;

  /** What a thread does; admin counts every admin call made during the run. */
  private enum Op {
    METER_USAGE,
    BATCH_METER_USAGE,
    REGISTER_USAGE,
    RESOLVE_CUSTOMER,
    ADMIN
  }

  /** The error an operation is injected with, as the SDK must surface it. */
  private record Injected(
      Class<? extends MarketplaceMeteringException> type, int status, double rate) {}

  private static final Map<Op, Injected> INJECTED =
      Map.of(
          Op.METER_USAGE,
          new Injected(ThrottlingException.class, 400, METER_USAGE_THROTTLING),
          Op.BATCH_METER_USAGE,
          new Injected(InternalServiceErrorException.class, 500, BATCH_INTERNAL_ERROR));

  /** Counts of one operation. */
  private static final class Stats {
    final LongAdder calls = new LongAdder();
    final LongAdder faults = new LongAdder();
    final LongAdder others = new LongAdder();
  }

  /** A task and the per-request credentials that sign as it. */
  private record TaskRef(String taskId, AwsRequestOverrideConfiguration auth) {}

  /** An acknowledged MeterUsage: the request, and the id it was answered with. */
  private record Ack(TaskRef task, String dimension, int quantity, String id) {}

  /** A SaaS customer subscribed during the run. */
  private record Customer(String accountId, String identifier, String token) {}

  private final Map<Op, Stats> stats = new EnumMap<>(Op.class);
  private final Queue<String> otherSamples = new ConcurrentLinkedQueue<>();
  private final AtomicInteger otherSampleCount = new AtomicInteger();
  private final AtomicReferenceArray<Ack> acks = new AtomicReferenceArray<>(ACK_SAMPLE);
  private final AtomicLong ackSlot = new AtomicLong();
  private final AtomicReferenceArray<Customer> customers =
      new AtomicReferenceArray<>(CUSTOMER_SAMPLE);
  private final AtomicLong customerSlot = new AtomicLong();
  private final AtomicLong accountSeq = new AtomicLong();
  private final LongAdder meterAcked = new LongAdder();
  private final LongAdder meterAckedQuantity = new LongAdder();
  private final LongAdder batchAcked = new LongAdder();
  private final LongAdder batchAckedQuantity = new LongAdder();
  private final LongAdder repeatsConfirmed = new LongAdder();
  private final LongAdder registerTasksStopped = new LongAdder();
  private final AtomicBoolean stop = new AtomicBoolean();

  private TestServer server;
  private AdminClient admin;
  private String meterProduct;
  private String saasProduct;
  private String hourlyProduct;
  private RSAPublicKey hourlyKey;
  private Instant now;

  @Test
  void mixedWorkloadWithFaults_keepsHeapFlatAndSeesExactlyTheInjectedErrors() throws Exception {
    for (Op op : Op.values()) {
      stats.put(op, new Stats());
    }
    long started = System.nanoTime();
    server = TestServer.start();
    try {
      soak(started);
    } finally {
      stop.set(true); // should the test fail half-way
      server.close();
    }
  }

  private void soak(long started) throws Exception {
    admin = server.admin();
    // Half past the current hour, frozen: every key of the run lies in one hour bucket, and the
    // MeterUsage timestamps two minutes back stay inside the hour the tasks started in.
    now = admin.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(30));
    admin.setClock(now.toString());

    meterProduct = admin.customProduct(SELLER, DIMENSIONS).get("productCode").asText();
    saasProduct = admin.saasProduct(SELLER, DIMENSIONS).get("productCode").asText();
    JsonNode hourly = admin.hourlyProduct(SELLER);
    hourlyProduct = hourly.get("productCode").asText();
    hourlyKey = rsaPublicKey(hourly.get("publicKeyPem").asText());
    admin.buyer(METER_BUYER);
    admin.subscribe(meterProduct, METER_BUYER);
    admin.buyer(REGISTER_BUYER);
    admin.subscribe(hourlyProduct, REGISTER_BUYER);
    JsonNode sellerKey = admin.accessKey(SELLER, "SELLER");

    admin.fault("MeterUsage", "ThrottlingException", METER_USAGE_THROTTLING, 0);
    admin.fault("BatchMeterUsage", "InternalServiceErrorException", BATCH_INTERNAL_ERROR, 0);
    admin.fault("ResolveCustomer", null, RESOLVE_LATENCY_RATE, RESOLVE_LATENCY_MS);
    assertThat(admin.get("/faults").get("faults")).as("faults in effect").hasSize(3);

    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      MarketplaceMeteringClient client =
          server
              .clientBuilder(TestServer.keyCredentials(sellerKey), REGION)
              .overrideConfiguration(
                  o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
              .build();
      Thread t = new Thread(() -> work(client), "soak-" + i);
      t.setDaemon(true);
      t.start();
      workers.add(t);
    }

    // Warm-up (JIT, caches, connection pools, the sample rings filling), then the baseline.
    Duration warmUp = min(Duration.ofSeconds(10), DURATION.dividedBy(4));
    Duration interval = max(Duration.ofSeconds(5), DURATION.dividedBy(20));
    long runStart = System.nanoTime();
    long deadline = runStart + DURATION.toNanos();
    Thread.sleep(warmUp.toMillis());
    List<Long> heap = new ArrayList<>();
    heap.add(usedHeapAfterGc());
    long baselineAt = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long left = deadline - System.nanoTime();
      Thread.sleep(Math.max(1, Math.min(interval.toNanos(), left) / 1_000_000));
      heap.add(usedHeapAfterGc());
    }
    double heapMinutes = (System.nanoTime() - baselineAt) / 60e9;
    stop.set(true);
    for (Thread t : workers) {
      t.join(60_000);
      assertThat(t.isAlive()).as("%s stopped", t.getName()).isFalse();
    }
    double seconds = (System.nanoTime() - runStart) / 1e9;
    admin.clearFaults();

    Map<String, long[]> meterLedger = ledger(meterProduct);
    Map<String, long[]> saasLedger = ledger(saasProduct);
    Map<String, long[]> hourlyLedger = ledger(hourlyProduct);

    String summary =
        summary(seconds, heap, heapMinutes, meterLedger, saasLedger, hourlyLedger, started);
    System.out.println(summary);

    // 1. Nothing but the injected faults.
    assertThat(otherSamples)
        .as("calls that failed other than by the injected fault (first 20), in %s", summary)
        .isEmpty();
    for (Op op : Op.values()) {
      assertThat(stats.get(op).others.sum()).as("other errors of %s", op).isZero();
    }

    // 2. The observed fault rates are the injected ones.
    for (Op op : Op.values()) {
      Stats s = stats.get(op);
      long n = s.calls.sum();
      assertThat(n).as("%s calls", op).isPositive();
      Injected injected = INJECTED.get(op);
      if (injected == null) {
        assertThat(s.faults.sum()).as("faults seen by %s, which is not faulted", op).isZero();
        continue;
      }
      double p = injected.rate();
      double observed = (double) s.faults.sum() / n;
      // Four standard deviations of a binomial share, plus one point: a false alarm in fewer than
      // one in 16 000 runs per operation.
      double tolerance = 4 * Math.sqrt(p * (1 - p) / n) + 0.01;
      // Enough calls that neither no faults nor twice the injected rate would pass (n >= 178 for
      // 10%, n >= 475 for 5%); a loaded machine makes ~5x fewer calls than an idle one.
      assertThat(tolerance)
          .as("tolerance of the %s fault rate over only %d calls", op, n)
          .isLessThan(p);
      assertThat(observed)
          .as("%s fault rate over %d calls (injected %.2f, tolerance %.4f)", op, n, p, tolerance)
          .isBetween(p - tolerance, p + tolerance);
    }

    // 3. The heap stays flat.
    long growth = heap.get(heap.size() - 1) - heap.get(0);
    assertThat(growth)
        .as("heap growth after warm-up (MB samples %s)", mb(heap))
        .isLessThanOrEqualTo(HEAP_GROWTH_LIMIT);

    // 4. The ledger holds exactly what was acknowledged.
    assertThat(repeatsConfirmed.sum()).as("repeats that got their original id").isPositive();
    assertThat(meterLedger.keySet()).as("sources in the custom product's ledger").hasSize(1);
    assertThat(meterLedger.get("METER_USAGE"))
        .as("MeterUsage rows and total quantity in the ledger")
        .containsExactly(meterAcked.sum(), meterAckedQuantity.sum());
    assertThat(saasLedger.keySet()).as("sources in the SaaS product's ledger").hasSize(1);
    assertThat(saasLedger.get("BATCH_METER_USAGE"))
        .as("BatchMeterUsage rows and total quantity in the ledger")
        .containsExactly(batchAcked.sum(), batchAckedQuantity.sum());
    long stopped = registerTasksStopped.sum();
    assertThat(stopped).as("admitted RegisterUsage tasks stopped").isPositive();
    assertThat(hourlyLedger.keySet())
        .as("sources in the HOURLY product's ledger")
        .containsExactly("TASK_TIME");
    assertThat(hourlyLedger.get("TASK_TIME"))
        .as("TaskTime rows and seconds of the stopped tasks in the ledger")
        .containsExactly(stopped, 60 * stopped);
  }

  // ---- the workload -------------------------------------------------------------------------

  /** One client thread: a random mix of operations until told to stop. */
  private void work(MarketplaceMeteringClient client) {
    Worker w = new Worker(client);
    try (client) {
      while (!stop.get()) {
        int roll = ThreadLocalRandom.current().nextInt(100);
        try {
          if (roll < 45) {
            w.meterFresh();
          } else if (roll < 55) {
            w.meterRepeat();
          } else if (roll < 75) {
            w.batch();
          } else if (roll < 85) {
            w.register();
          } else if (roll < 99) {
            w.resolve();
          } else {
            w.adminUsage();
          }
        } catch (RuntimeException | AssertionError e) {
          other(Op.ADMIN, "unexpected: " + e);
        }
      }
    }
  }

  /** A thread's state: the task and customer whose fresh keys it is using up. */
  private final class Worker {
    private final MarketplaceMeteringClient client;
    private final Instant meterTime = now.minus(Duration.ofMinutes(2));
    private TaskRef meterTask;
    private int meterDimension;
    private Customer customer;
    private int customerDimension;
    private TaskRef registerTask;
    private int registerCalls;
    private boolean registerAdmitted;

    Worker(MarketplaceMeteringClient client) {
      this.client = client;
    }

    /** MeterUsage on a key never used before: the next dimension of this thread's task. */
    void meterFresh() {
      if (meterTask == null || meterDimension == DIMENSIONS.length) {
        meterTask = newTask(METER_BUYER);
        meterDimension = 0;
      }
      TaskRef task = meterTask;
      String dimension = DIMENSIONS[meterDimension++];
      int quantity = ThreadLocalRandom.current().nextInt(1, 1_000_000);
      MeterUsageResponse r =
          call(
              Op.METER_USAGE,
              () ->
                  client.meterUsage(
                      b ->
                          b.productCode(meterProduct)
                              .usageDimension(dimension)
                              .usageQuantity(quantity)
                              .timestamp(meterTime)
                              .overrideConfiguration(task.auth())));
      if (r == null) {
        return; // not acknowledged; the key is not used again
      }
      if (r.meteringRecordId() == null || r.meteringRecordId().isBlank()) {
        other(Op.METER_USAGE, "no MeteringRecordId for " + task.taskId() + "/" + dimension);
        return;
      }
      meterAcked.increment();
      meterAckedQuantity.add(quantity);
      acks.set(
          (int) (ackSlot.getAndIncrement() % ACK_SAMPLE),
          new Ack(task, dimension, quantity, r.meteringRecordId()));
    }

    /** An acknowledged MeterUsage again, later in the same hour: it must get the same id. */
    void meterRepeat() {
      Ack a = acks.get(ThreadLocalRandom.current().nextInt(ACK_SAMPLE));
      if (a == null) {
        meterFresh();
        return;
      }
      MeterUsageResponse r =
          call(
              Op.METER_USAGE,
              () ->
                  client.meterUsage(
                      b ->
                          b.productCode(meterProduct)
                              .usageDimension(a.dimension())
                              .usageQuantity(a.quantity())
                              .timestamp(meterTime.plusSeconds(30))
                              .overrideConfiguration(a.task().auth())));
      if (r == null) {
        return;
      }
      if (!a.id().equals(r.meteringRecordId())) {
        other(Op.METER_USAGE, "repeat of " + a + " answered " + r.meteringRecordId());
        return;
      }
      repeatsConfirmed.increment();
    }

    /** BatchMeterUsage of the next few dimensions of this thread's customer. */
    void batch() {
      if (customer == null || customerDimension == DIMENSIONS.length) {
        customer = newCustomer();
        customerDimension = 0;
      }
      int n = Math.min(BATCH_RECORDS, DIMENSIONS.length - customerDimension);
      List<UsageRecord> records = new ArrayList<>(n);
      long total = 0;
      for (int i = 0; i < n; i++) {
        int quantity = ThreadLocalRandom.current().nextInt(0, 1_000_000);
        total += quantity;
        records.add(
            UsageRecord.builder()
                .customerIdentifier(customer.identifier())
                .dimension(DIMENSIONS[customerDimension + i])
                .quantity(quantity)
                // The subscription began at the (frozen) service time, so no earlier.
                .timestamp(now)
                .build());
      }
      customerDimension += n;
      BatchMeterUsageResponse r =
          call(
              Op.BATCH_METER_USAGE,
              () -> client.batchMeterUsage(b -> b.productCode(saasProduct).usageRecords(records)));
      if (r == null) {
        return;
      }
      if (!r.unprocessedRecords().isEmpty() || r.results().size() != n) {
        other(Op.BATCH_METER_USAGE, "batch of " + n + " answered " + r);
        return;
      }
      for (int i = 0; i < n; i++) {
        UsageRecordResult result = r.results().get(i);
        if (result.status() != UsageRecordResultStatus.SUCCESS
            || result.meteringRecordId() == null
            || !records.get(i).equals(result.usageRecord())) {
          other(Op.BATCH_METER_USAGE, "record " + records.get(i) + " answered " + result);
          return;
        }
      }
      batchAcked.add(n);
      batchAckedQuantity.add(total);
    }

    /** RegisterUsage from this thread's task, a fresh one now and then (first call admits). */
    void register() {
      if (registerTask == null || registerCalls == REGISTER_CALLS_PER_TASK) {
        if (registerTask != null) {
          stopRegisterTask();
        }
        registerTask = newTask(REGISTER_BUYER);
        registerCalls = 0;
        registerAdmitted = false;
      }
      registerCalls++;
      TaskRef task = registerTask;
      String nonce = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
      RegisterUsageResponse r =
          call(
              Op.REGISTER_USAGE,
              () ->
                  client.registerUsage(
                      b ->
                          b.productCode(hourlyProduct)
                              .publicKeyVersion(1)
                              .nonce(nonce)
                              .overrideConfiguration(task.auth())));
      if (r == null) {
        return;
      }
      registerAdmitted = true;
      String problem = checkSignature(r.signature(), nonce);
      if (problem != null) {
        other(Op.REGISTER_USAGE, problem);
      }
    }

    /**
     * Stops the RegisterUsage task, as its product would stop at the end of its life: an admitted
     * task of the HOURLY product leaves one TaskTime row of the one-minute minimum (the service
     * clock does not move).
     */
    private void stopRegisterTask() {
      TaskRef task = registerTask;
      boolean admitted = registerAdmitted;
      registerTask = null;
      stats.get(Op.ADMIN).calls.increment();
      admin.stopTask(task.taskId());
      if (admitted) {
        registerTasksStopped.increment();
      }
    }

    /** ResolveCustomer of a customer subscribed earlier in the run. */
    void resolve() {
      Customer c = customers.get(ThreadLocalRandom.current().nextInt(CUSTOMER_SAMPLE));
      if (c == null) {
        c = customer != null ? customer : (customer = newCustomer());
      }
      Customer expected = c;
      ResolveCustomerResponse r =
          call(
              Op.RESOLVE_CUSTOMER,
              () -> client.resolveCustomer(b -> b.registrationToken(expected.token())));
      if (r == null) {
        return;
      }
      if (!expected.identifier().equals(r.customerIdentifier())
          || !expected.accountId().equals(r.customerAWSAccountId())
          || !saasProduct.equals(r.productCode())) {
        other(Op.RESOLVE_CUSTOMER, expected + " resolved as " + r);
      }
    }

    /** An admin ledger query for one customer of the run. */
    void adminUsage() {
      Customer c = customers.get(ThreadLocalRandom.current().nextInt(CUSTOMER_SAMPLE));
      if (c == null) {
        return;
      }
      stats.get(Op.ADMIN).calls.increment();
      AdminClient.Reply reply =
          admin.send(
              "GET", "/usage?productCode=" + saasProduct + "&awsAccountId=" + c.accountId(), null);
      if (reply.status() != 200) {
        other(Op.ADMIN, "GET /usage answered " + reply.status() + " " + reply.body());
        return;
      }
      JsonNode records = reply.body().get("records");
      if (records == null || records.size() > DIMENSIONS.length) {
        other(Op.ADMIN, "GET /usage of " + c + " answered " + reply.body());
        return;
      }
      for (JsonNode record : records) {
        if (!c.accountId().equals(record.path("awsAccountId").asText())
            || !saasProduct.equals(record.path("productCode").asText())
            || !"BATCH_METER_USAGE".equals(record.path("source").asText())) {
          other(Op.ADMIN, "GET /usage of " + c + " holds " + record);
          return;
        }
      }
    }
  }

  /** A new ECS task of this buyer, launched through the admin API. */
  private TaskRef newTask(String buyer) {
    stats.get(Op.ADMIN).calls.increment();
    JsonNode task = admin.task(buyer, REGION, "ECS");
    return new TaskRef(
        task.get("taskId").asText(),
        AwsRequestOverrideConfiguration.builder()
            .credentialsProvider(StaticCredentialsProvider.create(TestServer.taskCredentials(task)))
            .build());
  }

  /** A new buyer subscribed to the SaaS product, remembered in the bounded sample. */
  private Customer newCustomer() {
    String accountId = String.format("%012d", 700_000_000_000L + accountSeq.incrementAndGet());
    stats.get(Op.ADMIN).calls.add(2);
    String identifier = admin.buyer(accountId).get("customerIdentifier").asText();
    String token = admin.subscribe(saasProduct, accountId).get("registrationToken").asText();
    Customer c = new Customer(accountId, identifier, token);
    customers.set((int) (customerSlot.getAndIncrement() % CUSTOMER_SAMPLE), c);
    return c;
  }

  /**
   * Runs one SDK call and counts it: its result, or {@code null} when it failed — by the injected
   * fault of the operation (the modeled class, HTTP status and error code, and the server's
   * "Injected fault" message) or otherwise (recorded as an other error).
   */
  private <T> T call(Op op, Supplier<T> call) {
    Stats s = stats.get(op);
    s.calls.increment();
    try {
      return call.get();
    } catch (MarketplaceMeteringException e) {
      Injected injected = INJECTED.get(op);
      String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
      if (injected != null
          && injected.type().isInstance(e)
          && e.statusCode() == injected.status()
          && injected.type().getSimpleName().equals(e.awsErrorDetails().errorCode())
          && message != null
          && message.startsWith("Injected fault")
          && e.requestId() != null
          && !e.requestId().isBlank()) {
        s.faults.increment();
      } else {
        other(
            op,
            e.getClass().getSimpleName()
                + " (HTTP "
                + e.statusCode()
                + ", "
                + (e.awsErrorDetails() == null ? "?" : e.awsErrorDetails().errorCode())
                + "): "
                + message);
      }
      return null;
    } catch (RuntimeException e) {
      other(op, e.toString());
      return null;
    }
  }

  private void other(Op op, String what) {
    stats.get(op).others.increment();
    if (otherSampleCount.incrementAndGet() <= 20) {
      otherSamples.add(op + ": " + what);
    }
  }

  /** Null when the signature is a PS256 JWT over the documented claims, else what is wrong. */
  private String checkSignature(String signature, String nonce) {
    try {
      SignedJWT jwt = SignedJWT.parse(signature);
      if (!jwt.verify(new RSASSAVerifier(hourlyKey))) {
        return "signature does not verify: " + signature;
      }
      Map<String, Object> claims = jwt.getPayload().toJSONObject();
      if (!hourlyProduct.equals(claims.get("productCode"))
          || !nonce.equals(claims.get("nonce"))
          || !Long.valueOf(1).equals(asLong(claims.get("publicKeyVersion")))
          || !Long.valueOf(now.getEpochSecond()).equals(asLong(claims.get("iat")))) {
        return "claims " + claims + " for nonce " + nonce;
      }
      return null;
    } catch (ParseException | JOSEException e) {
      return "not a verifiable JWS: " + e;
    }
  }

  private static Long asLong(Object o) {
    return o instanceof Number n ? n.longValue() : null;
  }

  // ---- measurements -------------------------------------------------------------------------

  private static long usedHeapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    memory.gc();
    Thread.sleep(100);
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** The ledger of a product: per source, {rows, total quantity}. */
  private Map<String, long[]> ledger(String productCode) throws Exception {
    Map<String, long[]> bySource = new HashMap<>();
    String url = "jdbc:sqlite:" + server.dataDir().resolve("meterline.db");
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT source, COUNT(*), SUM(quantity) FROM usage_records "
                    + "WHERE product_code = ? GROUP BY source")) {
      s.setString(1, productCode);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          bySource.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
        }
      }
    }
    return bySource;
  }

  private String summary(
      double seconds,
      List<Long> heap,
      double heapMinutes,
      Map<String, long[]> meterLedger,
      Map<String, long[]> saasLedger,
      Map<String, long[]> hourlyLedger,
      long started) {
    String ops =
        stats.entrySet().stream()
            .map(
                e -> {
                  long n = e.getValue().calls.sum();
                  long f = e.getValue().faults.sum();
                  Injected injected = INJECTED.get(e.getKey());
                  return String.format(
                      "%s calls=%d faults=%d (%.2f%%%s) other=%d",
                      e.getKey(),
                      n,
                      f,
                      n == 0 ? 0.0 : 100.0 * f / n,
                      injected == null
                          ? ""
                          : String.format(" vs %.0f%% injected", 100 * injected.rate()),
                      e.getValue().others.sum());
                })
            .collect(Collectors.joining("; "));
    return String.format(
        "soak %s x %d threads, %.1f s of load (%.1f s in all): %s; repeats confirmed=%d;"
            + " ledger MeterUsage rows=%d qty=%d (acked %d/%d), Batch rows=%d qty=%d (acked %d/%d);"
            + " TaskTime rows=%d s=%d (stopped tasks %d); heap MB after GC=%s"
            + " (%+.1f MB over %.1f min after warm-up)",
        DURATION,
        THREADS,
        seconds,
        (System.nanoTime() - started) / 1e9,
        ops,
        repeatsConfirmed.sum(),
        meterLedger.getOrDefault("METER_USAGE", new long[2])[0],
        meterLedger.getOrDefault("METER_USAGE", new long[2])[1],
        meterAcked.sum(),
        meterAckedQuantity.sum(),
        saasLedger.getOrDefault("BATCH_METER_USAGE", new long[2])[0],
        saasLedger.getOrDefault("BATCH_METER_USAGE", new long[2])[1],
        batchAcked.sum(),
        batchAckedQuantity.sum(),
        hourlyLedger.getOrDefault("TASK_TIME", new long[2])[0],
        hourlyLedger.getOrDefault("TASK_TIME", new long[2])[1],
        registerTasksStopped.sum(),
        mb(heap),
        (heap.get(heap.size() - 1) - heap.get(0)) / (1024.0 * 1024.0),
        heapMinutes);
  }

  private static String mb(List<Long> bytes) {
    return bytes.stream()
        .map(b -> String.format("%.1f", b / (1024.0 * 1024.0)))
        .collect(Collectors.joining(",", "[", "]"));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static RSAPublicKey rsaPublicKey(String pem) {
    return (RSAPublicKey) Pem.decodeRsaPublicKey(pem);
  }
}
