package io.meterline.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** What differs between the two databases; the SQL itself is shared. */
public enum Dialect {
  SQLITE {
    @Override
    boolean isRetryable(SQLException e) {
      // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another connection holds the write lock.
      int code = e.getErrorCode();
      return code == 5 || code == 6;
    }

    @Override
    void lockForMigration(Connection connection) {
      // The single writer connection already serializes every write.
    }

    @Override
    String withoutRowid() {
      return "WITHOUT ROWID";
    }
  },
  POSTGRES {
    @Override
    boolean isRetryable(SQLException e) {
      String state = e.getSQLState();
      // 40001 serialization failure, 40P01 deadlock detected: the database chose a victim.
      return "40001".equals(state) || "40P01".equals(state);
    }

    @Override
    void lockForMigration(Connection connection) throws SQLException {
      // Two servers starting together on one database must not both migrate it.
      try (Statement s = connection.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(7342019)");
      }
    }

    @Override
    String withoutRowid() {
      return "";
    }
  };

  /** Whether a failed transaction may succeed when run again unchanged. */
  abstract boolean isRetryable(SQLException e);

  /** Takes the lock that serializes schema migrations, within the open transaction. */
  abstract void lockForMigration(Connection connection) throws SQLException;

  /** What the migrations' {@code {{WITHOUT_ROWID}}} table option stands for. */
  abstract String withoutRowid();

  /** Whether the failure means the connection itself is gone. */
  static boolean isConnectionLost(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("08");
  }
}
