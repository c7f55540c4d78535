package io.meterline.wire.model;

import java.util.Objects;

/** The result for one record: the record as sent, its status and, on success, its id. */
public record UsageRecordResult(
    UsageRecord usageRecord, String meteringRecordId, UsageRecordStatus status) {
  public UsageRecordResult {
    Objects.requireNonNull(usageRecord, "usageRecord");
    Objects.requireNonNull(status, "status");
  }
}
