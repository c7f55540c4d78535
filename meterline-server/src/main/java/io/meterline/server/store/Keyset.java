package io.meterline.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where a page of a newest-first list ended: the creation time and id of its last item. The next
 * page holds the items before it in the order (creation time, id), both descending, which the
 * list's index serves directly, so a page costs the same at any depth.
 */
public record Keyset(Instant createdAt, String id) {
  public Keyset {
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(id, "id");
  }

  /**
   * The end of a query over a newest-first list: the condition that starts after this position
   * (none for the first page), the order, and the limit; its arguments are added to {@code args}.
   */
  static String page(
      Keyset after, String createdColumn, String idColumn, int limit, List<Object> args) {
    StringBuilder sql = new StringBuilder();
    if (after != null) {
      sql.append(" AND (").append(createdColumn).append(", ").append(idColumn).append(") < (?, ?)");
      args.add(after.createdAt());
      args.add(after.id());
    }
    sql.append(" ORDER BY ")
        .append(createdColumn)
        .append(" DESC, ")
        .append(idColumn)
        .append(" DESC LIMIT ?");
    args.add(limit);
    return sql.toString();
  }
}
