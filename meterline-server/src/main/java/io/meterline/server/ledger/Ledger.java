package io.meterline.server.ledger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.meterline.server.domain.DedupKey;
import io.meterline.server.domain.Hours;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.LedgerEntry;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Task;
import io.meterline.server.domain.UsageQuery;
import io.meterline.server.domain.UsageSource;
import io.meterline.server.ledger.MeterOutcome.Checked;
import io.meterline.server.ledger.MeterOutcome.Recorded;
import io.meterline.server.store.AdmissionsTable.Admission;
import io.meterline.server.store.ClientTokensTable;
import io.meterline.server.store.Database;
import io.meterline.server.store.Lookups;
import io.meterline.server.store.StoreBusyException;
import io.meterline.server.store.Tables;
import io.meterline.server.store.UsageRecordsTable;
import io.meterline.server.store.WriteJob;
import io.meterline.wire.model.MeterUsageRequest;
import io.meterline.wire.model.UsageRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The usage ledger: the one place usage is written. It decides, in the database, what the metering
 * operations and the platform cannot decide alone: ClientToken reuse, the first-call entitlement of
 * a task (its admission), dedup on the hour, and the task time of a stopping task. Each decision is
 * a job for the store's group commit, and its outcome is delivered once its transaction committed.
 *
 * <p>Admissions never end (SPEC §1.1), so those seen committed are cached until idle for ten
 * minutes (tasks come and go; one that meters hourly is asked of the database again, where its
 * admission is found); the database stays the judge of new ones.
 */
public final class Ledger {
  private final Database db;
  private final Tables tables;
  private final Lookups lookups;
  private final Clock clock;
  private final MeterUsageHandler meterUsage;
  private final BatchMeterUsageHandler batchMeterUsage;
  private final AdmissionJob.Handler admissions;
  private final Cache<Admission, Boolean> admitted =
      Caffeine.newBuilder().maximumSize(200_000).expireAfterAccess(Duration.ofMinutes(10)).build();

  /**
   * The ledger over this database.
   *
   * @param serviceClock the service time, which stamps what the ledger records
   */
  public Ledger(Database db, Lookups lookups, Clock serviceClock) {
    this.db = db;
    this.tables = lookups.tables();
    this.lookups = lookups;
    this.clock = serviceClock;
    this.meterUsage = new MeterUsageHandler(tables, serviceClock);
    this.batchMeterUsage = new BatchMeterUsageHandler(tables);
    this.admissions = new AdmissionJob.Handler(tables, serviceClock);
  }

  /**
   * Records a MeterUsage request (checks it, for a DryRun) and admits its task if this is its first
   * call for the product. Fails with {@link StoreBusyException} at once when the write queue is
   * full.
   */
  public CompletableFuture<MeterOutcome> meterUsage(MeterUsageWrite write) {
    MeterUsageRequest request = write.request();
    String scope = write.scope();
    String allocations = Fingerprints.canonicalAllocations(request.usageAllocations());
    String fingerprint = Fingerprints.record(request.usageQuantity(), allocations);
    ClientTokensTable.Key tokenKey =
        request.clientToken() == null
            ? null
            : new ClientTokensTable.Key(scope, request.clientToken());
    String tokenFingerprint =
        Fingerprints.request(
            request.productCode(),
            request.usageDimension(),
            request.timestamp(),
            fingerprint,
            request.dryRun());
    LedgerEntry entry = null;
    Entitlement.Request entitlement = null;
    if (write.refusal() == null) {
      Task task = write.task();
      Product product = write.product();
      entry =
          new LedgerEntry(
              Ids.recordId(),
              new DedupKey(
                  scope,
                  product.productCode(),
                  request.usageDimension(),
                  Hours.startOf(request.timestamp())),
              task.awsAccountId(),
              request.usageQuantity(),
              fingerprint,
              allocations,
              UsageSource.METER_USAGE,
              task.taskId(),
              request.timestamp(),
              clock.instant());
      if (!isAdmitted(task, product)) {
        entitlement = new Entitlement.Request(task.taskId(), task.awsAccountId(), product);
      }
    }
    MeterJob job =
        new MeterJob(
            meterUsage,
            tokenKey,
            tokenFingerprint,
            write.refusal(),
            entitlement,
            entry,
            request.dryRun());
    Entitlement.Request asked = entitlement;
    return submit(job)
        .thenApply(
            outcome -> {
              if (asked != null && (outcome instanceof Recorded || outcome instanceof Checked)) {
                admitted.put(asked.admission(), Boolean.TRUE);
              }
              return outcome;
            });
  }

