package io.meterline.server.admin;

import io.meterline.server.ledger.UsageQuery;
import java.time.Instant;
import java.util.Map;

/** The usage ledger, per hour. */
final class UsageAdmin {
  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 10_000;

  private final AdminContext ctx;

  UsageAdmin(AdminContext ctx) {
    this.ctx = ctx;
  }

  Map<String, Object> query(Map<String, String> params) {
    Instant from = params.containsKey("from") ? Body.instant("from", params.get("from")) : null;
    Instant to = params.containsKey("to") ? Body.instant("to", params.get("to")) : null;
    int limit = DEFAULT_LIMIT;
    if (params.containsKey("limit")) {
      try {
        limit = Integer.parseInt(params.get("limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw AdminException.badField(
            "limit",
            "limit must be an integer from 1 to "
                + MAX_LIMIT
                + ", was \""
                + Body.clip(params.get("limit"))
                + "\"");
      }
    }
    UsageQuery q =
        new UsageQuery(params.get("productCode"), params.get("awsAccountId"), from, to, limit);
    return Views.list(
        "records",
        ctx.read(c -> ctx.tables().usage().query(c, q)).stream().map(Views::usage).toList());
  }
}
