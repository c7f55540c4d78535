package io.meterline.server.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One record of the usage ledger.
 *
 * @param fingerprint what identifies the content (quantity and allocations): an identical repeat
 *     has the same fingerprint and gets the same record id back
 * @param allocations the canonical JSON of the allocations, {@code null} when there were none
 * @param taskId the task or pod the usage came from, {@code null} for BatchMeterUsage
 * @param usageTime the timestamp the caller sent
 * @param recordedAt when the ledger took it, in service time
 */
public record LedgerEntry(
    String recordId,
    DedupKey key,
    String awsAccountId,
    long quantity,
    String fingerprint,
    String allocations,
    UsageSource source,
    String taskId,
    Instant usageTime,
    Instant recordedAt) {

  public LedgerEntry {
    Objects.requireNonNull(recordId, "recordId");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(awsAccountId, "awsAccountId");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(source, "source");
  }
}
