package io.meterline.server.store;

import io.meterline.server.domain.Platform;
import io.meterline.server.domain.Task;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Tasks, pods and instance identities. */
public final class TasksTable {
  private static final String COLUMNS =
      "task_id, task_arn, aws_account_id, region, platform, cluster, started_at, stopped_at, "
          + "product_code, credentials_expire_at";

  // The task was admitted for a product whose task time is billed.
  private static final String TIME_PRICED =
      "EXISTS (SELECT 1 FROM task_admissions a JOIN products p ON p.product_code = a.product_code"
          + " WHERE a.task_id = tasks.task_id AND p.pricing IN ('HOURLY', 'MONTHLY'))";

  public void insert(Connection c, Task task) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO tasks (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        task.taskId(),
        task.taskArn(),
        task.awsAccountId(),
        task.region(),
        task.platform().name(),
        task.cluster(),
        task.startedAt(),
        task.stoppedAt(),
        task.productCode(),
        task.credentialsExpireAt());
  }

  public Task find(Connection c, String taskId) throws SQLException {
    return Jdbc.queryOne(
        c, "SELECT " + COLUMNS + " FROM tasks WHERE task_id = ?", TasksTable::map, taskId);
  }

  /**
   * Marks a running task stopped and raises the stop counter ({@link #stopCount}); {@code false}
   * when it was not running.
   */
  public boolean stop(Connection c, String taskId, Instant at) throws SQLException {
    boolean stopped =
        Jdbc.update(
                c,
                "UPDATE tasks SET stopped_at = ? WHERE task_id = ? AND stopped_at IS NULL",
                at,
                taskId)
            == 1;
    if (stopped) {
      Jdbc.update(c, "UPDATE task_stops SET count = count + 1 WHERE id = 1");
    }
    return stopped;
  }

  /** How many task stops have committed, ever: when it moves, some task has stopped. */
  public long stopCount(Connection c) throws SQLException {
    Long count = Jdbc.queryOne(c, "SELECT count FROM task_stops WHERE id = 1", rs -> rs.getLong(1));
    return count == null ? 0 : count;
  }

  /** Notes that newer credentials of a task expire later; earlier expiries never win. */
  public void extendCredentials(Connection c, String taskId, Instant expireAt) throws SQLException {
    Jdbc.update(
        c,
        "UPDATE tasks SET credentials_expire_at = ? WHERE task_id = ? AND "
            + "(credentials_expire_at IS NULL OR credentials_expire_at < ?)",
        expireAt,
        taskId,
        expireAt);
  }

  /**
   * Tasks, newest first, after a position ({@code null} for the first page); {@code null} filters
   * do not filter.
   *
   * @param productCode only tasks admitted for this product
   * @param running {@code true} for running tasks only, {@code false} for stopped ones only
   */
  public List<Task> list(
      Connection c,
      String awsAccountId,
      String productCode,
      Boolean running,
      Keyset after,
      int limit)
      throws SQLException {
    List<Object> args = new ArrayList<>();
    String sql = listSql(awsAccountId, productCode, running, after, limit, args);
    return Jdbc.query(c, sql, TasksTable::map, args.toArray());
  }

  /** The SQL of {@link #list}; its arguments are added to {@code args}. */
  static String listSql(
      String awsAccountId,
      String productCode,
      Boolean running,
      Keyset after,
      int limit,
      List<Object> args) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM tasks WHERE 1 = 1");
    if (awsAccountId != null) {
      sql.append(" AND aws_account_id = ?");
      args.add(awsAccountId);
    }
    if (productCode != null) {
      // Per candidate row, one lookup of the admissions' primary key.
      sql.append(
          " AND EXISTS (SELECT 1 FROM task_admissions a WHERE a.task_id = tasks.task_id"
              + " AND a.product_code = ?)");
      args.add(productCode);
    }
    if (running != null) {
      sql.append(running ? " AND stopped_at IS NULL" : " AND stopped_at IS NOT NULL");
    }
    sql.append(Keyset.page(after, "started_at", "task_id", limit, args));
    return sql.toString();
  }

  /** A task and how far its time is in the ledger ({@code null}: none of it yet). */
  public record WithTime(Task task, Instant timeRecordedUntil) {}

  /**
   * The tasks of an account that ran at some moment in {@code [from, to)}: started before {@code
   * to}, not stopped before {@code from}.
   */
  public List<WithTime> ranBetween(Connection c, String awsAccountId, Instant from, Instant to)
      throws SQLException {
    return Jdbc.query(
        c,
        "SELECT "
            + COLUMNS
            + ", time_recorded_until FROM tasks WHERE aws_account_id = ? AND started_at < ? "
            + "AND (stopped_at IS NULL OR stopped_at >= ?)",
        rs -> new WithTime(map(rs), Jdbc.instant(rs, "time_recorded_until")),
        awsAccountId,
        to,
        from);
  }

  /**
   * Whether some running task of the account admitted for an HOURLY or MONTHLY product started
   * before {@code until} and has its time recorded only to before it.
   */
  public boolean hasTimeUnrecorded(Connection c, String awsAccountId, Instant until)
      throws SQLException {
    return Jdbc.queryOne(
            c,
            "SELECT 1 FROM tasks WHERE aws_account_id = ? AND stopped_at IS NULL "
                + "AND started_at < ? AND (time_recorded_until IS NULL OR time_recorded_until < ?)"
                + " AND "
                + TIME_PRICED
                + " LIMIT 1",
            rs -> Boolean.TRUE,
            awsAccountId,
            until,
            until)
        != null;
  }

  /** The accounts with a running task admitted for an HOURLY or MONTHLY product. */
  public List<String> accountsRunningTimePriced(Connection c) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT DISTINCT aws_account_id FROM tasks WHERE stopped_at IS NULL AND " + TIME_PRICED,
        rs -> rs.getString(1));
  }

  /** Notes how far a task's time is in the ledger. */
  public void setTimeRecordedUntil(Connection c, String taskId, Instant until) throws SQLException {
    Jdbc.update(c, "UPDATE tasks SET time_recorded_until = ? WHERE task_id = ?", until, taskId);
  }

  /**
   * Running tasks admitted for an HOURLY or MONTHLY product that started before {@code hour} and
   * whose time is recorded to before it.
   */
  public List<Task> timeToRecord(Connection c, Instant hour, int limit) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT "
            + COLUMNS
            + " FROM tasks WHERE stopped_at IS NULL AND started_at < ? "
            + "AND (time_recorded_until IS NULL OR time_recorded_until < ?) AND "
            + TIME_PRICED
            + " LIMIT ?",
        TasksTable::map,
        hour,
        hour,
        limit);
  }

  /** Running tasks whose newest credentials expired before the given real time. */
  public List<String> abandoned(Connection c, Instant realNow, int limit) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT task_id FROM tasks WHERE stopped_at IS NULL AND credentials_expire_at < ? "
            + "ORDER BY credentials_expire_at LIMIT ?",
        rs -> rs.getString(1),
        realNow,
        limit);
  }

  private static Task map(ResultSet rs) throws SQLException {
    return new Task(
        rs.getString("task_id"),
        rs.getString("task_arn"),
        rs.getString("aws_account_id"),
        rs.getString("region"),
        Platform.valueOf(rs.getString("platform")),
        rs.getString("cluster"),
        Jdbc.instant(rs, "started_at"),
        Jdbc.instant(rs, "stopped_at"),
        rs.getString("product_code"),
        Jdbc.instant(rs, "credentials_expire_at"));
  }
}
