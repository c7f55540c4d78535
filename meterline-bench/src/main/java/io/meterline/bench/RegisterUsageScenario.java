package io.meterline.bench;

import io.meterline.bench.MeterUsageRequests.TaskCredentials;
import io.meterline.load.RequestSet;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * RegisterUsage: running tasks of an hourly product calling RegisterUsage with a fresh nonce each
 * time, so every answer is a new PS256 signature. Each task is admitted first (its first call
 * decides its entitlement and writes it down); the measured calls then cost the server a lookup and
 * a signature, which the raw signing baseline measures alone.
 */
final class RegisterUsageScenario {
  static final String TARGET = "AWSMPMeteringService.RegisterUsage";
  private static final int TASKS = 256;
  private static final int RATE_GUESS = 4_000;

  private final BenchOptions options;
  private final LoadGenerator generator;
  private final Consumer<String> log;

  RegisterUsageScenario(BenchOptions options, LoadGenerator generator, Consumer<String> log) {
    this.options = options;
    this.generator = generator;
    this.log = log;
  }

  RunResult run(String name, ServerUnderTest server) throws Exception {
    Fixtures fixtures = new Fixtures(server.admin());
    if (server.testClock()) {
      // A test clock stands wherever it was last set: tasks start, and are entitled, at the
      // present.
      fixtures.setClock(Instant.now());
    }
    String product = fixtures.createHourlyProductAndBuyers();
    List<TaskCredentials> tasks = fixtures.createTasks(TASKS);
    String host = server.host();
    InetSocketAddress address = server.address();
    try (RequestSet admissions = sign(host, product, tasks, tasks.size())) {
      RunResult admitted =
          generator.run(
              name + " admission",
              address,
              admissions,
              false,
              options.connections(),
              Duration.ZERO,
              Duration.ofMinutes(5));
      if (admitted.errors() > 0) {
        throw new IllegalStateException(
            "the admission of " + tasks.size() + " tasks failed: " + admitted.errorSamples());
      }
    }
    double seconds = options.warmup().plus(options.duration()).toMillis() / 1000.0;
    int count = (int) Math.min(options.maxRequests(), 2 * RATE_GUESS * seconds);
    long t0 = System.nanoTime();
    try (RequestSet set = sign(host, product, tasks, count)) {
      log.accept(
          String.format(
              Locale.ROOT,
              "  %s: %d tasks admitted; %,d requests signed in %.1f s",
              name,
              tasks.size(),
              set.size(),
              (System.nanoTime() - t0) / 1e9));
      return generator.run(
          name, address, set, false, options.connections(), options.warmup(), options.duration());
    }
  }

  /** {@code count} requests, task after task round the list, each with its own nonce. */
  private static RequestSet sign(
      String host, String product, List<TaskCredentials> tasks, int count) {
    Instant signingTime = Instant.now();
    RequestSet set = new RequestSet();
    List<TaskCredentials> order = new ArrayList<>(tasks);
    for (int i = 0; i < count; i++) {
      String body =
          "{\"ProductCode\":\""
              + product
              + "\",\"PublicKeyVersion\":1,\"Nonce\":\""
              + UUID.randomUUID()
              + "\"}";
      set.add(
          MeterUsageRequests.http(host, order.get(i % order.size()), TARGET, body, signingTime));
    }
    return set.seal();
  }
}
