package io.meterline.bench;

import io.meterline.load.LoadResult;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one measured period gave.
 *
 * @param name the scenario
 * @param unit what is counted ("req" or "rows")
 * @param count units completed inside the measured period
 * @param seconds the length of the measured period actually covered
 * @param latencyMicros latency of each request (or transaction) completed inside it
 * @param latencyNote what one latency sample is
 * @param okTotal requests answered 200 over the whole run, warm-up and drain included
 * @param errorsByStatus non-200 answers over the whole run, by status
 * @param errorSamples a few bodies of non-200 answers and connection failures
 * @param connectionErrors connections lost or refused, and requests left unanswered at the end
 * @param exhausted whether the pre-signed requests ran out before the period ended
 * @param cpu how busy the machine and this JVM's threads were over the measured period
 */
record RunResult(
    String name,
    String unit,
    long count,
    double seconds,
    Histogram latencyMicros,
    String latencyNote,
    long okTotal,
    Map<Integer, Long> errorsByStatus,
    List<String> errorSamples,
    long connectionErrors,
    boolean exhausted,
    CpuUse cpu) {

  /**
   * A load client's result in the benchmark's terms.
   *
   * @param unit what one answer is counted as ("req")
   * @param latencyNote what one latency sample is ("request")
   */
  static RunResult of(LoadResult r, String unit, String latencyNote, CpuUse cpu) {
    return new RunResult(
        r.name(),
        unit,
        r.measured(),
        r.seconds(),
        r.latencyMicros(),
        latencyNote,
        r.ok(),
        r.errorsByStatus(),
        r.samples(),
        r.connectionsLost() + r.unanswered(),
        r.exhausted(),
        cpu);
  }

  /** Cores of the machine busy on average over the measured period; NaN when not measured. */
  double busyCores() {
    return cpu.busyCores();
  }

  /** Machine CPU time per unit in µs (all processes), NaN when not measured. */
  double cpuMicrosPerUnit() {
    return microsPerUnit(busyCores());
  }

  /** CPU per unit in µs for this many cores busy over the measured period; NaN when no rate. */
  double microsPerUnit(double cores) {
    return rate() > 0 ? cores * 1e6 / rate() : Double.NaN;
  }

  /** Units per second over the measured period. */
  double rate() {
    return seconds > 0 ? count / seconds : 0;
  }

  /** Non-200 answers plus lost connections. */
  long errors() {
    return errorsByStatus.values().stream().mapToLong(Long::longValue).sum() + connectionErrors;
  }

  /** A latency percentile in milliseconds. */
  double millis(double percentile) {
    return latencyMicros.getTotalCount() == 0
        ? Double.NaN
        : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }
}
