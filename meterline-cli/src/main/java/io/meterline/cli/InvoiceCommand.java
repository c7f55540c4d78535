package io.meterline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code meterline invoice}: what buyers are charged for a month. */
@Command(
    name = "invoice",
    mixinStandardHelpOptions = true,
    description = {
      "Shows a buyer's invoice for a month, or every buyer's with --all-buyers.",
      "Amounts are exact; the amount due is the total rounded half-up to cents. An invoice is "
          + "final once the month is over and its late usage windows have closed; before that it "
          + "is a running estimate."
    })
final class InvoiceCommand implements Callable<Integer> {
  private static final List<String> HEADINGS =
      List.of(
          "BUYER",
          "PRODUCT",
          "NAME",
          "KIND",
          "DIMENSION",
          "QUANTITY",
          "UNIT",
          "UNIT PRICE",
          "AMOUNT");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ServerLocation server = new ServerLocation();
  @Mixin Output output = new Output();

  @Option(
      names = "--month",
      required = true,
      paramLabel = "YYYY-MM",
      description = "The month (UTC).")
  String month;

  @Option(names = "--buyer", paramLabel = "ACCOUNT", description = "The buyer.")
  String buyer;

  @Option(names = "--all-buyers", description = "Every buyer with a charge in the month.")
  boolean allBuyers;

  @Override
  public Integer call() {
    if ((buyer == null) == !allBuyers) {
      throw new IllegalArgumentException("give --buyer ACCOUNT, or --all-buyers");
    }
    AdminHttp admin = server.admin();
    PrintWriter out = spec.commandLine().getOut();
    String query = Pages.query(Pages.params("month", month, "awsAccountId", buyer));
    if (output.format == Output.Format.CSV) {
      out.print(admin.getCsv("/invoices" + query));
      out.flush();
      return 0;
    }
    List<JsonNode> invoices = new ArrayList<>();
    if (buyer != null) {
      invoices.add(admin.get("/invoices" + query));
    } else {
      Pages all = new Pages();
      all.all = true;
      invoices.addAll(all.fetch(admin, "/invoices", Pages.params("month", month), "items"));
    }
    if (output.format == Output.Format.JSON) {
      if (buyer != null) {
        output.item(out, invoices.get(0), List.of());
      } else {
        output.items(out, invoices, List.of());
      }
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode invoice : invoices) {
      for (JsonNode l : invoice.get("lines")) {
        rows.add(
            List.of(
                invoice.get("awsAccountId").asText(),
                l.get("productCode").asText(),
                l.get("productName").asText(),
                l.get("kind").asText(),
                l.path("dimension").asText(""),
                l.get("quantity").asText(),
                l.path("unit").asText(""),
                l.get("unitPrice").asText(),
                l.get("amount").asText()));
      }
    }
    output.rows(out, HEADINGS, rows);
    for (JsonNode invoice : invoices) {
      out.printf(
          "%s %s: total %s, amount due %s %s (%s)%n",
          invoice.get("awsAccountId").asText(),
          invoice.get("month").asText(),
          invoice.get("total").asText(),
          invoice.get("amountDue").asText(),
          invoice.get("currency").asText(),
          invoice.get("final").asBoolean() ? "final" : "estimate: the month is still open");
    }
    out.flush();
    return 0;
  }
}
