package io.meterline.server.metering;

import io.meterline.server.auth.Caller;
import io.meterline.server.config.Limits;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.Product;
import io.meterline.server.ledger.Ledger;
import io.meterline.server.ledger.MeterOutcome;
import io.meterline.server.store.StoreBusyException;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import io.meterline.wire.model.AllocationRules;
import io.meterline.wire.model.BatchMeterUsageRequest;
import io.meterline.wire.model.BatchMeterUsageResult;
import io.meterline.wire.model.UsageRecord;
import io.meterline.wire.model.UsageRecordResult;
import io.meterline.wire.model.UsageRecordStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BatchMeterUsage: request-wide rules first (any failure fails the whole call), then the per-record
 * decisions of the {@link Ledger}. Records the server cannot store in time come back in {@code
 * UnprocessedRecords}, never dropped.
 */
final class BatchMeterUsageOperation {
  private static final Logger LOG = LoggerFactory.getLogger(BatchMeterUsageOperation.class);

  private final Products products;
  private final Ledger ledger;
  private final Clock clock;
  private final Limits limits;

  BatchMeterUsageOperation(Products products, Ledger ledger, Clock clock, Limits limits) {
    this.products = products;
    this.ledger = ledger;
    this.clock = clock;
    this.limits = limits;
  }

  CompletableFuture<BatchMeterUsageResult> meter(Caller caller, BatchMeterUsageRequest request) {
    boolean byIdentifier = identificationMode(request.usageRecords());
    PlatformRules.requireSeller(caller, "BatchMeterUsage");
    if (byIdentifier) {
      for (UsageRecord r : request.usageRecords()) {
        if (!Ids.CUSTOMER_IDENTIFIER.matcher(r.customerIdentifier()).matches()) {
          throw ErrorCode.INVALID_CUSTOMER_IDENTIFIER.exception(
              "'%s' is not a customer " + "identifier issued by this marketplace",
              r.customerIdentifier());
        }
      }
    }
    return products
        .find(request.productCode(), p -> hasDimensions(p, request.usageRecords()))
        .thenCompose(product -> submit(caller, request, product, byIdentifier));
  }

  private CompletableFuture<BatchMeterUsageResult> submit(
      Caller caller, BatchMeterUsageRequest request, Product product, boolean byIdentifier) {
    Products.require(product, request.productCode());
    PlatformRules.requireOwningSeller(caller, product, "BatchMeterUsage");
    if (!product.saas()) {
      throw ErrorCode.INVALID_PRODUCT_CODE.exception(
          "Product %s is not a SaaS product; " + "BatchMeterUsage is for SaaS products",
          product.productCode());
    }
    Instant now = clock.instant();
    for (UsageRecord r : request.usageRecords()) {
      if (product.dimension(r.dimension()).isEmpty()) {
        throw ErrorCode.INVALID_USAGE_DIMENSION.exception(
            "Product %s has no dimension '%s'", product.productCode(), r.dimension());
      }
      AllocationRules.check(r.quantityOrZero(), r.usageAllocations());
    }
    // One bad timestamp fails the whole batch (facts §3.2).
    for (UsageRecord r : request.usageRecords()) {
      ServiceException window =
          TimestampWindow.checkBatch(r.timestamp(), now, limits.batchPast(), limits.batchFuture());
      if (window != null) {
        throw window;
      }
    }
    if (request.usageRecords().isEmpty()) {
      return CompletableFuture.completedFuture(new BatchMeterUsageResult(List.of(), List.of()));
    }
    return ledger
        .batchMeterUsage(product, request.usageRecords(), byIdentifier, now)
        .thenApply(outcomes -> answer(request.usageRecords(), outcomes))
        .exceptionally(
            failure -> {
              Throwable cause = failure instanceof CompletionException ce ? ce.getCause() : failure;
              if (cause instanceof ServiceException refused) {
                throw refused; // the ledger's answer to the whole request (InvalidLicense)
              }
              if (!(cause instanceof StoreBusyException)) {
                LOG.warn(
                    "BatchMeterUsage records of product {} were not stored; answered as "
                        + "unprocessed",
                    product.productCode(),
                    cause);
              }
              return unprocessed(request);
            });
  }

  /** Each record's result: recorded, a duplicate of another, or its customer not subscribed. */
  private static BatchMeterUsageResult answer(
      List<UsageRecord> records, List<MeterOutcome> outcomes) {
    List<UsageRecordResult> results = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      UsageRecord r = records.get(i);
      MeterOutcome outcome = outcomes.get(i);
      if (outcome instanceof MeterOutcome.Recorded recorded) {
        results.add(new UsageRecordResult(r, recorded.recordId(), UsageRecordStatus.SUCCESS));
      } else if (outcome instanceof MeterOutcome.Duplicate) {
        results.add(new UsageRecordResult(r, null, UsageRecordStatus.DUPLICATE_RECORD));
      } else if (outcome instanceof MeterOutcome.NotSubscribed) {
        results.add(new UsageRecordResult(r, null, UsageRecordStatus.CUSTOMER_NOT_SUBSCRIBED));
      } else {
        throw new IllegalStateException("a BatchMeterUsage record cannot come to " + outcome);
      }
    }
    return new BatchMeterUsageResult(results, List.of());
  }

  private static BatchMeterUsageResult unprocessed(BatchMeterUsageRequest request) {
    return new BatchMeterUsageResult(List.of(), request.usageRecords());
  }

  /**
   * Whether the call names customers by CustomerIdentifier (else by CustomerAWSAccountId); mixing
   * the two, in a record or across records, is invalid (SPEC §1.1).
   */
  private static boolean identificationMode(List<UsageRecord> records) {
    Boolean byIdentifier = null;
    for (int i = 0; i < records.size(); i++) {
      UsageRecord r = records.get(i);
      boolean hasIdentifier = r.customerIdentifier() != null;
      boolean hasAccount = r.customerAwsAccountId() != null;
      String path = "usageRecords." + (i + 1) + ".member";
      if (hasIdentifier == hasAccount) {
        throw ErrorCode.VALIDATION.exception(
            "1 validation error detected: Value at '%s' failed "
                + "to satisfy constraint: Member must name the customer by exactly one of "
                + "CustomerIdentifier or CustomerAWSAccountId",
            path);
      }
      if (byIdentifier != null && byIdentifier != hasIdentifier) {
        throw ErrorCode.VALIDATION.exception(
            "1 validation error detected: Value at '%s' failed "
                + "to satisfy constraint: All records of a request must name customers the same "
                + "way, by CustomerIdentifier or by CustomerAWSAccountId, never both",
            path);
      }
      byIdentifier = hasIdentifier;
    }
    return byIdentifier != null && byIdentifier;
  }

  private static boolean hasDimensions(Product p, List<UsageRecord> records) {
    for (UsageRecord r : records) {
      if (p.dimension(r.dimension()).isEmpty()) {
        return false;
      }
    }
    return true;
  }
}
