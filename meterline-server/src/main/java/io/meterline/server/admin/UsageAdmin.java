package io.meterline.server.admin;

import io.meterline.server.domain.Hours;
import io.meterline.server.domain.UsageQuery;
import io.meterline.server.store.UsageRecordsTable;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The usage ledger, per hour, in pages (SPEC §3.1). */
final class UsageAdmin {
  private static final String TOKEN_KIND = "usage";

  private final AdminContext ctx;

  UsageAdmin(AdminContext ctx) {
    this.ctx = ctx;
  }

  Map<String, Object> query(Map<String, String> params) {
    Instant from = params.containsKey("from") ? Body.instant("from", params.get("from")) : null;
    Instant to = params.containsKey("to") ? Body.instant("to", params.get("to")) : null;
    int limit = Paging.limit(params);
    UsageQuery.After after =
        params.containsKey("nextToken") ? after(params.get("nextToken")) : null;
    // One row more than the page tells whether another page follows.
    List<UsageRecordsTable.Listed> rows;
    try {
      rows =
          ctx.ledger()
              .entries(
                  new UsageQuery(
                      params.get("productCode"),
                      params.get("awsAccountId"),
                      from,
                      to,
                      limit + 1,
                      after));
    } catch (IllegalArgumentException e) {
      // The token named a position this store does not have.
      throw PageTokens.invalid(params.get("nextToken"));
    }
    List<UsageRecordsTable.Listed> page = rows.size() > limit ? rows.subList(0, limit) : rows;
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("records", page.stream().map(r -> Views.usage(r.entry())).toList());
    if (rows.size() > limit) {
      view.put("nextToken", token(page.get(limit - 1).position()));
    }
    return view;
  }

  /** The longest range a summary covers: a quarter, by the hour. */
  private static final Duration MAX_SUMMARY = Duration.ofDays(92);

  /**
   * The ledger's totals per hour and dimension over {@code [from, to)} (by default the last day of
   * service time): what the console charts.
   */
  Map<String, Object> summary(Map<String, String> params) {
    Instant to =
        params.containsKey("to")
            ? Body.instant("to", params.get("to"))
            : Hours.startOf(ctx.clock().instant()).plus(Duration.ofHours(1));
    Instant from =
        params.containsKey("from")
            ? Body.instant("from", params.get("from"))
            : to.minus(Duration.ofDays(1));
    if (!from.isBefore(to)) {
      throw AdminException.badField("from", "from must be before to, was " + from + " and " + to);
    }
    if (Duration.between(from, to).compareTo(MAX_SUMMARY) > 0) {
      throw AdminException.badField(
          "from", "a summary covers at most 92 days; from " + from + " to " + to + " is longer");
    }
    Map<String, Map<Instant, Long>> byDimension = new TreeMap<>();
    for (UsageRecordsTable.DimensionHour t :
        ctx.ledger()
            .totalsByHour(params.get("productCode"), params.get("awsAccountId"), from, to)) {
      byDimension.computeIfAbsent(t.dimension(), d -> new TreeMap<>()).put(t.hour(), t.quantity());
    }
    List<Map<String, Object>> series = new ArrayList<>();
    byDimension.forEach(
        (dimension, hours) -> {
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("dimension", dimension);
          s.put("hours", hours.keySet().stream().map(Instant::toString).toList());
          s.put("quantities", List.copyOf(hours.values()));
          series.add(s);
        });
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("from", from.toString());
    view.put("to", to.toString());
    view.put("series", series);
    return view;
  }

  private static String token(UsageQuery.After a) {
    return PageTokens.encode(TOKEN_KIND, List.of(a.hour().toEpochMilli(), a.position()));
  }

  private static UsageQuery.After after(String token) {
    List<String> key = PageTokens.decode(TOKEN_KIND, token, 2);
    try {
      return new UsageQuery.After(Instant.ofEpochMilli(Long.parseLong(key.get(0))), key.get(1));
    } catch (NumberFormatException | DateTimeException e) {
      throw PageTokens.invalid(token);
    }
  }
}
