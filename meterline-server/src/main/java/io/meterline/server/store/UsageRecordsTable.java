package io.meterline.server.store;

import io.meterline.server.domain.DedupKey;
import io.meterline.server.domain.LedgerEntry;
import io.meterline.server.domain.UsageQuery;
import io.meterline.server.domain.UsageSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The usage ledger; its unique dedup key is what makes a record count once. */
public final class UsageRecordsTable {
  private static final String COLUMNS =
      "record_id, scope, product_code, dimension, hour, "
          + "aws_account_id, quantity, fingerprint, allocations, source, task_id, usage_time, "
          + "recorded_at";
  private static final List<String> COLUMN_TYPES =
      List.of(
          "text", "text", "text", "text", "int8", "text", "int8", "text", "text", "text", "text",
          "int8", "int8");

  /** The sum of one product's, dimension's and source's quantities in one hour. */
  public record HourTotal(
      String productCode, String dimension, Instant hour, UsageSource source, long quantity) {}

  /**
   * The quantities the identities ({@code scope}s) reported in the hours {@code [from, to)}, summed
   * per product, dimension, hour and source. Each identity is read through the dedup key's index.
   */
  public List<HourTotal> totalsByHour(Connection c, List<String> scopes, Instant from, Instant to)
      throws SQLException {
    Map<List<Object>, long[]> sums = new LinkedHashMap<>();
    for (List<String> chunk : Jdbc.chunks(scopes)) {
      Object[] args = new Object[chunk.size() + 2];
      for (int i = 0; i < chunk.size(); i++) {
        args[i] = chunk.get(i);
      }
      args[chunk.size()] = from;
      args[chunk.size() + 1] = to;
      Jdbc.query(
          c,
          "SELECT product_code, dimension, hour, source, SUM(quantity) AS quantity "
              + "FROM usage_records WHERE scope IN "
              + Jdbc.placeholders(chunk.size())
              + " AND hour >= ? AND hour < ? GROUP BY product_code, dimension, hour, source",
          rs -> {
            List<Object> key =
                List.of(
                    rs.getString("product_code"),
                    rs.getString("dimension"),
                    Jdbc.instant(rs, "hour"),
                    UsageSource.valueOf(rs.getString("source")));
            sums.computeIfAbsent(key, k -> new long[1])[0] += rs.getLong("quantity");
            return null;
          },
          args);
    }
    List<HourTotal> totals = new ArrayList<>(sums.size());
    sums.forEach(
        (k, sum) ->
            totals.add(
                new HourTotal(
                    (String) k.get(0),
                    (String) k.get(1),
                    (Instant) k.get(2),
                    (UsageSource) k.get(3),
                    sum[0])));
    return totals;
  }

  /** One dimension's total in one hour. */
  public record DimensionHour(Instant hour, String dimension, long quantity) {}

  /**
   * The quantities of the hours {@code [from, to)}, summed per hour and dimension, by hour; {@code
   * null} filters do not filter. One product's are read through the product index, the rest through
   * the hour index.
   */
  public List<DimensionHour> totalsByDimension(
      Connection c, String productCode, String awsAccountId, Instant from, Instant to)
      throws SQLException {
    List<Object> args = new ArrayList<>();
    return Jdbc.query(
        c,
        totalsSql(productCode, awsAccountId, from, to, args),
        rs ->
            new DimensionHour(
                Jdbc.instant(rs, "hour"), rs.getString("dimension"), rs.getLong("quantity")),
        args.toArray());
  }

  /** The SQL of {@link #totalsByDimension}; its arguments are added to {@code args}. */
  static String totalsSql(
      String productCode, String awsAccountId, Instant from, Instant to, List<Object> args) {
    args.add(from);
    args.add(to);
    StringBuilder sql =
        new StringBuilder(
            "SELECT hour, dimension, SUM(quantity) AS quantity FROM usage_records "
                + "WHERE hour >= ? AND hour < ?");
    if (productCode != null) {
      sql.append(" AND product_code = ?");
      args.add(productCode);
    }
    if (awsAccountId != null) {
      sql.append(" AND aws_account_id = ?");
      args.add(awsAccountId);
    }
    sql.append(" GROUP BY hour, dimension ORDER BY hour, dimension");
    return sql.toString();
  }

  /** The accounts with usage in the hours {@code [from, to)}, read through the hour index. */
  public List<String> accountsWithUsage(Connection c, Instant from, Instant to)
      throws SQLException {
    return Jdbc.query(
        c,
        "SELECT DISTINCT aws_account_id FROM usage_records WHERE hour >= ? AND hour < ? "
            + "ORDER BY aws_account_id",
        rs -> rs.getString(1),
        from,
        to);
  }

  /** A stored record's id and content fingerprint. */
  public record Stored(String recordId, String fingerprint) {}