  /**
   * Records the usage records of a BatchMeterUsage call, each decided on its own; the outcomes are
   * in the records' order. Fails with {@link StoreBusyException} at once when the write queue is
   * full.
   *
   * @param byCustomerIdentifier whether the records name customers by CustomerIdentifier (else by
   *     CustomerAWSAccountId)
   * @param receivedAt when the call arrived, in service time
   */
  public CompletableFuture<List<MeterOutcome>> batchMeterUsage(
      Product product,
      List<UsageRecord> records,
      boolean byCustomerIdentifier,
      Instant receivedAt) {
    return submit(
        new BatchMeterJob(batchMeterUsage, product, records, byCustomerIdentifier, receivedAt));
  }

  /**
   * Whether the task is entitled to the product: {@code true} at once if it was admitted before,
   * else decided (and its admission recorded) in the database. Fails with {@link
   * StoreBusyException} at once when the write queue is full.
   */
  public CompletableFuture<Boolean> admit(Task task, Product product) {
    if (isAdmitted(task, product)) {
      return CompletableFuture.completedFuture(true);
    }
    Entitlement.Request request =
        new Entitlement.Request(task.taskId(), task.awsAccountId(), product);
    return submit(new AdmissionJob(admissions, request))
        .thenApply(
            entitled -> {
              if (entitled) {
                admitted.put(request.admission(), Boolean.TRUE);
              }
              return entitled;
            });
  }

  /**
   * Stops a running task at the given service time and records its task time for the time-priced
   * products it was admitted for (SPEC §2).
   */
  public CompletableFuture<TaskStop> stopTask(String taskId, Instant at) {
    return db.write(c -> TaskLifecycle.stop(c, tables, taskId, at))
        .thenApply(
            stop -> {
              lookups.invalidateTask(taskId);
              return stop;
            });
  }

  /**
   * Records the hours running tasks have passed (SPEC §3.2: a running task's time is accrued at
   * least hourly), up to the start of the current hour of service time, at most {@code limit} tasks
   * in one transaction; returns how many tasks it brought up to date.
   */
  public int recordPassedHours(int limit) {
    Instant hour = Hours.startOf(clock.instant());
    // Found on a reader, so that the writer is taken only when there is something to write.
    List<Task> behind = db.read(c -> tables.tasks().timeToRecord(c, hour, limit));
    if (behind.isEmpty()) {
      return 0;
    }
    db.write(
            c -> {
              for (Task task : behind) {
                TaskLifecycle.recordPassedHours(c, tables, task.taskId(), hour);
              }
              return null;
            })
        .join();
    return behind.size();
  }

  /**
   * The ledger's quantities per hour and dimension over the hours {@code [from, to)}; {@code null}
   * filters do not filter.
   */
  public List<UsageRecordsTable.DimensionHour> totalsByHour(
      String productCode, String awsAccountId, Instant from, Instant to) {
    return db.read(c -> tables.usage().totalsByDimension(c, productCode, awsAccountId, from, to));
  }

  /** Ledger entries matching the query, by hour, each with where it stands. */
  public List<UsageRecordsTable.Listed> entries(UsageQuery query) {
    return db.read(c -> tables.usage().query(c, query));
  }

  private boolean isAdmitted(Task task, Product product) {
    return admitted.getIfPresent(new Admission(task.taskId(), product.productCode())) != null;
  }

  private <R> CompletableFuture<R> submit(WriteJob<R> job) {
    return db.submit(job) ? job.future() : CompletableFuture.failedFuture(new StoreBusyException());
  }
}
