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
    MachineCpu.Reading from =
        reading(0, Map.of(1L, thread("pool-1", 100), 2L, thread("pool-2", 10)));
    // Over 100 ms: thread 1 ended, thread 2 used 50 ms, thread 3 began and used 20 ms.
    MachineCpu.Reading to =
        reading(100, Map.of(2L, thread("pool-2", 60), 3L, thread("other-1", 20)));

    CpuUse use = MachineCpu.between(from, to);

    assertThat(use.threadCores()).containsOnlyKeys("pool", "other");
    assertThat(use.threadCores().get("pool")).isCloseTo(0.5, within(1e-9));
    assertThat(use.threadCores().get("other")).isCloseTo(0.2, within(1e-9));
  }

  @Test
  void busyCores_countsEveryCoreOfTheMachine_notOnlyThoseThisProcessMayRunOn() {
    // /proc/stat's ticks are those of all four cores: half of them busy is two cores busy
    MachineCpu.Ticks from = new MachineCpu.Ticks(100, 400, 4);
    MachineCpu.Ticks to = new MachineCpu.Ticks(300, 800, 4);

    assertThat(MachineCpu.busyCores(from, to)).isCloseTo(2.0, within(1e-9));
  }

  private static MachineCpu.Reading reading(
      long atMillis, Map<Long, MachineCpu.ThreadTime> threads) {
    return new MachineCpu.Reading(new MachineCpu.Ticks(0, 0, 2), threads, atMillis * MS);
  }

  private static MachineCpu.ThreadTime thread(String name, long cpuMillis) {
    return new MachineCpu.ThreadTime(name, cpuMillis * MS);
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
