package io.meterline.server.platform;

import io.meterline.server.ledger.Ledger;
import io.meterline.server.ledger.TaskStop;
import io.meterline.server.store.Database;
import io.meterline.server.store.Tables;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops tasks whose process died without a stop: a running task's SDK fetches new credentials
 * before the old ones expire, so a task whose newest credentials expired (real time) without a
 * newer set is gone. It is stopped at the next sweep, at the service time of that sweep, and its
 * task time is metered up to then.
 *
 * <p>Each sweep also has the ledger record the whole hours running tasks have passed, so that their
 * time shows on invoices before they stop.
 */
public final class TaskReaper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskReaper.class);
  private static final int PER_SWEEP = 500;

  private final Database db;
  private final Tables tables;
  private final Ledger ledger;
  private final Clock realClock;
  private final Clock serviceClock;
  private final ScheduledExecutorService timer;

  public TaskReaper(
      Database db,
      Tables tables,
      Ledger ledger,
      Clock realClock,
      Clock serviceClock,
      Duration interval) {
    this.db = db;
    this.tables = tables;
    this.ledger = ledger;
    this.realClock = realClock;
    this.serviceClock = serviceClock;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "meterline-task-reaper");
              t.setDaemon(true);
              return t;
            });
    long millis = interval.toMillis();
    timer.scheduleWithFixedDelay(this::sweep, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Stops every abandoned task found now; returns how many it stopped. */
  public int sweep() {
    try {
      List<String> abandoned =
          db.read(c -> tables.tasks().abandoned(c, realClock.instant(), PER_SWEEP));
      int stopped = 0;
      for (String taskId : abandoned) {
        TaskStop stop = ledger.stopTask(taskId, serviceClock.instant()).join();
        if (stop.stoppedNow()) {
          stopped++;
          LOG.info("stopped task {}: its credentials expired without being refreshed", taskId);
        }
      }
      int caughtUp;
      do {
        caughtUp = ledger.recordPassedHours(PER_SWEEP);
      } while (caughtUp == PER_SWEEP);
      return stopped;
    } catch (RuntimeException e) {
      LOG.warn("the sweep for abandoned tasks failed; it runs again later", e);
      return 0;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
