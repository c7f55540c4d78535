package io.meterline.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;

/**
 * A general piece of write work (the control plane's), run within the shared transaction under a
 * savepoint so that its failure does not abort the others.
 */
final class TxJob<T> extends WriteJob<T> {
  static final BatchHandler<TxJob<?>> HANDLER = new Handler();

  private final SqlWork<T> work;
  private final Dialect dialect;

  TxJob(SqlWork<T> work, Dialect dialect) {
    this.work = work;
    this.dialect = dialect;
  }

  @Override
  protected BatchHandler<?> handler() {
    return HANDLER;
  }

  private static final class Handler implements BatchHandler<TxJob<?>> {
    @Override
    public int order() {
      return GENERAL_WORK;
    }

    @Override
    public void apply(Connection c, List<TxJob<?>> jobs, Decisions decisions) throws SQLException {
      for (TxJob<?> job : jobs) {
        run(c, job, decisions);
      }
    }

    private static <T> void run(Connection c, TxJob<T> job, Decisions decisions)
        throws SQLException {
      Savepoint savepoint = c.setSavepoint();
      try {
        decisions.succeed(job, job.work.apply(c));
        c.releaseSavepoint(savepoint);
      } catch (SQLException e) {
        if (job.dialect.isRetryable(e) || Dialect.isConnectionLost(e)) {
          throw e;
        }
        c.rollback(savepoint);
        decisions.reject(job, new StoreException(e));
      } catch (RuntimeException e) {
        c.rollback(savepoint);
        decisions.reject(job, e);
      }
    }
  }
}
