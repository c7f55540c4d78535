package io.meterline.server.metering;

import io.meterline.server.auth.Caller;
import io.meterline.server.calls.Call;
import io.meterline.server.config.Limits;
import io.meterline.server.ledger.Ledger;
import io.meterline.server.store.Lookups;
import io.meterline.wire.Operation;
import io.meterline.wire.ServiceException;
import io.meterline.wire.json.RequestReader;
import io.meterline.wire.json.ResponseWriter;
import io.meterline.wire.model.BatchMeterUsageResult;
import io.meterline.wire.model.UsageRecordResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The four metering operations behind one entry point: an authenticated caller and a body in, the
 * JSON answer (or a failed future carrying a {@link ServiceException}) out.
 *
 * <p>Each request is throttled (when quotas are set), read and validated, then subject to any
 * injected fault, then handed to its operation.
 */
public final class MeteringService {
  private final Throttler throttler;
  private final FaultInjector faults;
  private final MeterUsageOperation meterUsage;
  private final BatchMeterUsageOperation batchMeterUsage;
  private final RegisterUsageOperation registerUsage;
  private final ResolveCustomerOperation resolveCustomer;

  /** Builds the operations over the given ledger, lookups, clock (service time) and limits. */
  public MeteringService(
      Ledger ledger,
      Lookups lookups,
      Clock serviceClock,
      Limits limits,
      Throttler throttler,
      FaultInjector faults,
      Executor signing) {
    Products products = new Products(lookups);
    this.throttler = throttler;
    this.faults = faults;
    this.meterUsage = new MeterUsageOperation(products, ledger, serviceClock, limits);
    this.batchMeterUsage = new BatchMeterUsageOperation(products, ledger, serviceClock, limits);
    this.registerUsage = new RegisterUsageOperation(products, ledger, serviceClock, signing);
    this.resolveCustomer = new ResolveCustomerOperation(lookups, serviceClock);
  }

  /**
   * Answers one request; errors come back as a failed future, never thrown. The call learns the
   * product the body names and the records the answer carries.
   */
  public CompletableFuture<byte[]> handle(Operation op, Caller caller, byte[] body, Call call) {
    try {
      throttler.acquire(caller.awsAccountId(), caller.region(), op);
      return switch (op) {
        case METER_USAGE -> {
          var request = RequestReader.meterUsage(body);
          call.productCode(request.productCode());
          yield withFault(
              op,
              () ->
                  meterUsage
                      .meter(caller, request)
                      .thenApply(
                          id -> {
                            if (id != null) {
                              call.meteringRecordIds(List.of(id));
                            }
                            return ResponseWriter.meterUsage(id);
                          }));
        }
        case BATCH_METER_USAGE -> {
          var request = RequestReader.batchMeterUsage(body);
          call.productCode(request.productCode());
          yield withFault(
              op,
              () ->
                  batchMeterUsage
                      .meter(caller, request)
                      .thenApply(
                          result -> {
                            call.meteringRecordIds(recorded(result));
                            return ResponseWriter.batchMeterUsage(result);
                          }));
        }
        case REGISTER_USAGE -> {
          var request = RequestReader.registerUsage(body);
          call.productCode(request.productCode());
          yield withFault(
              op,
              () ->
                  registerUsage.register(caller, request).thenApply(ResponseWriter::registerUsage));
        }
        case RESOLVE_CUSTOMER -> {
          var request = RequestReader.resolveCustomer(body);
          yield withFault(
              op,
              () ->
                  resolveCustomer
                      .resolve(caller, request)
                      .thenApply(
                          result -> {
                            call.productCode(result.productCode());
                            return ResponseWriter.resolveCustomer(result);
                          }));
        }
      };
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static List<String> recorded(BatchMeterUsageResult result) {
    List<String> ids = new ArrayList<>(result.results().size());
    for (UsageRecordResult r : result.results()) {
      if (r.meteringRecordId() != null) {
        ids.add(r.meteringRecordId());
      }
    }
    return ids;
  }

  private CompletableFuture<byte[]> withFault(
      Operation op, Supplier<CompletableFuture<byte[]>> call) {
    Optional<FaultInjector.Fault> fault = faults.roll(op);
    if (fault.isEmpty()) {
      return safely(call);
    }
    FaultInjector.Fault f = fault.get();
    Supplier<CompletableFuture<byte[]>> afterDelay =
        f.error() == null
            ? call
            : () ->
                CompletableFuture.failedFuture(
                    f.error()
                        .exception(
                            "Injected fault: %s on %s", f.error().wireName(), op.wireName()));
    if (f.latencyMs() == 0) {
      return safely(afterDelay);
    }
    Executor delayed = CompletableFuture.delayedExecutor(f.latencyMs(), TimeUnit.MILLISECONDS);
    return CompletableFuture.supplyAsync(() -> null, delayed).thenCompose(x -> safely(afterDelay));
  }

  private static CompletableFuture<byte[]> safely(Supplier<CompletableFuture<byte[]>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
