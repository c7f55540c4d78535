package io.meterline.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Applies the jobs of one kind inside the open transaction of a batch, deciding each job's outcome
 * in the attempt's {@link Decisions}. Throwing aborts the whole transaction (it is then retried or
 * split up).
 *
 * <p>Handlers of a batch run in ascending {@link #order()}, the same in every writer, so that
 * concurrent transactions take their row locks in the same order. The control plane's general work
 * ({@link Database#write}) has order {@value #GENERAL_WORK} and runs first; the ledger's handlers
 * take theirs from {@code ledger.LockOrder}.
 */
public interface BatchHandler<J extends WriteJob<?>> {
  /** The order of general write work, which comes before every other kind. */
  int GENERAL_WORK = 0;

  /**
   * The position of this handler's work within a transaction; greater than {@link #GENERAL_WORK}.
   */
  int order();

  void apply(Connection connection, List<J> jobs, Decisions decisions) throws SQLException;
}
