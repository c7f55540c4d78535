package io.meterline.server.config;

/**
 * How the write path groups work into transactions.
 *
 * @param threads writer threads, each with its own connection (SQLite allows one writer)
 * @param maxBatch the most jobs committed in one transaction
 * @param queueCapacity jobs that may wait for a writer; beyond it requests are turned away with
 *     ThrottlingException at once instead of queueing without limit
 * @param maxQueueWait how long the oldest waiting job may have waited before new work is turned
 *     away the same way: under overload, answers stay quick instead of queueing for seconds
 */
public record CommitSettings(
    int threads, int maxBatch, int queueCapacity, java.time.Duration maxQueueWait) {
  public CommitSettings {
    if (maxQueueWait.isNegative() || maxQueueWait.isZero()) {
      throw new IllegalArgumentException("maxQueueWait must be > 0, was " + maxQueueWait);
    }
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

  /** Far above a healthy commit (a few ms), well below an SDK's patience. */
  public static final java.time.Duration DEFAULT_MAX_QUEUE_WAIT = java.time.Duration.ofMillis(500);

  /** One writer for SQLite; a few for PostgreSQL, whose commits overlap. */
  public static CommitSettings defaults(StoreKind store) {
    return store == StoreKind.SQLITE
        ? new CommitSettings(1, 512, 8192, DEFAULT_MAX_QUEUE_WAIT)
        : new CommitSettings(2, 512, 8192, DEFAULT_MAX_QUEUE_WAIT);
  }
}
