package io.meterline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MachineCpuTest {
  @Test
  void group_isTheThreadNameWithoutItsTrailingNumbers() {
    assertThat(MachineCpu.group("meterline-http-3-1")).isEqualTo("meterline-http");
    assertThat(MachineCpu.group("meterline-writer-0")).isEqualTo("meterline-writer");
    assertThat(MachineCpu.group("C2 CompilerThread0")).isEqualTo("C2 CompilerThread");
    assertThat(MachineCpu.group("bench-probe")).isEqualTo("bench-probe");
    assertThat(MachineCpu.group("42")).isEqualTo("42");
  }

  @Test
  void between_countsTheCpuOfEachThreadGroup() throws Exception {
    MachineCpu.Reading from = MachineCpu.reading();
    Thread spinner =
        new Thread(
            () -> {
              long end = System.nanoTime() + 200_000_000L;
              long x = 0;
              while (System.nanoTime() < end) {
                x += Long.numberOfTrailingZeros(x + System.nanoTime());
              }
              if (x == 42) {
                System.out.print("");
              }
            },
            "cpu-test-spinner-7");
    spinner.start();
    // Read while the spinner still runs: a thread that has ended is no longer counted.
    Thread.sleep(150);
    CpuUse use = MachineCpu.between(from, MachineCpu.reading());
    spinner.join();

    assertThat(use.threadCores()).containsKey("cpu-test-spinner");
    // The spinner ran for most of the window; this thread mostly slept.
    assertThat(use.threadCores().get("cpu-test-spinner"))
        .isGreaterThan(use.threadCores().getOrDefault("main", 0.0))
        .isLessThan(1.5);
  }
}
