package io.meterline.server.config;

import java.util.Locale;

/** Which database holds the server's state. */
public enum StoreKind {
  /** SQLite in WAL mode in the data directory: the embedded default. */
  SQLITE,
  /** PostgreSQL, for production and for several servers sharing one database. */
  POSTGRES;

  /**
   * The kind a command-line value names.
   *
   * @throws IllegalArgumentException naming the valid values
   */
  public static StoreKind parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--store must be sqlite or postgres, was '" + value + "'", e);
    }
  }
}
