package io.meterline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The meter's durable log on its own (SPEC §4 "a durable local spool (survives a crash)"): what was
 * added, attempted and settled comes back after a reopen; a torn or corrupt tail is dropped, never
 * misread; compaction forgets only what is settled for good; one process at a time.
 */
class SpoolTest {
  private static final long H0 = 1_767_225_600L; // 2026-01-01T00:00:00Z
  private static final long HOUR = 3600;
  private static final Set<String> DIMENSIONS = Set.of("Requests", "Renders");
  private static final String NAME = "meter-test";

  @TempDir Path dir;
  private final List<Spool> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws IOException {
    for (Spool s : open) {
      try {
        s.close();
      } catch (IOException | RuntimeException e) {
        // already closed by the test
      }
    }
  }

  /** The clock at half past the given hour. */
  private static Clock at(long hour) {
    return Clock.fixed(Instant.ofEpochSecond(hour + 1800), ZoneOffset.UTC);
  }

  private Spool open(long nowHour) throws IOException {
    Spool s = Spool.open(dir, NAME, DIMENSIONS, at(nowHour));
    open.add(s);
    return s;
  }

  private Spool reopen(Spool s, long nowHour) throws IOException {
    s.close();
    return open(nowHour);
  }

  private Path log() {
    return dir.resolve(NAME + ".log");
  }

  private static Spool.Slot slot(long hour, String dimension) {
    return new Spool.Slot(hour, dimension);
  }

  private static Spool.Outcome delivered(long quantity) {
    return new Spool.Outcome(Spool.Kind.DELIVERED, quantity, "record-" + quantity);
  }

  @Test
  void newSpool_startsAtTheCurrentHour() throws IOException {
    Spool s = open(H0 + 2 * HOUR);

    assertThat(s.startHour()).isEqualTo(H0 + 2 * HOUR);
    assertThat(reopen(s, H0 + 5 * HOUR).startHour()).isEqualTo(H0 + 2 * HOUR);
  }

  @Test
  void adds_surviveAReopen() throws IOException {
    Spool s = open(H0);
    s.add(H0, "Requests", 3);
    s.add(H0, "Requests", 4);
    s.add(H0, "Renders", 0);
    s.add(H0 + HOUR, "Renders", 9);

    Spool again = reopen(s, H0 + HOUR);

    assertThat(again.total(slot(H0, "Requests"))).isEqualTo(7);
    assertThat(again.total(slot(H0, "Renders"))).isZero();
    assertThat(again.total(slot(H0 + HOUR, "Renders"))).isEqualTo(9);
    assertThat(again.total(slot(H0 + HOUR, "Requests"))).isZero();
  }

