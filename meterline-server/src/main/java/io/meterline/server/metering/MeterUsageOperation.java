package io.meterline.server.metering;

import io.meterline.server.auth.Caller;
import io.meterline.server.auth.Principal;
import io.meterline.server.config.Limits;
import io.meterline.server.domain.Hours;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Task;
import io.meterline.server.ledger.Ledger;
import io.meterline.server.ledger.MeterOutcome;
import io.meterline.server.ledger.MeterUsageWrite;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import io.meterline.wire.model.AllocationRules;
import io.meterline.wire.model.MeterUsageRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * MeterUsage: checks what can be checked from cached state, then hands the request to the {@link
 * Ledger}, which decides tokens, entitlement and dedup in the database. Answers with the
 * MeteringRecordId, or {@code null} for a DryRun.
 */
final class MeterUsageOperation {
  private final Products products;
  private final Ledger ledger;
  private final Clock clock;
  private final Limits limits;

  MeterUsageOperation(Products products, Ledger ledger, Clock clock, Limits limits) {
    this.products = products;
    this.ledger = ledger;
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
    Task task = caller.principal() instanceof Principal.TaskCredentials t ? t.task() : null;
    ServiceException refusal = precheck(caller, request, product, clock.instant());
    if (refusal != null && request.clientToken() == null) {
      return CompletableFuture.failedFuture(refusal);
    }
    MeterUsageWrite write =
        refusal == null
            ? MeterUsageWrite.accepted(request, task, product)
            : MeterUsageWrite.refused(request, task, caller.awsAccountId(), refusal);
    return ledger.meterUsage(write).thenApply(MeterUsageOperation::answer);
  }

  /** The MeteringRecordId ({@code null} for a DryRun), or the error the outcome calls for. */
  private static String answer(MeterOutcome outcome) {
    if (outcome instanceof MeterOutcome.Recorded r) {
      return r.recordId();
    }
    if (outcome instanceof MeterOutcome.Checked) {
      return null;
    }
    if (outcome instanceof MeterOutcome.Duplicate d) {
      throw ErrorCode.DUPLICATE_REQUEST.exception(
          "A different quantity was already metered for dimension '%s' in the hour starting %s",
          d.key().dimension(), d.key().hour());
    }
    if (outcome instanceof MeterOutcome.TokenReused t) {
      throw ErrorCode.IDEMPOTENCY_CONFLICT.exception(
          "ClientToken '%s' was already used for a different MeterUsage request", t.clientToken());
    }
    if (outcome instanceof MeterOutcome.NotEntitled n) {
      throw Entitlements.notEntitled(n.awsAccountId(), n.productCode());
    }
    if (outcome instanceof MeterOutcome.Refused r) {
      throw r.error();
    }
    throw new IllegalStateException("MeterUsage cannot come to " + outcome);
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
            "Timestamp %s is before the hour in which the task or instance started (%s)",
            request.timestamp(), task.startedAt());
      }
      return null;
    } catch (ServiceException e) {
      return e;
    }
  }
}
