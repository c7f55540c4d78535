package io.meterline.server.admin;

import io.meterline.server.billing.Billing;
import io.meterline.server.billing.Invoice;
import io.meterline.server.domain.Ids;
import io.meterline.server.exchange.HttpRequestView;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Invoices (SPEC §3.2): one buyer's for a month, or every buyer's with a line, in pages; as JSON,
 * or as CSV lines ({@code format=csv} or {@code Accept: text/csv}).
 */
final class InvoicesAdmin {
  static final List<String> CSV_HEADER =
      List.of(
          "month",
          "awsAccountId",
          "productCode",
          "productName",
          "kind",
          "dimension",
          "quantity",
          "unit",
          "unitPrice",
          "amount");
  private static final String TOKEN_KIND = "invoices";

  private final AdminContext ctx;

  InvoicesAdmin(AdminContext ctx) {
    this.ctx = ctx;
  }

  Object get(HttpRequestView request, Map<String, String> query) {
    YearMonth month = month(query.get("month"));
    boolean csv = wantsCsv(request, query.get("format"));
    String account = query.get("awsAccountId");
    if (account != null || csv) {
      // One invoice, or every line in one spreadsheet: no pages to ask for.
      for (String paging : List.of("limit", "nextToken")) {
        if (query.containsKey(paging)) {
          throw AdminException.badField(
              paging,
              paging
                  + " pages the JSON invoices of every buyer; it does not apply to "
                  + (account != null ? "one buyer's invoice" : "CSV, which has every line"));
        }
      }
    }
    if (account != null) {
      if (!Ids.ACCOUNT_ID.matcher(account).matches()) {
        throw AdminException.badField(
            "awsAccountId",
            "awsAccountId must be a 12-digit account id, was \"" + Body.clip(account) + "\"");
      }
      Invoice invoice = ctx.billing().invoice(account, month);
      if (invoice == null) {
        throw AdminException.notFound("awsAccountId", "no account " + account);
      }
      return csv ? Csv.of(CSV_HEADER, rows(invoice)) : view(invoice);
    }
    if (csv) {
      // Every buyer's lines: a spreadsheet has no next page.
      List<List<Object>> rows = new ArrayList<>();
      String after = null;
      boolean more = true;
      while (more) {
        Billing.InvoicePage page = ctx.billing().invoices(month, after, Paging.MAX_LIMIT);
        page.items().forEach(i -> rows.addAll(rows(i)));
        after = page.lastAccount();
        more = page.more();
      }
      return Csv.of(CSV_HEADER, rows);
    }
    int limit = Paging.limit(query);
    String after =
        query.containsKey("nextToken")
            ? PageTokens.decode(TOKEN_KIND, query.get("nextToken"), 1).get(0)
            : null;
    Billing.InvoicePage page = ctx.billing().invoices(month, after, limit);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("items", page.items().stream().map(InvoicesAdmin::view).toList());
    if (page.more()) {
      answer.put("nextToken", PageTokens.encode(TOKEN_KIND, List.of(page.lastAccount())));
    }
    return answer;
  }

  static YearMonth month(String given) {
    if (given == null) {
      throw AdminException.badField("month", "month is required, as YYYY-MM such as 2026-11");
    }
    try {
      return YearMonth.parse(given);
    } catch (DateTimeParseException e) {
      throw AdminException.badField(
          "month", "month must be YYYY-MM such as 2026-11, was \"" + Body.clip(given) + "\"");
    }
  }

  /** Whether the caller asked for CSV: {@code format=csv}, or {@code Accept: text/csv}. */
  static boolean wantsCsv(HttpRequestView request, String format) {
    if (format != null) {
      String f = format.trim().toLowerCase(Locale.ROOT);
      if (!f.equals("csv") && !f.equals("json")) {
        throw AdminException.badField(
            "format", "format must be json or csv, was \"" + Body.clip(format) + "\"");
      }
      return f.equals("csv");
    }
    String accept = request.header("accept");
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv");
  }

  static Map<String, Object> view(Invoice invoice) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("awsAccountId", invoice.awsAccountId());
    m.put("month", invoice.month().toString());
    m.put("currency", Invoice.CURRENCY);
    m.put("final", invoice.isFinal());
    List<Map<String, Object>> lines = new ArrayList<>();
    for (Invoice.Line l : invoice.lines()) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("productCode", l.productCode());
      line.put("productName", l.productName());
      line.put("kind", l.kind().name());
      if (l.dimension() != null) {
        line.put("dimension", l.dimension());
      }
      line.put("quantity", l.quantity().toPlainString());
      if (l.unit() != null) {
        line.put("unit", l.unit());
      }
      line.put("unitPrice", l.unitPrice().toPlainString());
      line.put("amount", l.amount().toPlainString());
      lines.add(line);
    }
    m.put("lines", lines);
    m.put("total", invoice.total().toPlainString());
    m.put("amountDue", invoice.amountDue().toPlainString());
    return m;
  }

  private static List<List<Object>> rows(Invoice invoice) {
    List<List<Object>> rows = new ArrayList<>();
    for (Invoice.Line l : invoice.lines()) {
      rows.add(
          java.util.Arrays.asList(
              invoice.month().toString(),
              invoice.awsAccountId(),
              l.productCode(),
              l.productName(),
              l.kind().name(),
              l.dimension(),
              l.quantity(),
              l.unit(),
              l.unitPrice(),
              l.amount()));
    }
    return rows;
  }
}
