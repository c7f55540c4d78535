package io.meterline.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Applies the jobs of one kind inside the open transaction of a batch, deciding each job's outcome.
 * Throwing aborts the whole transaction (it is then retried or split up).
 *
 * <p>Handlers of a batch run in ascending {@link #order()}, the same in every writer, so that
 * concurrent transactions take their row locks in the same order.
 */
public interface BatchHandler<J extends WriteJob<?>> {
  /** The position of this handler's work within a transaction. */
  int order();

  void apply(Connection connection, List<J> jobs) throws SQLException;
}
