package io.meterline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the whole machine's cores were over a window, from Linux's {@code /proc/stat}: every
 * process counts (load generator, server, PostgreSQL, the kernel's work for them). Divided by the
 * work done, it gives CPU time per request, a figure far steadier than a rate on a shared machine.
 */
final class MachineCpu {
  private static final Path STAT = Path.of("/proc/stat");

  /** Busy and total ticks of all cores since boot, or {@code null} where there is no /proc/stat. */
  record Ticks(long busy, long total) {}

  private MachineCpu() {}

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
