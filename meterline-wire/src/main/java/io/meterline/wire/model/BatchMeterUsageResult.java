package io.meterline.wire.model;

import java.util.List;

/** The output of BatchMeterUsage. */
public record BatchMeterUsageResult(
    List<UsageRecordResult> results, List<UsageRecord> unprocessedRecords) {
  public BatchMeterUsageResult {
    results = List.copyOf(results);
    unprocessedRecords = List.copyOf(unprocessedRecords);
  }
}
