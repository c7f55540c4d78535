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
    record(c, tables, task, TaskTime.split(task.startedAt(), at), at);
    tables.tasks().setTimeRecordedUntil(c, taskId, at);
    return new TaskStop(task.stoppedAt(at), true);
  }

  /**
   * Records the whole hours a running task has run before {@code hour} (an hour's start), which are
   * the same slices its stop would write for them (the one-minute minimum and the rounding of
   * seconds only ever touch its last hour), and notes how far its time is recorded.
   */
  static void recordPassedHours(Connection c, Tables tables, String taskId, Instant hour)
      throws SQLException {
    Task task = tables.tasks().find(c, taskId);
    if (task == null || task.isStopped()) {
      // stopped meanwhile: its stop recorded all of its time
      return;
    }
    List<TaskTime.Slice> passed = new ArrayList<>();
    for (TaskTime.Slice slice : TaskTime.split(task.startedAt(), hour)) {
      if (slice.hour().isBefore(hour)) {
        passed.add(slice);
      }
    }
    record(c, tables, task, passed, hour);
    tables.tasks().setTimeRecordedUntil(c, task.taskId(), hour);
  }

  /** Writes the slices for each time-priced product the task was admitted for. */
  private static void record(
      Connection c, Tables tables, Task task, List<TaskTime.Slice> slices, Instant recordedAt)
      throws SQLException {
    List<LedgerEntry> entries = new ArrayList<>();
    for (String productCode : tables.admissions().productsOf(c, task.taskId())) {
      Product product = tables.products().find(c, productCode);
      if (product != null && product.pricing().isTimeBased()) {
        entries.addAll(taskTime(task, product, slices, recordedAt));
      }
    }
    tables.usage().insertOrFind(c, entries);
  }

  private static List<LedgerEntry> taskTime(
      Task task, Product product, List<TaskTime.Slice> slices, Instant recordedAt) {
    List<LedgerEntry> entries = new ArrayList<>();
    for (TaskTime.Slice slice : slices) {
      entries.add(
          new LedgerEntry(
              Ids.recordId(),
              new DedupKey(
                  "tasktime/" + task.taskId(),
                  product.productCode(),
                  UsageSource.TASK_TIME_DIMENSION,
                  slice.hour()),
              task.awsAccountId(),
              slice.seconds(),
              "q" + slice.seconds(),
              null,
              UsageSource.TASK_TIME,
              task.taskId(),
              slice.hour(),
              recordedAt));
    }
    return entries;
  }
}
