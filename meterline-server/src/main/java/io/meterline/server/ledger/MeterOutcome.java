package io.meterline.server.ledger;

import io.meterline.server.domain.DedupKey;

/**
 * What the ledger made of one usage report (a MeterUsage request, or one record of a
 * BatchMeterUsage call), decided in the database and delivered once its transaction committed. The
 * metering operations turn it into their answer.
 */
public sealed interface MeterOutcome {
  /** Recorded now, or found recorded before with the same content: its MeteringRecordId. */
  record Recorded(String recordId) implements MeterOutcome {}

  /** A DryRun that passed every check: it would have been recorded. */
  record Checked() implements MeterOutcome {}

  /** The key holds a record with other content (another quantity or other allocations). */
  record Duplicate(DedupKey key) implements MeterOutcome {}

  /** The ClientToken was used before for another request. */
  record TokenReused(String clientToken) implements MeterOutcome {}

  /** The task's account had no entitlement at its first call for the product. */
  record NotEntitled(String awsAccountId, String productCode) implements MeterOutcome {}

  /** The customer of a BatchMeterUsage record is unknown or was not subscribed at its time. */
  record NotSubscribed() implements MeterOutcome {}

  /** The error the operation found before, answered because the ClientToken did not outrank it. */
  record Refused(RuntimeException error) implements MeterOutcome {}
}
