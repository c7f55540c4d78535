package io.meterline.cli;

import static io.meterline.cli.Output.col;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code meterline usage}: the usage ledger through the admin API. */
@Command(
    name = "usage",
    mixinStandardHelpOptions = true,
    description = "Shows the usage ledger, by hour.")
final class UsageCommand implements Callable<Integer> {
  static final List<Output.Column> COLUMNS =
      List.of(
          col("HOUR", "/hour"),
          col("PRODUCT", "/productCode"),
          col("BUYER", "/awsAccountId"),
          col("DIMENSION", "/dimension"),
          col("QUANTITY", "/quantity"),
          col("SOURCE", "/source"),
          col("TASK", "/taskId"),
          col("RECORD", "/meteringRecordId"));

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ServerLocation server = new ServerLocation();
  @Mixin Output output = new Output();
  @Mixin Pages pages = new Pages();

  @Option(names = "--product", paramLabel = "CODE", description = "Only this product's.")
  String product;

  @Option(names = "--buyer", paramLabel = "ACCOUNT", description = "Only this buyer's.")
  String buyer;

  @Option(
      names = "--from",
      paramLabel = "INSTANT",
      description = "Only hours at or after this ISO-8601 instant.")
  String from;

  @Option(names = "--to", paramLabel = "INSTANT", description = "Only hours before this one.")
  String to;

  @Override
  public Integer call() {
    output.items(
        spec.commandLine().getOut(),
        pages.fetch(
            server.admin(),
            "/usage",
            Pages.params("productCode", product, "awsAccountId", buyer, "from", from, "to", to),
            "records"),
        COLUMNS);
    return 0;
  }
}
