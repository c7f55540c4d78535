package io.meterline.cli;

import static io.meterline.cli.Output.col;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code meterline buyer}: buyer accounts through the admin API. */
@Command(
    name = "buyer",
    mixinStandardHelpOptions = true,
    description = "Lists, shows and creates buyer accounts.",
    subcommands = {
      BuyerCommand.ListBuyers.class,
      BuyerCommand.Get.class,
      BuyerCommand.Create.class
    })
final class BuyerCommand implements Runnable {
  static final List<Output.Column> COLUMNS =
      List.of(
          col("ACCOUNT", "/awsAccountId"),
          col("CUSTOMER IDENTIFIER", "/customerIdentifier"),
          col("CREATED", "/createdAt"));

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists buyer accounts (not sellers), newest first.")
  static final class ListBuyers implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();
    @Mixin Pages pages = new Pages();

    @Override
    public Integer call() {
      output.items(
          spec.commandLine().getOut(),
          pages.fetch(server.admin(), "/buyers", Map.of(), "items"),
          COLUMNS);
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows a buyer account.")
  static final class Get implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();

    @Parameters(paramLabel = "ACCOUNT_ID")
    String account;

    @Override
    public Integer call() {
      output.item(spec.commandLine().getOut(), server.admin().get("/buyers/" + account), COLUMNS);
      return 0;
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Creates a buyer account; the server mints its customer identifier.")
  static final class Create implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();

    @Parameters(paramLabel = "ACCOUNT_ID", description = "12 digits.")
    String account;

    @Override
    public Integer call() {
      output.item(
          spec.commandLine().getOut(),
          server.admin().post("/buyers", Map.of("awsAccountId", account)),
          COLUMNS);
      return 0;
    }
  }
}
