package io.meterline.cli;

import static io.meterline.cli.Output.col;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code meterline product}: products through the admin API. */
@Command(
    name = "product",
    mixinStandardHelpOptions = true,
    description = "Lists, shows and creates products, changes their prices, rotates their keys.",
    subcommands = {
      ProductCommand.ListProducts.class,
      ProductCommand.Get.class,
      ProductCommand.Create.class,
      ProductCommand.Prices.class,
      ProductCommand.RotateKey.class
    })
final class ProductCommand implements Runnable {
  static final List<Output.Column> COLUMNS =
      List.of(
          col("CODE", "/productCode"),
          col("NAME", "/name"),
          col("PRICING", "/pricing"),
          col("HOURLY", "/hourlyPrice"),
          col("MONTHLY", "/monthlyPrice"),
          col("SELLER", "/sellerAccountId"),
          col("KEY", "/publicKeyVersion"),
          col("CREATED", "/createdAt"));

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists products, newest first.")
  static final class ListProducts implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();
    @Mixin Pages pages = new Pages();

    @Override
    public Integer call() {
      output.items(
          spec.commandLine().getOut(),
          pages.fetch(server.admin(), "/products", Map.of(), "items"),
          COLUMNS);
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows a product.")
  static final class Get implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();

    @Parameters(paramLabel = "PRODUCT_CODE")
    String code;

    @Override
    public Integer call() {
      output.item(spec.commandLine().getOut(), server.admin().get("/products/" + code), COLUMNS);
      return 0;
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Creates a product; the server mints its code and signing key.")
  static final class Create implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();

    @Option(names = "--name", required = true, description = "The product's name.")
    String name;

    @Option(
        names = "--pricing",
        required = true,
        description =
            "HOURLY, MONTHLY, CUSTOM, FREE or CONTRACT (seats and tiers checked with License "
                + "Manager, charged per unit per month).")
    String pricing;

    @Option(names = "--hourly-price", paramLabel = "PRICE", description = "Per task-hour (HOURLY).")
    BigDecimal hourlyPrice;

    @Option(
        names = "--monthly-price",
        paramLabel = "PRICE",
        description = "Per subscription-month (MONTHLY).")
    BigDecimal monthlyPrice;

    @Option(
        names = "--dimension",
        paramLabel = "NAME=PRICE[:UNIT]",
        description =
            "A metering dimension, e.g. Hosts=0.10:host; a CONTRACT product's price is per "
                + "unit per month and its unit one of License Manager's, e.g. Seats=10:Count or "
                + "Premium=50:None (a tier); repeat for more.")
    List<String> dimensions = new ArrayList<>();

    @Option(names = "--seller", paramLabel = "ACCOUNT", description = "The seller's account id.")
    String seller;

    @Option(names = "--saas", description = "A SaaS product (BatchMeterUsage, ResolveCustomer).")
    boolean saas;

    @Option(names = "--preview", description = "Its seller may use it without a subscription.")
    boolean preview;

    @Option(
        names = "--code",
        paramLabel = "CODE",
        description = "Its code, instead of a minted one.")
    String code;

    @Option(
        names = "--product-id",
        paramLabel = "SKU",
        description =
            "A CONTRACT product's id (the SKU of its licenses), instead of a minted UUID.")
    String productId;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("pricing", pricing);
      put(body, "hourlyPrice", hourlyPrice);
      put(body, "monthlyPrice", monthlyPrice);
      if (!dimensions.isEmpty()) {
        body.put("dimensions", dimensions(dimensions, true));
      }
      put(body, "sellerAccountId", seller);
      put(body, "productCode", code);
      put(body, "productId", productId);
      if (saas) {
        body.put("saas", true);
      }
      if (preview) {
        body.put("preview", true);
      }
      JsonNode product =
          server
              .admin()
              .post(
                  "/products",
                  body,
                  Map.of(
                      "name", "--name",
                      "pricing", "--pricing",
                      "hourlyPrice", "--hourly-price",
                      "monthlyPrice", "--monthly-price",
                      "dimensions", "--dimension",
                      "sellerAccountId", "--seller",
                      "productCode", "--code",
                      "productId", "--product-id"));
      output.item(spec.commandLine().getOut(), product, COLUMNS);
      return 0;
    }
  }

  @Command(
      name = "prices",
      mixinStandardHelpOptions = true,
      description = {
        "Changes a product's prices from now on; prices not given keep their value.",
        "New subscribers pay the new prices at once; an increase reaches existing subscribers on "
            + "the first day of the month that begins at least 90 days later, a decrease at once."
      })
  static final class Prices implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();

    @Parameters(paramLabel = "PRODUCT_CODE")
    String code;

    @Option(names = "--hourly-price", paramLabel = "PRICE", description = "Per task-hour.")
    BigDecimal hourlyPrice;

    @Option(
        names = "--monthly-price",
        paramLabel = "PRICE",
        description = "Per subscription-month.")
    BigDecimal monthlyPrice;

    @Option(
        names = "--dimension",
        paramLabel = "NAME=PRICE",
        description = "A dimension's new price, e.g. Hosts=0.12; repeat for more.")
    List<String> dimensions = new ArrayList<>();

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      put(body, "hourlyPrice", hourlyPrice);
      put(body, "monthlyPrice", monthlyPrice);
      if (!dimensions.isEmpty()) {
        body.put("dimensions", dimensions(dimensions, false));
      }
      output.item(
          spec.commandLine().getOut(),
          server.admin().put("/products/" + code + "/prices", body),
          COLUMNS);
      return 0;
    }
  }

  @Command(
      name = "rotate-key",
      mixinStandardHelpOptions = true,
      description = "Adds a signing key version; the previous one is retired but still verifies.")
  static final class RotateKey implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();

    @Parameters(paramLabel = "PRODUCT_CODE")
    String code;

    @Override
    public Integer call() {
      output.item(
          spec.commandLine().getOut(),
          server.admin().post("/products/" + code + "/keys/rotate", null),
          List.of(
              col("CODE", "/productCode"),
              col("KEY", "/publicKeyVersion"),
              col("CREATED", "/createdAt")));
      return 0;
    }
  }

  /** {@code NAME=PRICE[:UNIT]} items as the admin API's dimension objects. */
  static List<Map<String, Object>> dimensions(List<String> specs, boolean withUnit) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (String spec : specs) {
      int eq = spec.indexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) {
        throw new IllegalArgumentException(
            "--dimension takes NAME=PRICE" + (withUnit ? "[:UNIT]" : "") + ", was '" + spec + "'");
      }
      String price = spec.substring(eq + 1);
      String unit = null;
      int colon = price.indexOf(':');
      if (withUnit && colon >= 0) {
        unit = price.substring(colon + 1);
        price = price.substring(0, colon);
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("name", spec.substring(0, eq));
      d.put("price", price);
      if (unit != null && !unit.isEmpty()) {
        d.put("unit", unit);
      }
      list.add(d);
    }
    return list;
  }

  static void put(Map<String, Object> body, String field, Object value) {
    if (value != null) {
      body.put(field, value instanceof BigDecimal d ? d.toPlainString() : value);
    }
  }
}
