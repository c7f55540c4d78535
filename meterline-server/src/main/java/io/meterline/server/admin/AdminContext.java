package io.meterline.server.admin;

import io.meterline.server.billing.Billing;
import io.meterline.server.billing.Reports;
import io.meterline.server.calls.CallLog;
import io.meterline.server.config.Limits;
import io.meterline.server.config.ServiceClock;
import io.meterline.server.ledger.Ledger;
import io.meterline.server.metering.FaultInjector;
import io.meterline.server.notify.Notifier;
import io.meterline.server.platform.TaskLauncher;
import io.meterline.server.store.Database;
import io.meterline.server.store.Lookups;
import io.meterline.server.store.SqlWork;
import io.meterline.server.store.StoreBusyException;
import io.meterline.server.store.StoreException;
import io.meterline.server.store.Tables;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** What the control plane works with. */
public record AdminContext(
    Database db,
    Tables tables,
    Lookups lookups,
    Ledger ledger,
    Billing billing,
    Reports reports,
    CallLog calls,
    ServiceClock clock,
    Limits limits,
    Set<String> regions,
    TaskLauncher launcher,
    FaultInjector faults,
    Notifier notifier) {

  /** Runs write work in a committed transaction and waits for it. */
  <T> T write(SqlWork<T> work) {
    return await(db.write(work));
  }

  /** Waits for work on its way through the write queue; a full queue is answered 503. */
  <T> T await(CompletableFuture<T> work) {
    try {
      return work.join();
    } catch (CompletionException e) {
      throw rethrow(e.getCause());
    }
  }

  /** Runs read work. */
  <T> T read(SqlWork<T> work) {
    return db.read(work);
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof StoreBusyException busy) {
      return new AdminBusyException(busy);
    }
    if (cause instanceof RuntimeException e) {
      return e;
    }
    return new StoreException("write failed", cause);
  }

  /** The write queue was full; answered 503. */
  static final class AdminBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AdminBusyException(Throwable cause) {
      super("the server is at capacity; retry shortly", cause);
    }
  }
}
