package io.meterline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How busy the whole machine's cores were over a window, from Linux's {@code /proc/stat}: every
 * process counts (load generator, server, PostgreSQL, the kernel's work for them). Divided by the
 * work done, it gives CPU time per request, a figure far steadier than a rate on a shared machine.
 * Beside it, the CPU time of this JVM's threads by group (load generator, network threads, writer…)
 * tells where that time went.
 */
final class MachineCpu {
  private static final Path STAT = Path.of("/proc/stat");

  /**
   * Busy and total ticks of all cores since boot, and how many cores the machine has (not only
   * those this process may run on); {@code null} where there is no /proc/stat.
   */
  record Ticks(long busy, long total, int cores) {}

  /**
   * A reading of the machine's ticks and of the CPU time (ns) of each live thread of this JVM,
   * taken at {@code atNanos} ({@link System#nanoTime}).
   */
  record Reading(Ticks ticks, Map<Long, ThreadTime> threads, long atNanos) {}

  /** A thread's name and CPU time so far. */
  record ThreadTime(String name, long nanos) {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final Pattern TRAILING_NUMBERS = Pattern.compile("[-#_ ]?\\d++(?:[-#_ ]\\d++)*+$");

  private MachineCpu() {}

  /** Reads both now. */
  static Reading reading() {
    Map<Long, ThreadTime> threads = new HashMap<>();
    if (THREADS.isThreadCpuTimeSupported()) {
      for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
        long cpu = info == null ? -1 : THREADS.getThreadCpuTime(info.getThreadId());
        if (cpu >= 0) {
          threads.put(info.getThreadId(), new ThreadTime(info.getThreadName(), cpu));
        }
      }
    }
    return new Reading(read(), threads, System.nanoTime());
  }

  /**
   * The CPU use between two readings, by thread group. A thread counts from the first reading (or
   * its start) to the second; one that ended in between is left out, as the second reading no
   * longer has it.
   */
  static CpuUse between(Reading from, Reading to) {
    if (from == null || to == null) {
      return CpuUse.UNMEASURED;
    }
    double busy = busyCores(from.ticks(), to.ticks());
    Map<String, Double> cores = new HashMap<>();
    double wallNanos = to.atNanos() - from.atNanos();
    if (wallNanos > 0) {
      to.threads()
          .forEach(
              (id, now) -> {
                ThreadTime before = from.threads().get(id);
                long used = now.nanos() - (before == null ? 0 : before.nanos());
                if (used > 0) {
                  cores.merge(group(now.name()), used / wallNanos, Double::sum);
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
    String g = TRAILING_NUMBERS.matcher(threadName).replaceFirst("");
    return g.isEmpty() ? threadName : g;
  }

  static Ticks read() {
    try {
      Ticks all = null;
      int cores = 0;
      for (String line : Files.readAllLines(STAT)) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          long total = 0;
          // user nice system idle iowait irq softirq steal (guest time is inside user)
          for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
            total += Long.parseLong(f[i]);
          }
          long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
          all = new Ticks(total - idle, total, 0);
        } else if (line.startsWith("cpu")) {
          cores++;
        }
      }
      return all == null ? null : new Ticks(all.busy(), all.total(), cores);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The machine's cores: all of them, also under {@code taskset}, which narrows only {@link
   * Runtime#availableProcessors}.
   */
  static int cores() {
    Ticks t = read();
    return t == null || t.cores() == 0 ? Runtime.getRuntime().availableProcessors() : t.cores();
  }

  /** Cores busy on average between two readings (NaN when either is missing or no time passed). */
  static double busyCores(Ticks from, Ticks to) {
    if (from == null || to == null || to.total() <= from.total()) {
      return Double.NaN;
    }
    int cores = to.cores() > 0 ? to.cores() : Runtime.getRuntime().availableProcessors();
    return cores * (double) (to.busy() - from.busy()) / (to.total() - from.total());
  }
}
