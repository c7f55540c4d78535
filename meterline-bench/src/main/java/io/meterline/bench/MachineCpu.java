package io.meterline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * How busy the whole machine's cores were over a window, from Linux's {@code /proc/stat}: every
 * process counts (load generator, server, PostgreSQL, the kernel's work for them). Divided by the
 * work done, it gives CPU time per request, a figure far steadier than a rate on a shared machine.
 * Beside it, the CPU time of this JVM's threads by group (load generator, network threads, writer…)
 * tells where that time went.
 */
final class MachineCpu {
  private static final Path STAT = Path.of("/proc/stat");

  /** Busy and total ticks of all cores since boot, or {@code null} where there is no /proc/stat. */
  record Ticks(long busy, long total) {}

  /**
   * A reading of the machine's ticks and of this JVM's thread CPU time (ns) by group, taken at
   * {@code atNanos} ({@link System#nanoTime}).
   */
  record Reading(Ticks ticks, Map<String, Long> threadNanos, long atNanos) {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private MachineCpu() {}

  /** Reads both now. */
  static Reading reading() {
    Map<String, Long> nanos = new HashMap<>();
    if (THREADS.isThreadCpuTimeSupported()) {
      for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
        long cpu = info == null ? -1 : THREADS.getThreadCpuTime(info.getThreadId());
        if (cpu > 0) {
          nanos.merge(group(info.getThreadName()), cpu, Long::sum);
        }
      }
    }
    return new Reading(read(), nanos, System.nanoTime());
  }

  /**
   * The CPU use between two readings. A thread that ended in between is left out; one that began
   * counts from its start.
   */
  static CpuUse between(Reading from, Reading to) {
    if (from == null || to == null) {
      return CpuUse.UNMEASURED;
    }
    double busy = busyCores(from.ticks(), to.ticks());
    Map<String, Double> cores = new HashMap<>();
    double wallNanos = to.atNanos() - from.atNanos();
    if (wallNanos > 0) {
      to.threadNanos()
          .forEach(
              (group, nanos) -> {
                long used = nanos - from.threadNanos().getOrDefault(group, 0L);
                if (used > 0) {
                  cores.put(group, used / wallNanos);
                }
              });
    }
    return new CpuUse(busy, cores);
  }

  /**
   * A thread's group: its name without trailing numbers ({@code meterline-http-3-1}: {@code
   * meterline-http}).
   */
  static String group(String threadName) {
    String g = threadName.replaceAll("([-#_ ]?\\d+)+$", "");
    return g.isEmpty() ? threadName : g;
  }

  static Ticks read() {
    try {
      for (String line : Files.readAllLines(STAT)) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          long total = 0;
          // user nice system idle iowait irq softirq steal (guest time is inside user)
          for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
            total += Long.parseLong(f[i]);
          }
          long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
          return new Ticks(total - idle, total);
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  /** Cores busy on average between two readings (NaN when either is missing or no time passed). */
  static double busyCores(Ticks from, Ticks to) {
    if (from == null || to == null || to.total() <= from.total()) {
      return Double.NaN;
    }
    return Runtime.getRuntime().availableProcessors()
        * (double) (to.busy() - from.busy())
        / (to.total() - from.total());
  }
}
