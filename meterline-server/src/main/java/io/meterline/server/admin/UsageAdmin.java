package io.meterline.server.admin;

import io.meterline.server.domain.LedgerEntry;
import io.meterline.server.domain.UsageQuery;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    List<LedgerEntry> rows =
        ctx.ledger()
            .entries(
                new UsageQuery(
                    params.get("productCode"),
                    params.get("awsAccountId"),
                    from,
                    to,
                    limit + 1,
                    after));
    List<LedgerEntry> page = rows.size() > limit ? rows.subList(0, limit) : rows;
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("records", page.stream().map(Views::usage).toList());
    if (rows.size() > limit) {
      view.put("nextToken", token(UsageQuery.After.of(page.get(limit - 1))));
    }
    return view;
  }

  private static String token(UsageQuery.After a) {
    return PageTokens.encode(
        TOKEN_KIND,
        List.of(
            a.hour().toEpochMilli(), a.productCode(), a.awsAccountId(), a.dimension(), a.scope()));
  }

  private static UsageQuery.After after(String token) {
    List<String> key = PageTokens.decode(TOKEN_KIND, token, 5);
    try {
      return new UsageQuery.After(
          Instant.ofEpochMilli(Long.parseLong(key.get(0))),
          key.get(1),
          key.get(2),
          key.get(3),
          key.get(4));
    } catch (NumberFormatException | DateTimeException e) {
      throw PageTokens.invalid(token);
    }
  }
}
