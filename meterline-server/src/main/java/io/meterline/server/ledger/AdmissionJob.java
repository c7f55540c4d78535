package io.meterline.server.ledger;

import io.meterline.server.store.BatchHandler;
import io.meterline.server.store.Decisions;
import io.meterline.server.store.Tables;
import io.meterline.server.store.WriteJob;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/** A RegisterUsage caller's entitlement, decided (and its admission recorded) in the database. */
final class AdmissionJob extends WriteJob<Boolean> {
  final Entitlement.Request request;
  private final Handler handler;

  AdmissionJob(Handler handler, Entitlement.Request request) {
    this.handler = handler;
    this.request = request;
  }

  @Override
  protected BatchHandler<?> handler() {
    return handler;
  }

  /** Decides every admission of a batch at once. */
  static final class Handler implements BatchHandler<AdmissionJob> {
    private final Tables tables;
    private final Clock clock;

    Handler(Tables tables, Clock clock) {
      this.tables = tables;
      this.clock = clock;
    }

    @Override
    public int order() {
      return LockOrder.ADMISSIONS.rank();
    }

    @Override
    public void apply(Connection c, List<AdmissionJob> jobs, Decisions d) throws SQLException {
      Set<Entitlement.Request> entitled =
          Entitlement.admit(c, tables, jobs.stream().map(j -> j.request).toList(), clock.instant());
      for (AdmissionJob job : jobs) {
        d.succeed(job, entitled.contains(job.request));
      }
    }
  }
}
