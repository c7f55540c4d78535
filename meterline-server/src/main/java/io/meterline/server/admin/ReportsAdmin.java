package io.meterline.server.admin;

import io.meterline.server.billing.Invoice;
import io.meterline.server.billing.Reports;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The seller reports as CSV (SPEC §3.3), with the column names of AWS's reports (facts §6). */
final class ReportsAdmin {
  private final AdminContext ctx;

  ReportsAdmin(AdminContext ctx) {
    this.ctx = ctx;
  }

  Csv dailySubscribers(Map<String, String> query) {
    List<Reports.Subscriber> rows =
        ctx.reports().dailySubscribers(date(query.get("date")), query.get("sellerAccountId"));
    return Csv.of(
        List.of(
            "Customer AWS Account Number",
            "Product Title",
            "Product Code",
            "Subscription Start Date",
            "Offer ID"),
        rows.stream()
            .map(
                r ->
                    Arrays.<Object>asList(
                        r.awsAccountId(),
                        r.productTitle(),
                        r.productCode(),
                        r.startDate().toString(),
                        null))
            .toList());
  }

  Csv dailyUsage(Map<String, String> query) {
    List<Reports.DailyUsage> rows =
        ctx.reports().dailyUsage(date(query.get("date")), query.get("sellerAccountId"));
    return Csv.of(
        List.of(
            "Customer Reference ID",
            "Product Title",
            "Product Code",
            "Usage Units",
            "Usage Unit Type",
            "Estimated Revenue",
            "Currency",
            "Customer AWS Account Number"),
        rows.stream()
            .map(
                r ->
                    Arrays.<Object>asList(
                        r.customerIdentifier(),
                        r.productTitle(),
                        r.productCode(),
                        r.usageUnits(),
                        r.usageUnitType(),
                        r.estimatedRevenue(),
                        Invoice.CURRENCY,
                        r.awsAccountId()))
            .toList());
  }

  Csv monthlyBilledRevenue(Map<String, String> query) {
    List<Reports.BilledRevenue> rows =
        ctx.reports()
            .monthlyBilledRevenue(
                InvoicesAdmin.month(query.get("month")), query.get("sellerAccountId"));
    return Csv.of(
        List.of(
            "Customer Reference ID",
            "Product Title",
            "Product Code",
            "Customer Billed Amount",
            "AWS Listing Fee",
            "Partner Revenue Amount",
            "Currency",
            "Customer AWS Account Number"),
        rows.stream()
            .map(
                r ->
                    Arrays.<Object>asList(
                        r.customerIdentifier(),
                        r.productTitle(),
                        r.productCode(),
                        r.billed(),
                        r.listingFee(),
                        r.partnerRevenue(),
                        Invoice.CURRENCY,
                        r.awsAccountId()))
            .toList());
  }

  private static LocalDate date(String given) {
    if (given == null) {
      throw AdminException.badField("date", "date is required, as YYYY-MM-DD such as 2026-11-27");
    }
    try {
      return LocalDate.parse(given);
    } catch (DateTimeParseException e) {
      throw AdminException.badField(
          "date", "date must be YYYY-MM-DD such as 2026-11-27, was \"" + Body.clip(given) + "\"");
    }
  }
}
