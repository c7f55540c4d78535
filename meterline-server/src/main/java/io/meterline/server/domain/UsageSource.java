package io.meterline.server.domain;

/** Where a ledger entry came from. */
public enum UsageSource {
  METER_USAGE,
  BATCH_METER_USAGE,
  TASK_TIME;

  /** The dimension of {@link #TASK_TIME} entries; their quantity is in seconds. */
  public static final String TASK_TIME_DIMENSION = "TaskTime";
}
