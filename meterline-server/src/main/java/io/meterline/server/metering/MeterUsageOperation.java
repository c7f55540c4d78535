package io.meterline.server.metering;

import io.meterline.server.auth.Caller;
import io.meterline.server.auth.Ids;
import io.meterline.server.auth.Principal;
import io.meterline.server.config.Limits;
import io.meterline.server.domain.Product;
import io.meterline.server.ledger.DedupKey;
import io.meterline.server.ledger.LedgerEntry;
import io.meterline.server.ledger.UsageSource;
import io.meterline.server.platform.Task;
import io.meterline.server.store.ClientTokensTable;
import io.meterline.server.store.Database;
import io.meterline.server.store.Lookups;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import io.meterline.wire.model.AllocationRules;
import io.meterline.wire.model.MeterUsageRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * MeterUsage: checks what can be checked from cached state, then hands the request to the write
 * path ({@link MeterUsageHandler}), which decides tokens, entitlement and dedup in the database.
 * Answers with the MeteringRecordId, or {@code null} for a DryRun.
 */
final class MeterUsageOperation {
  private final Products products;
  private final Lookups lookups;
  private final Database db;
  private final MeterUsageHandler handler;
  private final Clock clock;
  private final Limits limits;

  MeterUsageOperation(
      Products products,
      Lookups lookups,
      Database db,
      MeterUsageHandler handler,
      Clock clock,
      Limits limits) {
    this.products = products;
    this.lookups = lookups;
    this.db = db;
    this.handler = handler;
    this.clock = clock;
    this.limits = limits;
  }

  CompletableFuture<String> meter(Caller caller, MeterUsageRequest request) {
    return products
        .find(request.productCode(), p -> p.dimension(request.usageDimension()).isPresent())
        .thenCompose(product -> submit(caller, request, product));
  }

  private CompletableFuture<String> submit(
      Caller caller, MeterUsageRequest request, Product product) {
    Instant now = clock.instant();
    Task task = caller.principal() instanceof Principal.TaskCredentials t ? t.task() : null;
    String scope = task != null ? "task/" + task.taskId() : "account/" + caller.awsAccountId();
    ServiceException deferred = precheck(caller, request, product, now);
    if (deferred != null && request.clientToken() == null) {
      return CompletableFuture.failedFuture(deferred);
    }
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
    if (deferred == null) {
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
              now);
      if (!lookups.isAdmitted(task.taskId(), product.productCode())) {
        entitlement = new Entitlement.Request(task.taskId(), task.awsAccountId(), product);
      }
    }
    MeterJob job =
        new MeterJob(
            handler, tokenKey, tokenFingerprint, deferred, entitlement, entry, request.dryRun());
    if (!db.submit(job)) {
      return CompletableFuture.failedFuture(Overload.busy());
    }
    Entitlement.Request admitted = entitlement;
    return job.future()
        .thenApply(
            recordId -> {
              if (admitted != null) {
                lookups.markAdmitted(admitted.taskId(), admitted.product().productCode());
              }
              return recordId;
            });
  }

  /** The first error that applies, in the order SPEC §1.1 gives, or {@code null}. */
  private ServiceException precheck(
      Caller caller, MeterUsageRequest request, Product product, Instant now) {
    try {
      Task task = PlatformRules.meterUsageTask(caller);
      Products.require(product, request.productCode());
      Products.requireContainerProduct(product, "MeterUsage");
      if (product.dimension(request.usageDimension()).isEmpty()) {
        throw ErrorCode.INVALID_USAGE_DIMENSION.exception(
            "Product %s has no dimension '%s'", product.productCode(), request.usageDimension());
      }
      AllocationRules.check(request.usageQuantity(), request.usageAllocations());
      ServiceException window =
          TimestampWindow.check(
              request.timestamp(), now, limits.meterUsagePast(), limits.meterUsageFuture());
      if (window != null) {
        return window;
      }
      // Usage is bucketed by hour, so the hour the task started in is the earliest it may meter.
      if (request.timestamp().isBefore(Hours.startOf(task.startedAt()))) {
        return ErrorCode.TIMESTAMP_OUT_OF_BOUNDS.exception(
            "Timestamp %s is before the hour in " + "which the task or instance started (%s)",
            request.timestamp(), task.startedAt());
      }
      return null;
    } catch (ServiceException e) {
      return e;
    }
  }
}
