package io.meterline.bench;

import io.meterline.bench.MeterUsageRequests.TaskCredentials;
import io.meterline.load.RequestSet;
import io.meterline.server.domain.UsageSource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * MeterUsage against a Meterline server (started here with its default settings, or running
 * elsewhere). Every request is distinct (its own task and dimension, so its own dedup key and
 * ClientToken) and must be committed; the ledger is counted afterwards to prove it.
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

  /** One replay of distinct requests and what the write path did meanwhile. */
  private record Phase(RunResult result, String writePath) {}

  Outcome run(String name, ServerUnderTest server) throws Exception {
    Fixtures fixtures = new Fixtures(server.admin());
    String productCode = fixtures.createProductAndBuyers();

    Duration warmup =
        options.warmup().compareTo(Duration.ofSeconds(2)) < 0
            ? Duration.ofSeconds(2)
            : options.warmup();
    int warmupRequests =
        (int) Math.min(options.maxRequests(), WARMUP_RATE_GUESS * warmup.toMillis() / 1000);
    Duration half = warmup.dividedBy(2);
    RunResult warm =
        phase(
                server,
                fixtures,
                productCode,
                name + " warm-up",
                warmupRequests,
                warmup.minus(half),
                half)
            .result();
    log.accept(
        String.format(
            Locale.ROOT,
            "  warm-up: %,.0f req/s over its second half, %d errors",
            warm.rate(),
            warm.errors()));

    double perSecond = Math.max(warm.rate(), 1000);
    long wanted =
        (long) Math.ceil(perSecond * HEADROOM * (RAMP.plus(options.duration()).toMillis() / 1000.0))
            + (long) options.connections() * Fixtures.DIMENSIONS;
    Phase measured =
        phase(
            server,
            fixtures,
            productCode,
            name,
            (int) Math.min(options.maxRequests(), wanted),
            RAMP,
            options.duration());
    LedgerCheck ledger =
        LedgerCheck.of(
            name,
            server,
            UsageSource.METER_USAGE,
            List.of(productCode),
            "MeterUsage 200s",
            warm,
            measured.result());
    return new Outcome(
        measured.result(), List.of(measured.writePath(), ledger.note()), ledger.problems());
  }

  /** Creates and admits enough tasks, signs one request per task and dimension, replays them. */
  private Phase phase(
      ServerUnderTest server,
      Fixtures fixtures,
      String productCode,
      String name,
      int requests,
      Duration ramp,
      Duration measure)
      throws Exception {
    List<String> dimensions = Fixtures.dimensions();
    int taskCount = (requests + dimensions.size() - 1) / dimensions.size();
    long t0 = System.nanoTime();
    keepClockNow(server, fixtures);
    List<TaskCredentials> tasks = fixtures.createTasks(taskCount);
    long t1 = System.nanoTime();
    keepClockNow(server, fixtures);
    admit(server, productCode, name, tasks);
    long t2 = System.nanoTime();
    keepClockNow(server, fixtures);
    try (RequestSet set =
        MeterUsageRequests.sign(
            server.host(),
            productCode,
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
      ServerUnderTest.WritePathWatch watch = server.watchWritePath();
      Instant from = Instant.now().plus(ramp);
      RunResult result;
      try {
        result =
            generator.run(name, server.address(), set, false, options.connections(), ramp, measure);
      } catch (RuntimeException | InterruptedException e) {
        watch.stop(0);
        throw e;
      }
      log.accept(String.format("  %s: measured from %s to %s", name, from, from.plus(measure)));
      return new Phase(result, watch.stop(result.okTotal()));
    }
  }

  /**
   * Sets a test clock, which stands still, to the present: requests are stamped with the time they
   * are signed, and a task's first hour is the one it started in.
   */
  private static void keepClockNow(ServerUnderTest server, Fixtures fixtures) throws Exception {
    if (server.testClock()) {
      fixtures.setClock(Instant.now());
    }
  }

  /** A DryRun per task, as the seller library sends at start-up; it admits the task. */
  private void admit(
      ServerUnderTest server, String productCode, String name, List<TaskCredentials> tasks)
      throws Exception {
    try (RequestSet dryRuns =
        MeterUsageRequests.sign(
            server.host(),
            productCode,
            Fixtures.dimensions().subList(0, 1),
            tasks,
            Instant.now().truncatedTo(ChronoUnit.MILLIS),
            true)) {
      RunResult admitted =
          generator.run(
              name + " admission",
              server.address(),
              dryRuns,
              false,
              options.connections(),
              Duration.ZERO,
              Duration.ofMinutes(5));
      if (admitted.errors() > 0) {
        throw new IllegalStateException(
            "the DryRun admission of "
                + tasks.size()
                + " tasks failed "
                + admitted.errors()
                + " times: "
                + admitted.errorSamples());
      }
    }
  }
}
