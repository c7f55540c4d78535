package io.meterline.server.store;

import java.sql.SQLException;

/** A database failure surfaced to the code above the store. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(SQLException cause) {
    super(cause.getMessage(), cause);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The SQL failure behind this one, if there is one. */
  public SQLException sqlCause() {
    return getCause() instanceof SQLException e ? e : null;
  }

  /** Whether the failure is a unique or primary-key violation. */
  public boolean isUniqueViolation() {
    SQLException e = sqlCause();
    return e != null && Jdbc.isUniqueViolation(e);
  }
}
