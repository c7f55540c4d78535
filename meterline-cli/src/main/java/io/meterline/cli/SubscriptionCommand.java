package io.meterline.cli;

import static io.meterline.cli.Output.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code meterline subscription}: subscriptions through the admin API. */
@Command(
    name = "subscription",
    mixinStandardHelpOptions = true,
    description = "Lists, shows, creates and ends subscriptions.",
    subcommands = {
      SubscriptionCommand.ListSubscriptions.class,
      SubscriptionCommand.Get.class,
      SubscriptionCommand.Create.class,
      SubscriptionCommand.End.class
    })
final class SubscriptionCommand implements Runnable {
  static final List<Output.Column> COLUMNS =
      List.of(
          col("ID", "/subscriptionId"),
          col("PRODUCT", "/productCode"),
          col("BUYER", "/awsAccountId"),
          col("STATUS", "/status"),
          col("STARTED", "/startedAt"),
          col("ENDED", "/endedAt"));
  private static final Pattern CONTRACT =
      Pattern.compile("([^=]+)=([0-9]+)/(HOUR|MONTH|hour|month)(?:@([0-9.]+))?");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists subscriptions, newest first.")
  static final class ListSubscriptions implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();
    @Mixin Pages pages = new Pages();

    @Option(names = "--product", paramLabel = "CODE", description = "Only this product's.")
    String product;

    @Option(names = "--buyer", paramLabel = "ACCOUNT", description = "Only this buyer's.")
    String buyer;

    @Option(names = "--status", paramLabel = "STATUS", description = "ACTIVE or ENDED.")
    String status;

    @Override
    public Integer call() {
      output.items(
          spec.commandLine().getOut(),
          pages.fetch(
              server.admin(),
              "/subscriptions",
              Pages.params("productCode", product, "awsAccountId", buyer, "status", status),
              "items"),
          COLUMNS);
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows a subscription.")
  static final class Get implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();

    @Parameters(paramLabel = "SUBSCRIPTION_ID")
    String id;

    @Override
    public Integer call() {
      output.item(spec.commandLine().getOut(), server.admin().get("/subscriptions/" + id), COLUMNS);
      return 0;
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Subscribes a buyer to a product; a SaaS product's subscription prints its registration "
              + "token with --output json.")
  static final class Create implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();

    @Option(names = "--product", required = true, paramLabel = "CODE", description = "The product.")
    String product;

    @Option(names = "--buyer", required = true, paramLabel = "ACCOUNT", description = "The buyer.")
    String buyer;

    @Option(
        names = "--contract",
        paramLabel = "DIMENSION=QUANTITY/PER[@PRICE]",
        description =
            "A prepaid quantity per HOUR or MONTH, with the contract's own monthly charge, e.g. "
                + "Hosts=10/HOUR or TaskTime=2/MONTH@100 (TaskTime counts task-hours of an "
                + "HOURLY product); repeat for more.")
    List<String> contract = new ArrayList<>();

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("productCode", product);
      body.put("awsAccountId", buyer);
      if (!contract.isEmpty()) {
        body.put("contract", contract(contract));
      }
      output.item(
          spec.commandLine().getOut(),
          server
              .admin()
              .post(
                  "/subscriptions",
                  body,
                  Map.of("productCode", "--product", "awsAccountId", "--buyer")),
          COLUMNS);
      return 0;
    }
  }

  @Command(name = "end", mixinStandardHelpOptions = true, description = "Ends a subscription.")
  static final class End implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();

    @Parameters(paramLabel = "SUBSCRIPTION_ID")
    String id;

    @Override
    public Integer call() {
      output.item(
          spec.commandLine().getOut(), server.admin().delete("/subscriptions/" + id), COLUMNS);
      return 0;
    }
  }

  static List<Map<String, Object>> contract(List<String> specs) {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (String spec : specs) {
      Matcher m = CONTRACT.matcher(spec);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "--contract takes DIMENSION=QUANTITY/HOUR or /MONTH, with @PRICE for the contract's "
                + "monthly charge, e.g. Hosts=10/HOUR or TaskTime=2/MONTH@100; was '"
                + spec
                + "'");
      }
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("dimension", m.group(1));
      line.put("quantity", Long.parseLong(m.group(2)));
      line.put("per", m.group(3).toUpperCase(java.util.Locale.ROOT));
      if (m.group(4) != null) {
        line.put("price", m.group(4));
      }
      lines.add(line);
    }
    return lines;
  }
}
