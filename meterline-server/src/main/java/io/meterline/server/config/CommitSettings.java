package io.meterline.server.config;

/**
 * How the write path groups work into transactions.
 *
 * @param threads writer threads, each with its own connection (SQLite allows one writer)
 * @param maxBatch the most jobs committed in one transaction
 * @param queueCapacity jobs that may wait for a writer; beyond it requests are turned away with
 *     ServiceUnavailable at once instead of queueing without limit
 */
public record CommitSettings(int threads, int maxBatch, int queueCapacity) {
  public CommitSettings {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, was " + threads);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
    }
    if (queueCapacity < maxBatch) {
      throw new IllegalArgumentException(
          "queueCapacity must be >= maxBatch (" + maxBatch + "), was " + queueCapacity);
    }
  }

  /** One writer for SQLite; a few for PostgreSQL, whose commits overlap. */
  public static CommitSettings defaults(StoreKind store) {
    return store == StoreKind.SQLITE
        ? new CommitSettings(1, 512, 8192)
        : new CommitSettings(2, 512, 8192);
  }
}
