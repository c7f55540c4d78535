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
    description = "Lists, shows, creates and ends subscriptions, and amends contracts.",
    subcommands = {
      SubscriptionCommand.ListSubscriptions.class,
      SubscriptionCommand.Get.class,
      SubscriptionCommand.Create.class,
      SubscriptionCommand.Contract.class,
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
      Pattern.compile("([^=]+)=([0-9]+)(?:/(HOUR|MONTH|hour|month)(?:@([0-9.]+))?)?");

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
        paramLabel = "DIMENSION=QUANTITY[/PER[@PRICE]]",
        description =
            "A prepaid quantity per HOUR or MONTH, with the contract's own monthly charge, e.g. "
                + "Hosts=10/HOUR or TaskTime=2/MONTH@100 (TaskTime counts task-hours of an "
                + "HOURLY product); for a CONTRACT product a quantity for the contract's term, "
                + "e.g. Seats=5 or Premium=1 (a tier); repeat for more.")
    List<String> contract = new ArrayList<>();

    @Option(
        names = "--starts-at",
        paramLabel = "INSTANT",
        description = "When a CONTRACT product's contract began (not after now); default now.")
    String startsAt;

    @Option(
        names = "--ends-at",
        paramLabel = "INSTANT",
        description = "When a CONTRACT product's contract ends, e.g. 2027-12-31T00:00:00Z.")
    String endsAt;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("productCode", product);
      body.put("awsAccountId", buyer);
      if (!contract.isEmpty()) {
        body.put("contract", contract(contract));
      }
      ProductCommand.put(body, "startsAt", startsAt);
      ProductCommand.put(body, "endsAt", endsAt);
      output.item(
          spec.commandLine().getOut(),
          server
              .admin()
              .post(
                  "/subscriptions",
                  body,
                  Map.of(
                      "productCode", "--product",
                      "awsAccountId", "--buyer",
                      "contract", "--contract",
                      "startsAt", "--starts-at",
                      "endsAt", "--ends-at")),
          COLUMNS);
      return 0;
    }
  }

  @Command(
      name = "contract",
      mixinStandardHelpOptions = true,
      description = {
        "Amends, renews or ends a CONTRACT subscription's contract from now on.",
        "The lines given replace the contract's; --ends-at later renews it, --ends-at now ends it "
            + "(its license is EXPIRED from then). The buyer's license becomes the new version "
            + "and the product's notification target is sent entitlement-updated."
      })
  static final class Contract implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();

    @Parameters(paramLabel = "SUBSCRIPTION_ID")
    String id;

    @Option(
        names = "--contract",
        paramLabel = "DIMENSION=QUANTITY",
        description = "A dimension's quantity from now on, e.g. Seats=10; repeat for more.")
    List<String> contract = new ArrayList<>();

    @Option(
        names = "--ends-at",
        paramLabel = "INSTANT",
        description = "The contract's new end, e.g. 2028-12-31T00:00:00Z.")
    String endsAt;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      if (!contract.isEmpty()) {
        body.put("contract", contract(contract));
      }
      ProductCommand.put(body, "endsAt", endsAt);
      output.item(
          spec.commandLine().getOut(),
          server
              .admin()
              .put(
                  "/subscriptions/" + id + "/contract",
                  body,
                  Map.of("contract", "--contract", "endsAt", "--ends-at")),
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
                + "monthly charge, e.g. Hosts=10/HOUR or TaskTime=2/MONTH@100, or "
                + "DIMENSION=QUANTITY for a CONTRACT product; was '"
                + spec
                + "'");
      }
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("dimension", m.group(1));
      line.put("quantity", Long.parseLong(m.group(2)));
      if (m.group(3) != null) {
        line.put("per", m.group(3).toUpperCase(java.util.Locale.ROOT));
      }
      if (m.group(4) != null) {
        line.put("price", m.group(4));
      }
      lines.add(line);
    }
    return lines;
  }
}
