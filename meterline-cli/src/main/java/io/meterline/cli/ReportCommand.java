package io.meterline.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code meterline report}: the seller reports, in AWS's columns. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Seller reports: daily subscribers, daily usage, monthly billed revenue.",
    subcommands = {
      ReportCommand.DailySubscribers.class,
      ReportCommand.DailyUsage.class,
      ReportCommand.MonthlyBilledRevenue.class
    })
final class ReportCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every report shares: where the server is, the format, the seller filter. */
  abstract static class Report implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();

    @Option(
        names = "--seller",
        paramLabel = "ACCOUNT",
        description = "Only this seller's products.")
    String seller;

    abstract String path();

    @Override
    public Integer call() {
      String csv = server.admin().getCsv(path());
      PrintWriter out = spec.commandLine().getOut();
      if (output.format == Output.Format.CSV) {
        out.print(csv);
        out.flush();
        return 0;
      }
      List<List<String>> rows = Csv.parse(csv);
      output.rows(out, rows.get(0), rows.subList(1, rows.size()));
      return 0;
    }
  }

  @Command(
      name = "daily-subscribers",
      mixinStandardHelpOptions = true,
      description = "Every subscription active at the end of a day (UTC).")
  static final class DailySubscribers extends Report {
    @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The day.")
    String date;

    @Override
    String path() {
      return "/reports/daily-subscribers"
          + Pages.query(Pages.params("date", date, "sellerAccountId", seller));
    }
  }

  @Command(
      name = "daily-usage",
      mixinStandardHelpOptions = true,
      description = "Each customer's usage of each dimension in a day (UTC), and its charge.")
  static final class DailyUsage extends Report {
    @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The day.")
    String date;

    @Override
    String path() {
      return "/reports/daily-usage"
          + Pages.query(Pages.params("date", date, "sellerAccountId", seller));
    }
  }

  @Command(
      name = "monthly-billed-revenue",
      mixinStandardHelpOptions = true,
      description = "What each customer was billed per product in a month, less the listing fee.")
  static final class MonthlyBilledRevenue extends Report {
    @Option(names = "--month", required = true, paramLabel = "YYYY-MM", description = "The month.")
    String month;

    @Override
    String path() {
      return "/reports/monthly-billed-revenue"
          + Pages.query(Pages.params("month", month, "sellerAccountId", seller));
    }
  }
}
