package io.meterline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;

/**
 * What a meter does when things go wrong at a buyer's (SPEC §4 "it never stops metering silently",
 * "it shuts down within the platform's stop timeout"): a record the service refuses for itself does
 * not hold up the others; an error that concerns the whole product reaches the product's listener
 * under its grace policy and the usage is kept; a full disk under the spool fails the adds it hits
 * and nothing else, and metering resumes when there is room again; status never waits for a send;
 * close keeps to its time however slow the service.
 */
class MeterFailuresTest extends MeterOnServer {
  /** The ledger of this test's product: quantity by hour and dimension. */
  private Map<String, Long> ledger() {
    Map<String, Long> rows = new TreeMap<>();
    for (JsonNode r : server.admin().usage("productCode=" + code).get("records")) {
      rows.merge(
          r.get("hour").asText() + " " + r.get("dimension").asText(),
          r.get("quantity").asLong(),
          Long::sum);
    }
    return rows;
  }

  private static String key(Instant hour, String dimension) {
    return hour + " " + dimension;
  }

  // ---- errors by scope ----------------------------------------------------------------------

  @Test
  void recordTheServiceRefuses_isRejected_andTheOtherDimensionsAndHoursAreDelivered() {
    // "Bogus" is not one of the product's dimensions; it sorts first, so it is sent first.
    Meter meter = open(meter("Bogus", "Requests", "Renders"));
    meter.add("Requests", 3);
    meter.add("Bogus", 5);
    advance(HOUR);
    meter.add("Requests", 4);
    advance(HOUR);

    assertThat(meter.flush()).isTrue();

    assertThat(ledger())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                key(h, "Requests"), 3L,
                key(h, "Renders"), 0L,
                key(h.plus(HOUR), "Requests"), 4L,
                key(h.plus(HOUR), "Renders"), 0L));
    MeterStatus status = meter.status();
    assertThat(status.rejected()).isEqualTo(2);
    assertThat(status.backlog()).isZero();
    assertThat(status.entitlement()).isEqualTo(EntitlementState.ENTITLED);
    int sent = calls.of(MeterUsageRequest.class).size();

    assertThat(meter.flush()).isTrue();
    assertThat(calls.of(MeterUsageRequest.class))
        .as("a rejected record is not sent again")
        .hasSize(sent);
  }

  @Test
  void productLevelError_reachesTheListener_keepsTheUsage_andUsageAcceptedAgainIsTold() {
    List<EntitlementState> told = new CopyOnWriteArrayList<>();
    Meter meter = open(meter().onEntitlementChange(told::add));
    meter.add("Requests", 7);
    advance(HOUR);
    server.admin().fault("MeterUsage", "CustomerNotEntitledException", 1.0, 0);

    assertThat(meter.flush()).isFalse();

    assertThat(told).hasSize(1);
    EntitlementState lost = told.get(0);
    assertThat(lost.mode()).isEqualTo(EntitlementState.Mode.GRACE);
    assertThat(lost.cause()).contains("CustomerNotEntitledException");
    assertThat(lost.lostAt()).isEqualTo(serviceClock.instant());
    assertThat(lost.servesPaidFeatures()).isTrue();
    assertThat(meter.status().entitlement()).isEqualTo(lost);
    assertThat(meter.status().backlog()).as("the usage is kept").isEqualTo(2);
    assertThat(meter.status().rejected()).isZero();
    assertThat(calls.of(MeterUsageRequest.class))
        .as("the round stopped at the first refusal instead of burning through the records")
        .hasSize(1);

    assertThat(meter.flush()).isFalse();
    assertThat(told).as("told once, not at every retry").hasSize(1);

    server.admin().clearFaults();
    assertThat(meter.flush()).isTrue();
    assertThat(told).containsExactly(lost, EntitlementState.ENTITLED);
    assertThat(ledger())
        .containsExactlyInAnyOrderEntriesOf(Map.of(key(h, "Requests"), 7L, key(h, "Renders"), 0L));
  }

  @Test
  void degradeToFree_isToldAtOnce() {
    List<EntitlementState> told = new CopyOnWriteArrayList<>();
    Meter meter =
        open(meter().gracePolicy(GracePolicy.degradeToFree()).onEntitlementChange(told::add));
    advance(HOUR);
    server.admin().fault("MeterUsage", "AccessDeniedException", 1.0, 0);

    assertThat(meter.flush()).isFalse();

    assertThat(told)
        .extracting(EntitlementState::mode)
        .containsExactly(EntitlementState.Mode.DEGRADED);
    assertThat(told.get(0).servesPaidFeatures()).isFalse();
    assertThat(told.get(0).cause()).contains("AccessDeniedException");
  }

  @Test
  void stopAfter_keepsServingThroughTheGrace_thenSaysStop() throws Exception {
    List<EntitlementState> told = new CopyOnWriteArrayList<>();
    Meter meter =
        open(
            meter()
                .gracePolicy(GracePolicy.stopAfter(Duration.ofHours(2)))
                .onEntitlementChange(told::add)
                .sendInterval(Duration.ofMillis(20)));
    advance(HOUR);
    server.admin().fault("MeterUsage", "InvalidEndpointRegionException", 1.0, 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> !told.isEmpty());
    assertThat(told.get(0).mode()).isEqualTo(EntitlementState.Mode.GRACE);

    advance(Duration.ofMinutes(119));
    pause(Duration.ofMillis(300));
    assertThat(meter.entitlement().mode()).isEqualTo(EntitlementState.Mode.GRACE);

    advance(Duration.ofMinutes(2));
    await().atMost(Duration.ofSeconds(10)).until(() -> told.size() == 2);
    assertThat(told.get(1).mode()).isEqualTo(EntitlementState.Mode.STOPPED);
    assertThat(told.get(1).lostAt()).isEqualTo(told.get(0).lostAt());
  }

  // ---- the spool's disk ---------------------------------------------------------------------

  @Test
  void diskFullMidRun_failsOnlyTheAddsItHits_andMeteringResumes_withNothingAcknowledgedLost()
      throws Exception {
    FailingDisk disk = new FailingDisk();
    Meter meter = open(meter().spoolChannels(disk).sendInterval(Duration.ofMillis(20)));
    Map<String, AtomicLong> acked = new java.util.concurrent.ConcurrentHashMap<>();
    AtomicLong refused = new AtomicLong();
    ExecutorService adders = Executors.newFixedThreadPool(4);
    try {
      Adders first = new Adders(adders, meter, h, acked, refused);
      pause(Duration.ofMillis(300));
      disk.full = true;
      pause(Duration.ofMillis(300));
      first.stop();
      // The hour ends while the disk is full: the timer's sends cannot even note their attempts.
      advance(HOUR);
      Adders second = new Adders(adders, meter, h.plus(HOUR), acked, refused);
      pause(Duration.ofMillis(300));
      assertThat(ledger()).as("nothing can be sent while the disk is full").isEmpty();
      assertThat(meter.status().failures()).isPositive();
      assertThat(meter.status().lastError()).contains("No space left on device");
      disk.full = false;
      pause(Duration.ofMillis(300));
      second.stop();
    } finally {
      adders.shutdownNow();
    }
    assertThat(refused.get()).as("adds refused while the disk was full").isPositive();
    assertThat(disk.failedWrites.get()).isPositive();

    // The timer, never cancelled by the failures, delivers the first hour by itself.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                ledger().containsKey(key(h, "Requests"))
                    && ledger().containsKey(key(h, "Renders")));
    advance(HOUR);
    assertThat(meter.flush()).isTrue();

    Map<String, Long> expected = new TreeMap<>();
    acked.forEach((k, v) -> expected.put(k, v.get()));
    assertThat(ledger()).isEqualTo(expected);
    assertThat(expected.values()).allMatch(v -> v > 0);

    // The log left behind replays to the same state: no torn line cut anything off.
    meter.close();
    Meter again = open(meter());
    assertThat(again.status().backlog()).isZero();
    advance(HOUR);
    assertThat(again.flush()).isTrue();
    assertThat(ledger()).containsAllEntriesOf(expected);
  }

  // ---- never waiting, never hanging ---------------------------------------------------------

  @Test
  void status_answersWhileASendIsInFlight() throws Exception {
    Meter meter = open(meter());
    meter.add("Requests", 1);
    advance(HOUR);
    server.admin().fault("MeterUsage", null, 1.0, 3_000);
    CompletableFuture<Boolean> flushing = CompletableFuture.supplyAsync(meter::flush);
    await().atMost(Duration.ofSeconds(5)).until(() -> calls.count() > 0);

    CompletableFuture<MeterStatus> status = CompletableFuture.supplyAsync(meter::status);

    assertThat(status.get(1, TimeUnit.SECONDS).backlog()).isEqualTo(2);
    assertThat(flushing).isNotDone();
    assertThat(flushing.get(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void closeAgainstASlowService_returnsInItsTime_keepsWhatWasNotSent_andTheNextStartSendsItOnce()
      throws Exception {
    Meter first = meter().build();
    first.add("Requests", 5);
    advance(HOUR);
    first.add("Requests", 2);
    server.admin().fault("MeterUsage", null, 1.0, 4_000);
    long started = System.nanoTime();

    boolean sent = first.close(Duration.ofSeconds(1));

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(sent).isFalse();
    assertThat(took).isLessThan(Duration.ofMillis(2_500));
    assertThatThrownBy(() -> first.add("Requests", 1)).isInstanceOf(IllegalStateException.class);

    server.admin().clearFaults();
    pause(Duration.ofSeconds(4)); // the slow call the close gave up on ends at the server
    Meter second = open(meter());
    advance(HOUR);
    assertThat(second.flush()).isTrue();
    assertThat(ledger())
        .as("the hour whose send was cut off is recorded once")
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                key(h, "Requests"), 5L,
                key(h, "Renders"), 0L,
                key(h.plus(HOUR), "Requests"), 2L,
                key(h.plus(HOUR), "Renders"), 0L));
  }

  /** Four threads adding 1 at a time to both dimensions, counting what each add acknowledged. */
  private static final class Adders {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Future<?>> running = new ArrayList<>();

    Adders(
        ExecutorService pool,
        Meter meter,
        Instant hour,
        Map<String, AtomicLong> acked,
        AtomicLong refused) {
      for (int t = 0; t < 4; t++) {
        String dimension = t % 2 == 0 ? "Requests" : "Renders";
        AtomicLong count = acked.computeIfAbsent(key(hour, dimension), k -> new AtomicLong());
        running.add(
            pool.submit(
                () -> {
                  while (!stop.get()) {
                    try {
                      meter.add(dimension, 1);
                      count.incrementAndGet();
                    } catch (UncheckedIOException e) {
                      refused.incrementAndGet();
                    }
                  }
                }));
      }
    }

    void stop() throws Exception {
      stop.set(true);
      for (Future<?> f : running) {
        f.get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void pause(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
