package io.meterline.server.ledger;

import io.meterline.server.domain.LedgerEntry;
import io.meterline.server.store.BatchHandler;
import io.meterline.server.store.ClientTokensTable;
import io.meterline.server.store.WriteJob;
import java.util.Arrays;
import java.util.List;

/**
 * One MeterUsage request on its way to the ledger.
 *
 * @param tokenKey the ClientToken under the caller's identity, {@code null} without one
 * @param tokenFingerprint what the token must have been used for before, to be a retry
 * @param refusal an error already known, answered only after the ClientToken check
 * @param entitlement the admission to decide, {@code null} when already admitted
 * @param entry the record to write (its id is used only if it is new); {@code null} when {@code
 *     refusal} is set
 */
final class MeterJob extends WriteJob<MeterOutcome> {
  final ClientTokensTable.Key tokenKey;
  final String tokenFingerprint;
  final RuntimeException refusal;
  final Entitlement.Request entitlement;
  final LedgerEntry entry;
  final boolean dryRun;
  private final BatchHandler<MeterJob> handler;

  MeterJob(
      BatchHandler<MeterJob> handler,
      ClientTokensTable.Key tokenKey,
      String tokenFingerprint,
      RuntimeException refusal,
      Entitlement.Request entitlement,
      LedgerEntry entry,
      boolean dryRun) {
    this.handler = handler;
    this.tokenKey = tokenKey;
    this.tokenFingerprint = tokenFingerprint;
    this.refusal = refusal;
    this.entitlement = entitlement;
    this.entry = entry;
    this.dryRun = dryRun;
  }

  @Override
  protected BatchHandler<?> handler() {
    return handler;
  }

  /** Whether this request claims its token for good if it succeeds. */
  boolean reservesToken() {
    return tokenKey != null && refusal == null && !dryRun;
  }

  List<Object> keys() {
    return Arrays.asList(tokenKey, entry == null ? null : entry.key());
  }
}