  /**
   * Inserts each entry unless its dedup key is taken, and returns, for each entry in the order
   * given, the record that holds its key: the entry itself when it was inserted (same record id),
   * else the one stored before. Rows are written in key order. Keys must be distinct.
   */
  public List<Stored> insertOrFind(Connection c, List<LedgerEntry> entries) throws SQLException {
    List<LedgerEntry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(LedgerEntry::key));
    boolean[] inserted =
        Jdbc.insertIgnoringTaken(
            c,
            "usage_records (" + COLUMNS + ")",
            COLUMN_TYPES,
            sorted,
            e ->
                new Object[] {
                  e.recordId(),
                  e.key().scope(),
                  e.key().productCode(),
                  e.key().dimension(),
                  e.key().hour(),
                  e.awsAccountId(),
                  e.quantity(),
                  e.fingerprint(),
                  e.allocations(),
                  e.source().name(),
                  e.taskId(),
                  e.usageTime(),
                  e.recordedAt()
                },
            "record_id",
            rs -> rs.getString(1),
            LedgerEntry::recordId);
    Map<DedupKey, Stored> found = new HashMap<>();
    List<DedupKey> taken = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      LedgerEntry e = sorted.get(i);
      if (inserted[i]) {
        found.put(e.key(), new Stored(e.recordId(), e.fingerprint()));
      } else {
        taken.add(e.key());
      }
    }
    found.putAll(find(c, taken));
    List<Stored> result = new ArrayList<>(entries.size());
    for (LedgerEntry e : entries) {
      Stored s = found.get(e.key());
      if (s == null) {
        throw new IllegalStateException("record " + e.key() + " neither inserted nor found");
      }
      result.add(s);
    }
    return result;
  }

  /** The stored records holding these keys; keys with no record are absent. */
  public Map<DedupKey, Stored> find(Connection c, List<DedupKey> keys) throws SQLException {
    Map<DedupKey, Stored> found = new HashMap<>();
    for (List<DedupKey> chunk : Jdbc.chunks(keys)) {
      Object[] args = new Object[chunk.size() * 4];
      int i = 0;
      for (DedupKey k : chunk) {
        args[i++] = k.scope();
        args[i++] = k.productCode();
        args[i++] = k.dimension();
        args[i++] = k.hour();
      }
      Jdbc.query(
          c,
          "SELECT scope, product_code, dimension, hour, record_id, fingerprint "
              + "FROM usage_records WHERE (scope, product_code, dimension, hour) IN "
              + Jdbc.rowPlaceholders(chunk.size(), 4),
          rs -> {
            found.put(
                new DedupKey(
                    rs.getString("scope"),
                    rs.getString("product_code"),
                    rs.getString("dimension"),
                    Jdbc.instant(rs, "hour")),
                new Stored(rs.getString("record_id"), rs.getString("fingerprint")));
            return null;
          },
          args);
    }
    return found;
  }

  /** An entry of a query's answer and where it stands, to resume after it. */
  public record Listed(LedgerEntry entry, UsageQuery.After position) {}

  /**
   * Ledger entries matching the query, by hour, then in the order the store keeps the hour's
   * entries; at most its limit. That order is the hour index's own (SQLite keeps its row number in
   * every index entry), so a page costs the same at any depth.
   */
  public List<Listed> query(Connection c, UsageQuery q) throws SQLException {
    List<Object> args = new ArrayList<>();
    return Jdbc.query(
        c,
        querySql(q, args, c.isWrapperFor(org.sqlite.SQLiteConnection.class)),
        rs ->
            new Listed(
                map(rs), new UsageQuery.After(Jdbc.instant(rs, "hour"), rs.getString("position"))),
        args.toArray());
  }

  /** The SQL of {@link #query}; its arguments are added to {@code args}. */
  static String querySql(UsageQuery q, List<Object> args, boolean sqlite) {
    String position = sqlite ? "rowid" : "record_id";
    // On SQLite the hour index alone keeps each hour's entries in row order; the product index
    // would have them sorted hour by hour.
    StringBuilder sql =
        new StringBuilder(
            "SELECT "
                + COLUMNS
                + ", "
                + position
                + " AS position FROM usage_records"
                + (sqlite ? " INDEXED BY usage_records_by_hour" : "")
                + " WHERE 1=1");
    if (q.productCode() != null) {
      sql.append(" AND product_code = ?");
      args.add(q.productCode());
    }
    if (q.awsAccountId() != null) {
      sql.append(" AND aws_account_id = ?");
      args.add(q.awsAccountId());
    }
    if (q.from() != null) {
      sql.append(" AND hour >= ?");
      args.add(q.from());
    }
    if (q.to() != null) {
      sql.append(" AND hour < ?");
      args.add(q.to());
    }
    if (q.after() != null) {
      sql.append(" AND (hour, ").append(position).append(") > (?, ?)");
      args.add(q.after().hour());
      args.add(sqlite ? (Object) rowNumber(q.after().position()) : q.after().position());
    }
    sql.append(" ORDER BY hour, ").append(position).append(" LIMIT ?");
    args.add(q.limit());
    return sql.toString();
  }

  private static long rowNumber(String position) {
    try {
      return Long.parseLong(position);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a position in this ledger: " + position, e);
    }
  }

  private static LedgerEntry map(ResultSet rs) throws SQLException {
    return new LedgerEntry(
        rs.getString("record_id"),
        new DedupKey(
            rs.getString("scope"),
            rs.getString("product_code"),
            rs.getString("dimension"),
            Jdbc.instant(rs, "hour")),
        rs.getString("aws_account_id"),
        rs.getLong("quantity"),
        rs.getString("fingerprint"),
        rs.getString("allocations"),
        UsageSource.valueOf(rs.getString("source")),
        rs.getString("task_id"),
        Jdbc.instant(rs, "usage_time"),
        Jdbc.instant(rs, "recorded_at"));
  }
}
