package io.meterline.bench;

import io.meterline.bench.MeterUsageRequests.TaskCredentials;
import io.meterline.load.RequestSet;
import io.meterline.server.domain.UsageSource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * BatchMeterUsage: a seller reporting full batches of 25 records for its customers, every record
 * with its own dedup key (customer, product, dimension, hour), so every record is a new row.
 *
 * <p>A record may not precede its customer's subscription, and AWS takes records up to six hours
 * old. So the server runs on a test clock: for each phase it is set six hours back while the
 * customers subscribe, then to the present for the load, which spreads records over the five whole
 * hours in between. That gives {@value #PRODUCTS} × 24 dimensions × {@value #HOURS} hours = 960
 * distinct keys per customer.
 */
final class BatchMeterUsageScenario {
  static final String TARGET = "AWSMPMeteringService.BatchMeterUsage";
  static final int RECORDS_PER_REQUEST = 25;
  private static final int PRODUCTS = 8;
  private static final int HOURS = 5;
  private static final int KEYS_PER_CUSTOMER = PRODUCTS * Fixtures.DIMENSIONS * HOURS;
  private static final Duration RAMP = Duration.ofSeconds(1);
  private static final double HEADROOM = 2.0;
  private static final int WARMUP_RATE_GUESS = 60_000;

  private final BenchOptions options;
  private final LoadGenerator generator;
  private final Consumer<String> log;
  private int customersCreated;

  BatchMeterUsageScenario(BenchOptions options, LoadGenerator generator, Consumer<String> log) {
    this.options = options;
    this.generator = generator;
    this.log = log;
  }

  /**
   * Runs the warm-up and the measured period; the result counts records.
   *
   * @param server a server on a test clock
   */
  MeterUsageScenario.Outcome run(String name, ServerUnderTest server) throws Exception {
    if (!server.testClock()) {
      throw new BenchAbort(
          "BatchMeterUsage needs the server's test clock (PUT /admin/v1/clock): start the server"
              + " with ./meterline serve --test-clock");
    }
    Fixtures fixtures = new Fixtures(server.admin());
    List<String> products = new ArrayList<>();
    for (int i = 0; i < PRODUCTS; i++) {
      products.add(fixtures.createCustomProduct(true));
    }
    TaskCredentials seller = fixtures.sellerKey();
    Duration warmup =
        options.warmup().compareTo(Duration.ofSeconds(2)) < 0
            ? Duration.ofSeconds(2)
            : options.warmup();
    long warmupRecords = Math.min(maxRecords(), WARMUP_RATE_GUESS * warmup.toMillis() / 1000);
    Duration half = warmup.dividedBy(2);
    RunResult warm =
        phase(
            server,
            fixtures,
            products,
            seller,
            name + " warm-up",
            warmupRecords,
            warmup.minus(half),
            half);
    log.accept(
        String.format(
            Locale.ROOT,
            "  warm-up: %,.0f records/s over its second half, %d errors",
            warm.rate(),
            warm.errors()));
    long wanted =
        (long)
            Math.ceil(
                Math.max(warm.rate(), 10_000)
                    * HEADROOM
                    * (RAMP.plus(options.duration()).toMillis() / 1000.0));
    RunResult measured =
        phase(
            server,
            fixtures,
            products,
            seller,
            name,
            Math.min(maxRecords(), wanted),
            RAMP,
            options.duration());

    LedgerCheck ledger =
        LedgerCheck.of(
            name,
            server,
            UsageSource.BATCH_METER_USAGE,
            products,
            "records in BatchMeterUsage 200s",
            warm,
            measured);
    return new MeterUsageScenario.Outcome(measured, List.of(ledger.note()), ledger.problems());
  }

  /** At most twice --max-requests records: batch requests are larger than MeterUsage ones. */
  private long maxRecords() {
    return 2L * options.maxRequests();
  }

  /** Subscribes enough new customers, signs full batches for them, replays them. */
  private RunResult phase(
      ServerUnderTest server,
      Fixtures fixtures,
      List<String> products,
      TaskCredentials seller,
      String name,
      long records,
      Duration ramp,
      Duration measure)
      throws Exception {
    // A multiple of 5 customers makes every product's records a multiple of 25: full batches only.
    int customers = 5 * (int) ((records + 5L * KEYS_PER_CUSTOMER - 1) / (5L * KEYS_PER_CUSTOMER));
    Instant subscribedAt = Instant.now().minus(Duration.ofHours(6)).plus(Duration.ofMinutes(5));
    long t0 = System.nanoTime();
    fixtures.setClock(subscribedAt);
    List<String> accounts = fixtures.createCustomers(products, customersCreated, customers);
    customersCreated += customers;
    fixtures.setClock(Instant.now());
    long t1 = System.nanoTime();
    Instant firstHour = subscribedAt.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    try (RequestSet set = sign(server.host(), seller, products, accounts, firstHour)) {
      long t2 = System.nanoTime();
      log.accept(
          String.format(
              Locale.ROOT,
              "  %s: %,d customers subscribed to %d products in %.1f s; "
                  + "%,d requests of %d records (%,d MB) signed in %.1f s",
              name,
              customers,
              PRODUCTS,
              (t1 - t0) / 1e9,
              set.size(),
              RECORDS_PER_REQUEST,
              set.bytes() >> 20,
              (t2 - t1) / 1e9));
      RunResult requests =
          generator.run(name, server.address(), set, false, options.connections(), ramp, measure);
      return inRecords(requests);
    }
  }

  /**
   * Signs one request per 25 keys, product after product, customer after customer: each customer's
   * 24 dimensions for each of the five hours.
   */
  private static RequestSet sign(
      String host,
      TaskCredentials seller,
      List<String> products,
      List<String> accounts,
      Instant firstHour) {
    Instant signingTime = Instant.now();
    RequestSet set = new RequestSet();
    List<String> dimensions = Fixtures.dimensions();
    for (String product : products) {
      StringBuilder body = null;
      int inBody = 0;
      for (String account : accounts) {
        for (int h = 0; h < HOURS; h++) {
          long millis = firstHour.plus(Duration.ofHours(h)).plusSeconds(90).toEpochMilli();
          for (String dimension : dimensions) {
            if (body == null) {
              body = new StringBuilder(4096).append("{\"UsageRecords\":[");
            } else {
              body.append(',');
            }
            body.append("{\"Timestamp\":")
                .append(millis / 1000)
                .append(",\"CustomerAWSAccountId\":\"")
                .append(account)
                .append("\",\"Dimension\":\"")
                .append(dimension)
                .append("\",\"Quantity\":")
                .append(1 + (set.size() + inBody) % 100)
                .append('}');
            if (++inBody == RECORDS_PER_REQUEST) {
              set.add(http(host, seller, body, product, signingTime));
              body = null;
              inBody = 0;
            }
          }
        }
      }
      if (body != null) {
        throw new IllegalStateException("a partial batch of " + inBody + " records");
      }
    }
    return set.seal();
  }

  private static byte[] http(
      String host, TaskCredentials seller, StringBuilder records, String product, Instant time) {
    String body = records.append("],\"ProductCode\":\"").append(product).append("\"}").toString();
    return MeterUsageRequests.http(host, seller, TARGET, body, time);
  }

  /** The result counted in records (every request carries 25). */
  private static RunResult inRecords(RunResult r) {
    return new RunResult(
        r.name(),
        "records",
        r.count() * RECORDS_PER_REQUEST,
        r.seconds(),
        r.latencyMicros(),
        "request of " + RECORDS_PER_REQUEST + " records",
        r.okTotal() * RECORDS_PER_REQUEST,
        r.errorsByStatus(),
        r.errorSamples(),
        r.connectionErrors(),
        r.exhausted(),
        r.cpu());
  }
}
