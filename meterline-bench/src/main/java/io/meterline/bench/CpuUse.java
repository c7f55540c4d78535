package io.meterline.bench;

import java.util.Map;

/**
 * How busy the CPU was over a measured period.
 *
 * @param busyCores cores of the machine busy on average, all processes and the kernel counted; NaN
 *     when not measured
 * @param threadCores cores busy on average in the threads of this JVM (user and kernel time), by
 *     thread group: a thread's name without its trailing numbers ({@code meterline-writer-0} is in
 *     {@code meterline-writer})
 */
record CpuUse(double busyCores, Map<String, Double> threadCores) {
  static final CpuUse UNMEASURED = new CpuUse(Double.NaN, Map.of());

  CpuUse {
    threadCores = Map.copyOf(threadCores);
  }
}
