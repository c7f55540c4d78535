package io.meterline.server.ledger;

import io.meterline.server.domain.DedupKey;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.LedgerEntry;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Task;
import io.meterline.server.domain.UsageSource;
import io.meterline.server.store.Tables;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Stopping a task, and with it the metering of its time (SPEC §2: "task time is metered from start
 * to stop, per second with a one-minute minimum, split into hour buckets, for products priced
 * hourly or monthly"). The products are those the task was admitted for.
 */
final class TaskLifecycle {
  /** The ledger dimension of task time; its quantity is in seconds. */
  static final String TASK_TIME_DIMENSION = "TaskTime";

  private TaskLifecycle() {}

  /**
   * Stops a running task at the given service time and records its task time, in the caller's
   * transaction.
   */
  static TaskStop stop(Connection c, Tables tables, String taskId, Instant at) throws SQLException {
    Task task = tables.tasks().find(c, taskId);
    if (task == null || !tables.tasks().stop(c, taskId, at)) {
      return new TaskStop(task, false);
    }
    List<LedgerEntry> entries = new ArrayList<>();
    for (String productCode : tables.admissions().productsOf(c, taskId)) {
      Product product = tables.products().find(c, productCode);
      if (product != null && product.pricing().isTimeBased()) {
        entries.addAll(taskTime(task, product, at));
      }
    }
    tables.usage().insertOrFind(c, entries);
    return new TaskStop(task.stoppedAt(at), true);
  }

  private static List<LedgerEntry> taskTime(Task task, Product product, Instant stop) {
    List<LedgerEntry> entries = new ArrayList<>();
    for (TaskTime.Slice slice : TaskTime.split(task.startedAt(), stop)) {
      entries.add(
          new LedgerEntry(
              Ids.recordId(),
              new DedupKey(
                  "tasktime/" + task.taskId(),
                  product.productCode(),
                  TASK_TIME_DIMENSION,
                  slice.hour()),
              task.awsAccountId(),
              slice.seconds(),
              "q" + slice.seconds(),
              null,
              UsageSource.TASK_TIME,
              task.taskId(),
              slice.hour(),
              stop));
    }
    return entries;
  }
}
