package io.meterline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static RunResult run(String name, long count, long p99Micros, Map<Integer, Long> errors) {
    Histogram h = new Histogram(60_000_000L, 3);
    h.recordValueWithCount(1_000, 98);
    h.recordValueWithCount(p99Micros, 2);
    return new RunResult(
        name,
        "req",
        count,
        10.0,
        h,
        "request",
        count,
        errors,
        errors.isEmpty() ? List.of() : List.of("HTTP 500: boom"),
        0,
        false,
        new CpuUse(
            1.5, Map.of("meterline-http", 0.6, "meterline-writer", 0.5, "bench-client", 0.2)));
  }

  @Test
  void targets_metOnlyWhenRatioLatencyAndErrorsAllHold() {
    RunResult baseline = run("noop", 1_000_000, 2_000, Map.of());
    RunResult good = run("good", 500_000, 5_000, Map.of());
    RunResult slow = run("slow", 500_000, 50_000, Map.of());
    RunResult failing = run("failing", 500_000, 5_000, Map.of(500, 3L));

    String out =
        Report.targets(
            List.of(
                new Report.Target("good", good, baseline, 0.4, 10),
                new Report.Target("slow", slow, baseline, 0.4, 10),
                new Report.Target("failing", failing, baseline, 0.4, 10)));

    assertThat(out.lines()).hasSize(3);
    assertThat(out.lines().toList().get(0)).contains("50.0 %").endsWith("=> MET");
    assertThat(out.lines().toList().get(1)).contains("p99 50.0").endsWith("=> NOT MET");
    assertThat(out.lines().toList().get(2)).contains("NOT MET (errors");
  }

  @Test
  void table_andProblems_sayLoudlyWhenARunHadErrors() {
    RunResult failing = run("failing", 100, 5_000, Map.of(500, 3L));

    assertThat(Report.table(List.of(failing))).contains("10 req/s").contains("3 !!");
    // 1.5 cores busy for 10 requests a second: 150 ms of machine CPU per request.
    assertThat(Report.table(List.of(failing))).contains("150000.0 (1.50)");
    assertThat(Report.problems(List.of(failing))).first().asString().contains("3 errors");
    // 0.6 + 0.5 + 0.2 of the 1.5 cores in named threads at 10 req/s; 0.2 cores outside them.
    assertThat(Report.cpuByThread(List.of(failing)))
        .containsExactly(
            "failing, CPU µs per req by thread: meterline-http 60000.0, meterline-writer 50000.0, "
                + "bench-client 20000.0, outside these threads 20000.0 (of 150000.0 for the "
                + "machine)");
    assertThat(Report.problems(List.of(run("fine", 100, 5_000, Map.of())))).isEmpty();
  }

  @Test
  void cpuByThread_namesTheUnitInTheSingular_andLeavesOutRunsWithoutThreadFigures() {
    RunResult r = run("batch", 1_000, 5_000, Map.of());
    RunResult inRecords =
        new RunResult(
            "batch",
            "records",
            r.count(),
            r.seconds(),
            r.latencyMicros(),
            "request of 25 records",
            r.okTotal(),
            Map.of(),
            List.of(),
            0,
            false,
            new CpuUse(Double.NaN, Map.of("meterline-writer", 0.5, "bench-probe", 0.000_001)));
    RunResult unmeasured =
        new RunResult(
            "sign",
            "sig",
            10,
            10.0,
            r.latencyMicros(),
            "signature",
            10,
            Map.of(),
            List.of(),
            0,
            false,
            CpuUse.UNMEASURED);

    // 0.5 cores at 100 records/s: 5 ms per record; the probe's 0.01 µs goes with the others; no
    // machine figure, so nothing is said of what is outside the threads.
    assertThat(Report.cpuByThread(List.of(inRecords, unmeasured)))
        .containsExactly(
            "batch, CPU µs per record by thread: meterline-writer 5000.0, 1 other 0.0");
  }

  @Test
  void options_parseDurationsAndRefuseBadValues() {
    BenchOptions o =
        BenchOptions.parse("--duration", "500ms", "--store", "postgres", "--connections", "8");

    assertThat(o.duration()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.store()).isEqualTo(BenchOptions.Stores.POSTGRES);
    assertThat(o.connections()).isEqualTo(8);
    assertThat(BenchOptions.parseDuration("--warmup", "2m")).isEqualTo(Duration.ofMinutes(2));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchOptions.parse("--store", "h2"))
        .hasMessageContaining("sqlite, postgres, both or none");
  }

  @Test
  void options_scenariosDefaultToAllAndNameTheUnknownOne() {
    assertThat(BenchOptions.parse().scenarios())
        .containsExactlyInAnyOrder(BenchOptions.Scenario.values());
    assertThat(BenchOptions.parse("--scenarios", "batch, startup").scenarios())
        .containsExactlyInAnyOrder(BenchOptions.Scenario.BATCH, BenchOptions.Scenario.STARTUP);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> BenchOptions.parse("--scenarios", "meter,soak"))
        .hasMessageContaining("'soak' is none of them");
  }

  @Test
  void targets_withoutLatencyTarget_andAbsolutes() {
    RunResult baseline = run("signing", 2_000, 2_000, Map.of());
    RunResult register = run("register", 1_500, 90_000, Map.of());

    String ratio =
        Report.targets(List.of(new Report.Target("reg", register, baseline, 0.7, Double.NaN)));
    assertThat(ratio).contains("75.0 %").contains("no target").endsWith("=> MET\n");

    String abs =
        Report.absolutes(
            List.of(
                new Report.Absolute("batch", "90,000 records/s", ">= 100,000", false, true),
                new Report.Absolute("start", "900 ms", "<= 2,000 ms", true, true),
                new Report.Absolute("broken", "1 ms", "<= 2,000 ms", true, false)));
    assertThat(abs.lines().toList().get(0)).endsWith("=> NOT MET");
    assertThat(abs.lines().toList().get(1)).endsWith("=> MET");
    assertThat(abs.lines().toList().get(2)).contains("NOT MET (errors");
  }
}
