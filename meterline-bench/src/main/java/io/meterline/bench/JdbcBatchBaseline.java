package io.meterline.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The PostgreSQL baseline: a plain JDBC loop inserting the rows a MeterUsage writes (every column
 * of {@code usage_records}, values shaped like the server's) in batches of a few hundred per
 * transaction, with {@code synchronous_commit} on, into a copy of the server's table (same columns,
 * unique key and indexes) in the same database.
 */
final class JdbcBatchBaseline {
  static final String TABLE = "bench_usage_records";
  private static final String INSERT =
      "INSERT INTO "
          + TABLE
          + " (record_id, scope, "
          + "product_code, dimension, hour, aws_account_id, quantity, fingerprint, allocations, "
          + "source, task_id, usage_time, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(120);

  private final String jdbcUrl;
  private final int batchSize;
  private final String productCode;
  private final List<String> dimensions = Fixtures.dimensions();

  JdbcBatchBaseline(String jdbcUrl, int batchSize, String productCode) {
    this.jdbcUrl = jdbcUrl;
    this.batchSize = batchSize;
    this.productCode = productCode;
  }

  /** Creates the copy of {@code usage_records}, which the server's migrations must have made. */
  void createTable() throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
      s.execute("CREATE TABLE " + TABLE + " (LIKE usage_records INCLUDING ALL)");
    }
  }

  /** The value of a server setting as this connection sees it. */
  String setting(String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement();
        var rs = s.executeQuery("SHOW " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** WAL bytes written so far by the cluster ({@code pg_stat_wal}), or -1. */
  long walBytes() {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT wal_bytes FROM pg_stat_wal")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return -1;
    }
  }

  /** Inserts batches for {@code warmup}, then counts rows committed during {@code measure}. */
  RunResult run(String name, Duration warmup, Duration measure) throws SQLException {
    Histogram latency = new Histogram(HIGHEST_MICROS, 3);
    long rows = 0;
    long total = 0;
    CpuUse cpu = CpuUse.UNMEASURED;
    long start = System.nanoTime();
    long measureStart = start + warmup.toNanos();
    long measureEnd = measureStart + measure.toNanos();
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET synchronous_commit = on");
      }
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        long now = System.nanoTime();
        MachineCpu.Reading cpuFrom = null;
        while (now < measureEnd) {
          if (cpuFrom == null && now >= measureStart) {
            cpuFrom = MachineCpu.reading();
          }
          long began = now;
          for (int i = 0; i < batchSize; i++) {
            bind(ps, hour);
            ps.addBatch();
          }
          ps.executeBatch();
          c.commit();
          total += batchSize;
          now = System.nanoTime();
          if (now >= measureStart && now < measureEnd) {
            rows += batchSize;
            latency.recordValue(Math.min(HIGHEST_MICROS, (now - began) / 1000));
          }
        }
        cpu = MachineCpu.between(cpuFrom, MachineCpu.reading());
      }
    }
    return new RunResult(
        name,
        "rows",
        rows,
        measure.toNanos() / 1e9,
        latency,
        "transaction of " + batchSize + " rows",
        total,
        Map.of(),
        List.of(),
        0,
        false,
        cpu);
  }

  private void bind(PreparedStatement ps, Instant hour) throws SQLException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String taskId =
        Long.toHexString(random.nextLong() | Long.MIN_VALUE)
            + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    long quantity = 1 + random.nextInt(100);
    long now = System.currentTimeMillis();
    ps.setString(1, UUID.randomUUID().toString());
    ps.setString(2, "task/" + taskId);
    ps.setString(3, productCode);
    ps.setString(4, dimensions.get(random.nextInt(dimensions.size())));
    ps.setLong(5, hour.toEpochMilli());
    ps.setString(6, String.format("2000000000%02d", random.nextInt(8)));
    ps.setLong(7, quantity);
    ps.setString(8, "q" + quantity);
    ps.setNull(9, Types.VARCHAR);
    ps.setString(10, "METER_USAGE");
    ps.setString(11, taskId);
    ps.setLong(12, hour.toEpochMilli() + 1_000);
    ps.setLong(13, now);
  }
}
