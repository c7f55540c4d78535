package io.meterline.server.domain;

/** Where a ledger entry came from. */
public enum UsageSource {
  METER_USAGE,
  BATCH_METER_USAGE,
  TASK_TIME
}
