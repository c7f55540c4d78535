package io.meterline.server.metering;

import io.meterline.server.auth.Caller;
import io.meterline.server.config.Limits;
import io.meterline.server.ledger.Ledger;
import io.meterline.server.store.Lookups;
import io.meterline.wire.Operation;
import io.meterline.wire.ServiceException;
import io.meterline.wire.json.RequestReader;
import io.meterline.wire.json.ResponseWriter;
import java.time.Clock;
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

  /** Answers one request; errors come back as a failed future, never thrown. */
  public CompletableFuture<byte[]> handle(Operation op, Caller caller, byte[] body) {
    try {
      throttler.acquire(caller.awsAccountId(), caller.region(), op);
      return switch (op) {
        case METER_USAGE -> {
          var request = RequestReader.meterUsage(body);
          yield withFault(
              op, () -> meterUsage.meter(caller, request).thenApply(ResponseWriter::meterUsage));
        }
        case BATCH_METER_USAGE -> {
          var request = RequestReader.batchMeterUsage(body);
          yield withFault(
              op,
              () ->
                  batchMeterUsage
                      .meter(caller, request)
                      .thenApply(ResponseWriter::batchMeterUsage));
        }
        case REGISTER_USAGE -> {
          var request = RequestReader.registerUsage(body);
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
                      .thenApply(ResponseWriter::resolveCustomer));
        }
      };
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
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
