package io.meterline.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;

/**
 * Versioned schema migrations, applied in order at start-up; the same SQL runs on both databases.
 * Each version runs once, recorded in {@code schema_version}.
 */
final class Migrations {
  /** One schema version and the resource holding its SQL. */
  record Migration(int version, String description, String resource) {}

  /** Every version, oldest first. A new version is appended here with its SQL file. */
  static final List<Migration> ALL =
      List.of(
          new Migration(1, "initial schema", "db/migration/V001__initial.sql"),
          new Migration(2, "task platform", "db/migration/V002__task_platform.sql"),
          new Migration(3, "task stop counter", "db/migration/V003__task_stops.sql"),
          new Migration(4, "ledger index by hour", "db/migration/V004__ledger_hour_index.sql"),
          new Migration(5, "lists newest first", "db/migration/V005__lists.sql"),
          new Migration(
              6, "price changes, task time as it passes", "db/migration/V006__billing.sql"),
          new Migration(
              7, "ledger index by product", "db/migration/V007__ledger_product_index.sql"),
          new Migration(8, "notifications", "db/migration/V008__notifications.sql"),
          new Migration(9, "license checkouts", "db/migration/V009__license_consumptions.sql"),
          new Migration(10, "contract products", "db/migration/V010__contracts.sql"));

  private Migrations() {}

  /** Brings the schema up to the newest version; returns the version it is at. */
  static int migrate(Connection c, Dialect dialect, Clock clock) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      dialect.lockForMigration(c);
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                + "description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
      }
      Integer current =
          Jdbc.queryOne(c, "SELECT MAX(version) AS v FROM schema_version", rs -> rs.getInt("v"));
      int version = current == null ? 0 : current;
      for (Migration m : ALL) {
        if (m.version() > version) {
          apply(c, m, dialect);
          Jdbc.update(
              c,
              "INSERT INTO schema_version (version, description, applied_at) " + "VALUES (?, ?, ?)",
              m.version(),
              m.description(),
              clock.instant());
          version = m.version();
        }
      }
      c.commit();
      return version;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static void apply(Connection c, Migration m, Dialect dialect) throws SQLException {
    String sql = read(m.resource()).replace("{{WITHOUT_ROWID}}", dialect.withoutRowid());
    try (Statement s = c.createStatement()) {
      for (String statement : statements(sql)) {
        s.execute(statement);
      }
    }
  }

  // Statements end with ';' at the end of a line; comments are whole lines starting with '--'.
  static List<String> statements(String sql) {
    StringBuilder current = new StringBuilder();
    List<String> statements = new java.util.ArrayList<>();
    for (String line : sql.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String text = current.toString().strip();
        statements.add(text.substring(0, text.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException("migration SQL ends without ';': " + current);
    }
    return statements;
  }

  private static String read(String resource) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("migration resource missing: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource, e);
    }
  }
}
