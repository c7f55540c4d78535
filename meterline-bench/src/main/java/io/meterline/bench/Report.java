package io.meterline.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Formats the results: one row per scenario, then the ratios SPEC §6 sets targets for. */
final class Report {
  /**
   * A target of SPEC §6: the measured scenario's rate at least {@code minRatio} of the baseline's,
   * and its p99 at most {@code maxP99Millis} (NaN: no latency target).
   */
  record Target(
      String label, RunResult measured, RunResult baseline, double minRatio, double maxP99Millis) {
    double ratio() {
      return baseline.rate() > 0 ? measured.rate() / baseline.rate() : Double.NaN;
    }

    boolean ratioMet() {
      return ratio() >= minRatio;
    }

    boolean latencyMet() {
      return Double.isNaN(maxP99Millis) || measured.millis(99) <= maxP99Millis;
    }

    /** Met only if both hold and neither run had errors or ran out of requests. */
    boolean met() {
      return ratioMet() && latencyMet() && trustworthy();
    }

    boolean trustworthy() {
      return measured.errors() == 0
          && baseline.errors() == 0
          && !measured.exhausted()
          && !baseline.exhausted();
    }
  }

  private Report() {}

  /** The table of scenarios. */
  static String table(List<RunResult> results) {
    StringBuilder out = new StringBuilder();
    String header =
        String.format(
            Locale.ROOT,
            "%-34s %16s %9s %9s %9s %8s %12s  %s",
            "scenario",
            "rate",
            "p50 ms",
            "p99 ms",
            "p99.9 ms",
            "errors",
            "CPU µs/unit",
            "latency of");
    out.append(header).append('\n').append("-".repeat(header.length() + 8)).append('\n');
    for (RunResult r : results) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-34s %16s %9s %9s %9s %8s %12s  %s%n",
              r.name(),
              String.format(Locale.ROOT, "%,.0f %s/s", r.rate(), r.unit()),
              ms(r.millis(50)),
              ms(r.millis(99)),
              ms(r.millis(99.9)),
              r.errors() == 0 ? "0" : r.errors() + " !!",
              cpu(r),
              r.latencyNote()
                  + (r.exhausted()
                      ? String.format(
                          Locale.ROOT, "; RAN OUT of requests, measured over %.1f s", r.seconds())
                      : "")));
    }
    return out.toString();
  }

  /**
   * An absolute target of SPEC §6 (a rate floor or a time ceiling).
   *
   * @param figure the measured figure as printed, e.g. "123,456 records/s"
   * @param target the target as printed, e.g. "&gt;= 100,000 records/s"
   * @param trustworthy whether the run behind the figure had no errors
   */
  record Absolute(String label, String figure, String target, boolean met, boolean trustworthy) {}

  /** The ratios against their targets. */
  static String targets(List<Target> targets) {
    StringBuilder out = new StringBuilder();
    for (Target t : targets) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-40s %6.1f %% (target >= %.0f %%: %s)   p99 %s ms (%s)   => %s%n",
              t.label(),
              100 * t.ratio(),
              100 * t.minRatio(),
              t.ratioMet() ? "met" : "NOT MET",
              ms(t.measured().millis(99)),
              Double.isNaN(t.maxP99Millis())
                  ? "no target"
                  : String.format(
                      Locale.ROOT,
                      "target <= %.0f ms: %s",
                      t.maxP99Millis(),
                      t.latencyMet() ? "met" : "NOT MET"),
              !t.trustworthy()
                  ? "NOT MET (errors or exhausted requests: see above)"
                  : t.met() ? "MET" : "NOT MET"));
    }
    return out.toString();
  }

  /** The absolute figures against their targets. */
  static String absolutes(List<Absolute> targets) {
    StringBuilder out = new StringBuilder();
    for (Absolute a : targets) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-40s %s (target %s)   => %s%n",
              a.label(),
              a.figure(),
              a.target(),
              !a.trustworthy() ? "NOT MET (errors: see above)" : a.met() ? "MET" : "NOT MET"));
    }
    return out.toString();
  }

  /** Loud lines for every run that had errors or ran out of requests; empty when none did. */
  static List<String> problems(List<RunResult> results) {
    List<String> lines = new ArrayList<>();
    for (RunResult r : results) {
      if (r.errors() > 0) {
        lines.add(
            String.format(
                Locale.ROOT,
                "!! %s: %d errors (by status %s, %d connections "
                    + "lost); its figures do not count",
                r.name(),
                r.errors(),
                r.errorsByStatus(),
                r.connectionErrors()));
        r.errorSamples().forEach(s -> lines.add("!!   " + s));
      }
      if (r.exhausted()) {
        lines.add(
            String.format(
                Locale.ROOT,
                "!! %s ran out of pre-signed requests after %.1f s " + "(raise --max-requests)",
                r.name(),
                r.seconds()));
      }
    }
    return lines;
  }

  /**
   * For each run with thread figures, where its machine CPU per unit went: this JVM's thread
   * groups, largest first (those under 0.5 µs lumped together), then what the JVM's live threads do
   * not account for (the kernel's work outside system calls, GC and JIT threads, threads that ended
   * during the period, stolen time, other processes such as PostgreSQL).
   */
  static List<String> cpuByThread(List<RunResult> results) {
    List<String> lines = new ArrayList<>();
    for (RunResult r : results) {
      if (r.cpu().threadCores().isEmpty() || !(r.rate() > 0)) {
        continue;
      }
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT, "%s, CPU µs per %s by thread: ", r.name(), singular(r.unit())));
      double inThreads = 0;
      double small = 0;
      int smallGroups = 0;
      List<Map.Entry<String, Double>> groups = new ArrayList<>(r.cpu().threadCores().entrySet());
      groups.sort(Map.Entry.<String, Double>comparingByValue().reversed());
      for (Map.Entry<String, Double> g : groups) {
        double micros = r.microsPerUnit(g.getValue());
        inThreads += micros;
        if (micros >= 0.5) {
          line.append(String.format(Locale.ROOT, "%s %.1f, ", g.getKey(), micros));
        } else {
          small += micros;
          smallGroups++;
        }
      }
      if (smallGroups > 0) {
        line.append(
            String.format(
                Locale.ROOT,
                "%d %s %.1f, ",
                smallGroups,
                smallGroups == 1 ? "other" : "others",
                small));
      }
      double machine = r.cpuMicrosPerUnit();
      if (Double.isNaN(machine)) {
        line.setLength(line.length() - 2);
      } else {
        line.append(
            String.format(
                Locale.ROOT,
                "outside these threads %.1f (of %.1f for the machine)",
                Math.max(0, machine - inThreads),
                machine));
      }
      lines.add(line.toString());
    }
    return lines;
  }

  // "rows" → "row", "records" → "record"; "req" and "sig" are singular already.
  private static String singular(String unit) {
    return unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
  }

  /** Machine CPU per unit, with the cores busy: "43.1 (1.86)". */
  private static String cpu(RunResult r) {
    double micros = r.cpuMicrosPerUnit();
    return Double.isNaN(micros)
        ? "-"
        : String.format(Locale.ROOT, "%.1f (%.2f)", micros, r.busyCores());
  }

  private static String ms(double millis) {
    return Double.isNaN(millis) ? "-" : String.format(Locale.ROOT, "%.2f", millis);
  }
}