  @Test
  void attemptsAndOutcomesOfEveryKind_surviveAReopen_withAnyCharactersInTheirText()
      throws IOException {
    Set<String> dims = Set.of("Requests", "Big renders ünïcode");
    Spool s = Spool.open(dir, NAME, dims, at(H0 + 2 * HOUR));
    s.add(H0, "Big renders ünïcode", 5);
    s.attempt(slot(H0, "Big renders ünïcode"), 5);
    s.settle(slot(H0, "Big renders ünïcode"), delivered(5));
    s.settle(
        slot(H0, "Requests"), new Spool.Outcome(Spool.Kind.EXPIRED, 0, "older than the window"));
    s.attempt(slot(H0 + HOUR, "Requests"), 2);
    s.settle(
        slot(H0 + HOUR, "Requests"),
        new Spool.Outcome(Spool.Kind.CONFLICT, 2, "DuplicateRequestException: held 3"));
    s.close();

    Spool again = Spool.open(dir, NAME, dims, at(H0 + 2 * HOUR));
    open.add(again);

    assertThat(again.outcome(slot(H0, "Big renders ünïcode"))).isEqualTo(delivered(5));
    assertThat(again.outcome(slot(H0, "Requests")))
        .isEqualTo(new Spool.Outcome(Spool.Kind.EXPIRED, 0, "older than the window"));
    assertThat(again.outcome(slot(H0 + HOUR, "Requests")).detail())
        .isEqualTo("DuplicateRequestException: held 3");
    assertThat(again.attempted(slot(H0 + HOUR, "Requests"))).isEqualTo(2);
    assertThat(again.attempted(slot(H0 + HOUR, "Big renders ünïcode"))).isNull();
    assertThat(again.settledCounts())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(Spool.Kind.DELIVERED, 1L, Spool.Kind.EXPIRED, 1L, Spool.Kind.CONFLICT, 1L));
  }

  @Test
  void tornLastLine_isDroppedAtReopen_andTheRestKept() throws IOException {
    Spool s = open(H0);
    s.add(H0, "Requests", 3);
    s.add(H0, "Renders", 4);
    s.close();
    long intact = Files.size(log());
    // A crash in the middle of writing the next add: part of a line, no newline.
    Files.write(
        log(), "A 1767225600 UmVxdWVz".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

    Spool again = open(H0);

    assertThat(again.total(slot(H0, "Requests"))).isEqualTo(3);
    assertThat(again.total(slot(H0, "Renders"))).isEqualTo(4);
    assertThat(Files.size(log())).as("the torn tail is cut off").isEqualTo(intact);
    again.add(H0, "Requests", 1);
    assertThat(reopen(again, H0).total(slot(H0, "Requests"))).isEqualTo(4);
  }

  @Test
  void lastLineWithGarbageBytes_isDroppedAtReopen() throws IOException {
    Spool s = open(H0);
    s.add(H0, "Requests", 3);
    s.close();
    Files.write(
        log(), new byte[] {'A', ' ', (byte) 0xff, 0, 0x13, '\n', 'x'}, StandardOpenOption.APPEND);

    Spool again = open(H0);

    assertThat(again.total(slot(H0, "Requests"))).isEqualTo(3);
    again.add(H0, "Requests", 2);
    assertThat(reopen(again, H0).total(slot(H0, "Requests"))).isEqualTo(5);
  }

  @Test
  void lineWithAWrongCrc_stopsReplayThere() throws IOException {
    Spool s = open(H0);
    s.add(H0, "Requests", 1);
    s.add(H0, "Requests", 20);
    s.add(H0, "Requests", 300);
    s.close();
    List<String> lines = Files.readAllLines(log());
    assertThat(lines).hasSize(5); // the start hour, the spool's id and three adds
    // Flip the quantity of the second add, leaving its CRC as it was.
    lines.set(3, lines.get(3).replace(" 20 ", " 99 "));
    Files.write(log(), lines);

    Spool again = open(H0);

    assertThat(again.total(slot(H0, "Requests")))
        .as("nothing from the corrupt line on is trusted")
        .isEqualTo(1);
  }

  @Test
  void compaction_dropsOldSettledHours_keepsEverythingUnsettled_andReplaysIdentically()
      throws IOException {
    long now = H0 + 3 * HOUR;
    Spool s = open(H0);
    for (long h = H0; h <= now; h += HOUR) {
      for (int i = 0; i < 50; i++) {
        s.add(h, "Requests", 1);
        s.add(h, "Renders", 2);
      }
    }
    s = reopen(s, now);
    for (long h = H0; h < H0 + 2 * HOUR; h += HOUR) {
      s.attempt(slot(h, "Requests"), 50);
      s.settle(slot(h, "Requests"), delivered(50));
      s.settle(slot(h, "Renders"), delivered(100));
    }
    // H0+2h is half settled: it and everything after it must stay.
    s.attempt(slot(H0 + 2 * HOUR, "Renders"), 100);
    s.settle(slot(H0 + 2 * HOUR, "Renders"), delivered(100));
    s.attempt(slot(H0 + 2 * HOUR, "Requests"), 50);
    long before = Files.size(log());

    s.compact();

    assertThat(Files.size(log())).isLessThan(before);
    assertThat(s.startHour()).isEqualTo(H0 + 2 * HOUR);
    assertThat(s.total(slot(H0, "Requests"))).isZero();
    assertSecondHalf(s);
    s.add(now, "Requests", 7);
    Spool again = reopen(s, now);
    assertThat(again.startHour()).isEqualTo(H0 + 2 * HOUR);
    assertThat(again.total(slot(H0 + HOUR, "Renders"))).isZero();
    assertThat(again.outcome(slot(H0 + HOUR, "Renders"))).isNull();
    assertSecondHalf(again);
    assertThat(again.total(slot(now, "Requests"))).isEqualTo(57);
  }

  private static void assertSecondHalf(Spool s) {
    long h2 = H0 + 2 * HOUR;
    assertThat(s.total(slot(h2, "Requests"))).isEqualTo(50);
    assertThat(s.total(slot(h2, "Renders"))).isEqualTo(100);
    assertThat(s.outcome(slot(h2, "Renders"))).isEqualTo(delivered(100));
    assertThat(s.outcome(slot(h2, "Requests"))).isNull();
    assertThat(s.attempted(slot(h2, "Requests"))).isEqualTo(50);
    assertThat(s.total(slot(H0 + 3 * HOUR, "Renders"))).isEqualTo(100);
  }

  @Test
  void fileLock_refusesASecondOpenWhileTheFirstIsOpen() throws IOException {
    Spool first = open(H0);

    assertThatThrownBy(() -> open(H0)).isInstanceOf(IllegalStateException.class);

    first.add(H0, "Requests", 1);
    assertThat(reopen(first, H0).total(slot(H0, "Requests"))).isEqualTo(1);
  }

  @Test
  void concurrentAdds_allLand_inMemoryAndAfterReopen() throws Exception {
    Spool s = open(H0);
    Map<Spool.Slot, LongAdder> expected = new ConcurrentHashMap<>();
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(
          pool.submit(
              () -> {
                go.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 300; i++) {
                  Spool.Slot slot =
                      slot(
                          H0 + random.nextInt(2) * HOUR,
                          random.nextBoolean() ? "Requests" : "Renders");
                  long q = random.nextLong(0, 1000);
                  s.add(slot.hour(), slot.dimension(), q);
                  expected.computeIfAbsent(slot, k -> new LongAdder()).add(q);
                }
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();

    expected.forEach((slot, sum) -> assertThat(s.total(slot)).as("%s", slot).isEqualTo(sum.sum()));
    Spool again = reopen(s, H0 + HOUR);
    expected.forEach(
        (slot, sum) ->
            assertThat(again.total(slot)).as("%s after reopen", slot).isEqualTo(sum.sum()));
  }

  @Test
  void addsRacingACompaction_allSurviveAReopen() throws Exception {
    // Compaction rewrites the log from memory while adds are being written: an add whose line is
    // on disk but not yet in memory must not be dropped by the rewrite. The interleaving is a
    // matter of timing, so a few rounds are tried.
    long expected = 0;
    Spool s = open(H0);
    for (int round = 1; round <= 6; round++) {
      expected += addWhileCompacting(s, 8, 300);

      assertThat(s.total(slot(H0, "Requests")))
          .as("round %d, in memory", round)
          .isEqualTo(expected);
      s = reopen(s, H0);
      assertThat(s.total(slot(H0, "Requests")))
          .as("round %d, after reopen", round)
          .isEqualTo(expected);
    }
  }

  /** Adds 1 from each of the threads, each so many times, compacting all the while. */
  private static long addWhileCompacting(Spool s, int threads, int adds) throws Exception {
    AtomicBoolean adding = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    try {
      Future<?> compacting =
          pool.submit(
              () -> {
                while (adding.get()) {
                  s.compact();
                }
              });
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < adds; i++) {
                    s.add(H0, "Requests", 1);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      adding.set(false);
      compacting.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdown();
    }
    return (long) threads * adds;
  }

  @Test
  void taggedUnitsAndCarriedUnits_replayAndSurviveCompaction_exactlyOnce() throws IOException {
    long now = H0 + HOUR;
    Spool s = open(H0);
    Tags alpha = Tags.of(Map.of("team", "alpha"));
    s.add("Requests", 2, alpha);
    s.add("Requests", 3, Tags.of(Map.of("team", "beta", "env", "prod")));
    s.add("Requests", 1, alpha);
    s.add("Requests", 4);
    s = reopen(s, now);
    s.settle(
        slot(H0, "Renders"),
        new Spool.Outcome(Spool.Kind.EXPIRED, 6, "older than the window"),
        now,
        6);

    for (Spool spool : List.of(s, reopen(s, now))) {
      assertThat(spool.total(slot(H0, "Requests"))).isEqualTo(10);
      assertThat(spool.tagged(slot(H0, "Requests")).values()).containsExactlyInAnyOrder(3L, 3L);
      assertThat(spool.tagged(slot(H0, "Requests"))).containsEntry(alpha.key(), 3L);
      assertThat(spool.total(slot(now, "Renders"))).as("carried").isEqualTo(6);
    }
    Spool last = open.get(open.size() - 1);
    last.compact();
    Spool compacted = reopen(last, now);
    assertThat(compacted.total(slot(H0, "Requests"))).isEqualTo(10);
    assertThat(compacted.tagged(slot(H0, "Requests"))).containsEntry(alpha.key(), 3L).hasSize(2);
    assertThat(compacted.total(slot(now, "Renders"))).as("carried once, not again").isEqualTo(6);
  }

  @Test
  void logThatGrowsWithAddsAlone_isCompactedAsItGrows_andReplaysToTheSameTotals() throws Exception {
    long threshold = 16 * 1024;
    Spool s = Spool.open(dir, NAME, DIMENSIONS, at(H0), Spool.Channels.FILES, threshold);
    open.add(s);
    long largest = 0;
    for (int i = 0; i < 3000; i++) {
      s.add(i % 2 == 0 ? "Requests" : "Renders", 1);
      largest = Math.max(largest, Files.size(log()));
    }

    // One line per add would be about 100 KB; nothing settled, so only summing the adds bounds it.
    assertThat(largest).isLessThan(2 * threshold + 1024);
    Spool again = reopen(s, H0);
    assertThat(again.total(slot(H0, "Requests"))).isEqualTo(1500);
    assertThat(again.total(slot(H0, "Renders"))).isEqualTo(1500);
  }

  @Test
  void addFromAnInterruptedThread_isWritten_andTheSpoolKeepsWorkingForEveryoneElse()
      throws Exception {
    Spool s = open(H0);
    s.add("Requests", 1);
    java.util.concurrent.atomic.AtomicBoolean stillInterrupted =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread interrupted =
        new Thread(
            () -> {
              Thread.currentThread().interrupt(); // e.g. a request cancelled with cancel(true)
              try {
                s.add("Requests", 10);
              } catch (Throwable t) {
                failure.set(t);
              }
              stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
    interrupted.start();
    interrupted.join();

    assertThat(failure.get()).isNull();
    assertThat(stillInterrupted.get()).as("the interrupt is left for the caller").isTrue();
    s.add("Requests", 100);
    Spool again = reopen(s, H0);
    assertThat(again.total(slot(H0, "Requests"))).isEqualTo(111);
  }
}
