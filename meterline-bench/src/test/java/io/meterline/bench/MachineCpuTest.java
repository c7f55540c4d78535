package io.meterline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MachineCpuTest {
  private static final long MS = 1_000_000L;

  @Test
  void group_isTheThreadNameWithoutItsTrailingNumbers() {
    assertThat(MachineCpu.group("meterline-http-3-1")).isEqualTo("meterline-http");
    assertThat(MachineCpu.group("meterline-writer-0")).isEqualTo("meterline-writer");
    assertThat(MachineCpu.group("C2 CompilerThread0")).isEqualTo("C2 CompilerThread");
    assertThat(MachineCpu.group("bench-probe")).isEqualTo("bench-probe");
    assertThat(MachineCpu.group("v2-client")).isEqualTo("v2-client");
    assertThat(MachineCpu.group("42")).isEqualTo("42");
  }

  @Test
  void between_countsEachThreadOverTheWindow_andLeavesOutOneThatEnded() {
    MachineCpu.Ticks ticks = new MachineCpu.Ticks(0, 0);
    MachineCpu.Reading from =
        new MachineCpu.Reading(
            ticks,
            Map.of(
                1L, new MachineCpu.ThreadTime("pool-1", 100 * MS),
                2L, new MachineCpu.ThreadTime("pool-2", 10 * MS)),
            0);
    // Over 100 ms: thread 1 ended, thread 2 used 50 ms, thread 3 began and used 20 ms.
    MachineCpu.Reading to =
        new MachineCpu.Reading(
            ticks,
            Map.of(
                2L, new MachineCpu.ThreadTime("pool-2", 60 * MS),
                3L, new MachineCpu.ThreadTime("other-1", 20 * MS)),
            100 * MS);

    CpuUse use = MachineCpu.between(from, to);

    assertThat(use.threadCores()).containsOnlyKeys("pool", "other");
    assertThat(use.threadCores().get("pool")).isCloseTo(0.5, within(1e-9));
    assertThat(use.threadCores().get("other")).isCloseTo(0.2, within(1e-9));
  }

  @Test
  void reading_seesTheCpuOfALiveThread() throws Exception {
    MachineCpu.Reading from = MachineCpu.reading();
    AtomicBoolean stop = new AtomicBoolean();
    Thread spinner =
        new Thread(
            () -> {
              long x = 0;
              while (!stop.get()) {
                x += Long.numberOfTrailingZeros(x + System.nanoTime());
              }
              if (x == 42) {
                System.out.print("");
              }
            },
            "cpu-test-spinner-7");
    spinner.start();
    Thread.sleep(150);
    CpuUse use = MachineCpu.between(from, MachineCpu.reading());
    stop.set(true);
    spinner.join();

    // One thread can keep at most one core busy; this one had the window to itself, bar the
    // machine's other work, while this thread mostly slept.
    assertThat(use.threadCores()).containsKey("cpu-test-spinner");
    assertThat(use.threadCores().get("cpu-test-spinner"))
        .isGreaterThan(use.threadCores().getOrDefault("main", 0.0))
        .isLessThanOrEqualTo(1.05);
  }
}
