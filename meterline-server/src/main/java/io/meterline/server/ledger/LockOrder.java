package io.meterline.server.ledger;

import io.meterline.server.store.BatchHandler;

/**
 * The order in which the ledger's kinds of work run within one shared transaction, after the
 * control plane's general work ({@link BatchHandler#GENERAL_WORK}, where tasks stop and their task
 * time is written). Every writer applies a batch in this order, so that concurrent PostgreSQL
 * transactions take their row locks in one order; within a kind, rows are written in key order.
 */
enum LockOrder {
  /** RegisterUsage admissions: {@code task_admissions}. */
  ADMISSIONS,
  /**
   * MeterUsage: {@code client_tokens}, then {@code task_admissions}, then {@code usage_records}.
   */
  METER_USAGE,
  /** BatchMeterUsage: {@code usage_records}. */
  BATCH_METER_USAGE;

  /** The handler order of this kind of work. */
  int rank() {
    return BatchHandler.GENERAL_WORK + 1 + ordinal();
  }
}
