package io.meterline.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Small JDBC helpers shared by the tables. */
public final class Jdbc {
  /** The most rows named in one {@code IN (...)} list. */
  static final int IN_LIST_CHUNK = 200;

  /** The most rows in one {@code INSERT} statement on PostgreSQL. */
  static final int INSERT_CHUNK = 200;

  private Jdbc() {}

  /** Maps one row. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Rows of a query whose parameters are the given values, in order. */
  public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... args)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, 1, args);
      try (ResultSet rs = ps.executeQuery()) {
        List<T> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(mapper.map(rs));
        }
        return rows;
      }
    }
  }

  /** The first row of a query, or {@code null}. */
  public static <T> T queryOne(Connection c, String sql, RowMapper<T> mapper, Object... args)
      throws SQLException {
    List<T> rows = query(c, sql, mapper, args);
    return rows.isEmpty() ? null : rows.get(0);
  }

  /** Runs an update and returns the number of rows it changed. */
  public static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, 1, args);
      return ps.executeUpdate();
    }
  }

  /** The parameters of one item of a batch. */
  @FunctionalInterface
  public interface Parameters<T> {
    Object[] of(T item);
  }

  /**
   * Runs the statement once per item as one JDBC batch (one round trip on PostgreSQL).
   *
   * @return for each item, whether its statement changed a row
   */
  public static <T> boolean[] batch(
      Connection c, String sql, List<T> items, Parameters<T> parameters) throws SQLException {
    boolean[] changed = new boolean[items.size()];
    if (items.isEmpty()) {
      return changed;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (T item : items) {
        bind(ps, 1, parameters.of(item));
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      for (int i = 0; i < counts.length; i++) {
        // The write path decides inserted-or-taken from these counts; a driver that does not
        // report them (PostgreSQL's reWriteBatchedInserts) must fail loudly, not guess.
        if (counts[i] < 0) {
          throw new SQLException(
              "the JDBC driver did not report a row count for a batched statement ("
                  + counts[i]
                  + "); turn off reWriteBatchedInserts");
        }
        changed[i] = counts[i] > 0;
      }
    }
    return changed;
  }

  /**
   * Inserts the items, skipping those a unique key of which is taken, and tells which were
   * inserted. Rows are inserted in the order given.
   *
   * <p>On PostgreSQL: {@code INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING}, one
   * array parameter per column and up to {@link #INSERT_CHUNK} rows per statement. The statement's
   * text does not depend on the number of rows, so the driver prepares it once per connection and
   * the server neither parses nor plans it again. On SQLite, where a batch is one native call
   * anyway, a batch of single-row inserts, which costs less per row there than a multi-row form
   * (docs/performance.md has both comparisons).
   *
   * @param into the table and its columns, {@code "t (a, b, c)"}
   * @param types the PostgreSQL type of each column, {@code "text"} or {@code "int8"}
   * @param returning the columns that identify an inserted row, {@code "a, b"}
   * @param returned reads the identity of a row the statement returned
   * @param identity the identity of an item, equal to what {@code returned} reads for its row
   * @return for each item, whether it was inserted (else a unique key of it was taken); identities
   *     must be distinct
   */
  public static <T, K> boolean[] insertIgnoringTaken(
      Connection c,
      String into,
      List<String> types,
      List<T> items,
      Parameters<T> parameters,
      String returning,
      RowMapper<K> returned,
      Function<T, K> identity)
      throws SQLException {
    int width = types.size();
    if (c.isWrapperFor(org.sqlite.SQLiteConnection.class)) {
      return batch(
          c,
          "INSERT INTO " + into + " VALUES " + placeholders(width) + " ON CONFLICT DO NOTHING",
          items,
          parameters);
    }
    String sql = unnestInsert(into, types) + " ON CONFLICT DO NOTHING RETURNING " + returning;
    boolean[] int8 = new boolean[width];
    for (int col = 0; col < width; col++) {
      int8[col] = "int8".equals(types.get(col));
    }
    Set<K> inserted = new HashSet<>();
    for (int from = 0; from < items.size(); from += INSERT_CHUNK) {
      List<T> chunk = items.subList(from, Math.min(items.size(), from + INSERT_CHUNK));
      // Typed arrays (String[], Long[]): the driver sends them in binary, which the server reads
      // without parsing an array literal.
      Object[][] columns = new Object[width][];
      for (int col = 0; col < width; col++) {
        columns[col] = int8[col] ? new Long[chunk.size()] : new String[chunk.size()];
      }
      for (int row = 0; row < chunk.size(); row++) {
        Object[] values = parameters.of(chunk.get(row));
        if (values.length != width) {
          throw new IllegalArgumentException(
              "a row of " + values.length + " values for " + width + " columns");
        }
        for (int col = 0; col < width; col++) {
          columns[col][row] = arrayElement(values[col], int8[col]);
        }
      }
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int col = 0; col < width; col++) {
          ps.setArray(col + 1, c.createArrayOf(types.get(col), columns[col]));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            inserted.add(returned.map(rs));
          }
        }
      }
    }
    boolean[] result = new boolean[items.size()];
    for (int i = 0; i < items.size(); i++) {
      result[i] = inserted.contains(identity.apply(items.get(i)));
    }
    return result;
  }

  /**
   * {@code INSERT INTO t (a, b) SELECT c0, c1 FROM unnest(?::text[], ?::int8[]) WITH ORDINALITY AS
   * u(c0, c1, n) ORDER BY n}: the arrays' elements as rows, in array order.
   */
  static String unnestInsert(String into, List<String> types) {
    StringBuilder names = new StringBuilder();
    StringBuilder arrays = new StringBuilder();
    for (int col = 0; col < types.size(); col++) {
      String sep = col == 0 ? "" : ", ";
      names.append(sep).append('c').append(col);
      arrays.append(sep).append("?::").append(types.get(col)).append("[]");
    }
    return "INSERT INTO "
        + into
        + " SELECT "
        + names
        + " FROM unnest("
        + arrays
        + ") WITH ORDINALITY AS u("
        + names
        + ", n) ORDER BY n";
  }

  /**
   * A value as an element of a PostgreSQL {@code int8[]} or {@code text[]}, as {@link #bind} binds
   * it.
   */
  private static Object arrayElement(Object value, boolean int8) {
    Object v = sqlValue(value);
    if (v == null) {
      return null;
    }
    if (!int8) {
      return v.toString();
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    throw new IllegalArgumentException("not an int8 value: " + value.getClass().getName());
  }

  /** What a value is stored as: {@link Instant}s as epoch milliseconds, booleans as 1 or 0. */
  private static Object sqlValue(Object value) {
    if (value instanceof Instant instant) {
      return instant.toEpochMilli();
    }
    if (value instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return value;
  }

  /** Binds values from the given index on; {@link Instant}s become epoch milliseconds. */
  public static int bind(PreparedStatement ps, int from, Object... args) throws SQLException {
    int i = from;
    for (Object arg : args) {
      Object v = sqlValue(arg);
      if (v == null) {
        ps.setNull(i++, Types.NULL);
      } else if (v instanceof Long l) {
        ps.setLong(i++, l);
      } else if (v instanceof Integer n) {
        ps.setInt(i++, n);
      } else {
        ps.setString(i++, v.toString());
      }
    }
    return i;
  }

  /** An epoch-millisecond column as an instant, {@code null} when SQL NULL. */
  public static Instant instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  /** {@code (?, ?, …)} with n placeholders. */
  static String placeholders(int n) {
    return "(" + String.join(", ", Collections.nCopies(n, "?")) + ")";
  }

  /** {@code ((?, ?), (?, ?), …)}: n rows of a row value of the given width. */
  static String rowPlaceholders(int n, int width) {
    String row = placeholders(width);
    return "(" + String.join(", ", Collections.nCopies(n, row)) + ")";
  }

  /** The list split into chunks of at most {@link #IN_LIST_CHUNK}. */
  static <T> List<List<T>> chunks(List<T> items) {
    List<List<T>> chunks = new ArrayList<>();
    for (int i = 0; i < items.size(); i += IN_LIST_CHUNK) {
      chunks.add(items.subList(i, Math.min(items.size(), i + IN_LIST_CHUNK)));
    }
    return chunks;
  }

  /** Whether the failure is a unique or primary-key violation. */
  public static boolean isUniqueViolation(SQLException e) {
    // PostgreSQL 23505; SQLite SQLITE_CONSTRAINT (19), whose message names UNIQUE/PRIMARY KEY.
    if ("23505".equals(e.getSQLState())) {
      return true;
    }
    String message = e.getMessage();
    return e.getErrorCode() == 19
        && message != null
        && (message.contains("UNIQUE") || message.contains("PRIMARY KEY"));
  }
}
