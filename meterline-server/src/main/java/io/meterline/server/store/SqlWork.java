package io.meterline.server.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done with a connection, inside a transaction that someone else commits. */
@FunctionalInterface
public interface SqlWork<T> {
  T apply(Connection connection) throws SQLException;
}
