package io.meterline.cli;

import static io.meterline.cli.Output.col;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code meterline calls}: the call log, to see why a call was refused. */
@Command(
    name = "calls",
    mixinStandardHelpOptions = true,
    description = {
      "Shows the last data-plane calls, newest first, accepted or refused, with the request id "
          + "the client saw.",
      "e.g. meterline calls --product CODE --outcome DuplicateRequestException"
    })
final class CallsCommand implements Callable<Integer> {
  static final List<Output.Column> COLUMNS =
      List.of(
          col("TIME", "/time"),
          col("OPERATION", "/operation"),
          col("OUTCOME", "/outcome"),
          col("ACCOUNT", "/awsAccountId"),
          col("PRODUCT", "/productCode"),
          col("REQUEST ID", "/requestId"),
          col("RECORDS", "/meteringRecordIds"),
          col("MESSAGE", "/message"));

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ServerLocation server = new ServerLocation();
  @Mixin Output output = new Output();

  @Option(names = "--product", paramLabel = "CODE", description = "Only calls naming it.")
  String product;

  @Option(names = "--buyer", paramLabel = "ACCOUNT", description = "Only this account's calls.")
  String account;

  @Option(names = "--operation", paramLabel = "OP", description = "e.g. MeterUsage.")
  String operation;

  @Option(
      names = "--outcome",
      paramLabel = "OUTCOME",
      description = "OK, or an error such as DuplicateRequestException.")
  String outcome;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "At most N calls (default 100, at most 1000).")
  int limit;

  @Override
  public Integer call() {
    JsonNode answer =
        server
            .admin()
            .get(
                "/calls"
                    + Pages.query(
                        Pages.params(
                            "productCode",
                            product,
                            "awsAccountId",
                            account,
                            "operation",
                            operation,
                            "outcome",
                            outcome,
                            "limit",
                            String.valueOf(limit))));
    List<JsonNode> items = new ArrayList<>();
    answer.path("items").forEach(items::add);
    output.items(spec.commandLine().getOut(), items, COLUMNS);
    return 0;
  }
}
