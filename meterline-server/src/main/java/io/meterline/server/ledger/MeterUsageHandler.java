package io.meterline.server.ledger;

import io.meterline.server.domain.DedupKey;
import io.meterline.server.domain.LedgerEntry;
import io.meterline.server.ledger.MeterOutcome.Checked;
import io.meterline.server.ledger.MeterOutcome.Duplicate;
import io.meterline.server.ledger.MeterOutcome.NotEntitled;
import io.meterline.server.ledger.MeterOutcome.Recorded;
import io.meterline.server.ledger.MeterOutcome.Refused;
import io.meterline.server.ledger.MeterOutcome.TokenReused;
import io.meterline.server.store.BatchHandler;
import io.meterline.server.store.ClientTokensTable;
import io.meterline.server.store.Decisions;
import io.meterline.server.store.Tables;
import io.meterline.server.store.UsageRecordsTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a batch of MeterUsage requests in one transaction, in set-based phases.
 *
 * <p>Notes on the design:
 *
 * <ol>
 *   <li><b>Tokens.</b> A request that would write reserves its ClientToken first (insert, ignore if
 *       taken). A taken token is a retry when the stored request matches, answered with the stored
 *       record id, else an IdempotencyConflict. Reserving before anything else makes the database
 *       decide between concurrent requests with one token, even on two servers.
 *   <li><b>Refusals</b> the operation found (bad product, platform, region, window…) are answered
 *       now: after the token check, which outranks them.
 *   <li><b>Entitlement</b> of tasks not yet admitted, and their admission (a DryRun admits too).
 *   <li><b>Records.</b> Insert, ignore if the dedup key is taken; a taken key with the same content
 *       returns the stored id (idempotent), other content is a DuplicateRequest.
 *   <li><b>Token outcome.</b> Reservations of requests not recorded are released; those answered
 *       with an existing record are pointed at it.
 * </ol>
 *
 * <p>Every outcome is a {@link MeterOutcome} value, decided in the attempt's {@link Decisions}.
 *
 * <p>Requests sharing a token or dedup key go to successive rounds ({@link Rounds}), so each
 * statement's rows are distinct and a later request sees an earlier one's write. Rows are inserted
 * in key order so that concurrent PostgreSQL transactions lock them in one order.
 */
final class MeterUsageHandler implements BatchHandler<MeterJob> {
  private static final Comparator<ClientTokensTable.Key> TOKEN_ORDER =
      Comparator.comparing(ClientTokensTable.Key::scope)
          .thenComparing(ClientTokensTable.Key::token);

  private final Tables tables;
  private final Clock clock;

  MeterUsageHandler(Tables tables, Clock clock) {
    this.tables = tables;
    this.clock = clock;
  }

  @Override
  public int order() {
    return LockOrder.METER_USAGE.rank();
  }

  @Override
  public void apply(Connection c, List<MeterJob> jobs, Decisions d) throws SQLException {
    for (List<MeterJob> round : Rounds.of(jobs, MeterJob::keys)) {
      applyRound(c, round, d);
    }
  }

  private void applyRound(Connection c, List<MeterJob> round, Decisions d) throws SQLException {
    List<MeterJob> reserved = checkTokens(c, round, d);
    for (MeterJob job : round) {
      if (!d.isDecided(job) && job.refusal != null) {
        d.succeed(job, new Refused(job.refusal));
      }
    }
    checkEntitlement(c, round, d);
    writeRecords(c, round, d);
    settleTokens(c, reserved, d);
  }

  /** Phase 1; returns the jobs whose reservation was inserted. */
  private List<MeterJob> checkTokens(Connection c, List<MeterJob> round, Decisions d)
      throws SQLException {
    List<MeterJob> reserving = new ArrayList<>();
    List<MeterJob> probing = new ArrayList<>();
    for (MeterJob job : round) {
      if (job.reservesToken()) {
        reserving.add(job);
      } else if (job.tokenKey != null) {
        probing.add(job);
      }
    }
    reserving.sort(Comparator.comparing(j -> j.tokenKey, TOKEN_ORDER));
    List<ClientTokensTable.Reservation> reservations = new ArrayList<>(reserving.size());
    for (MeterJob job : reserving) {
      reservations.add(
          new ClientTokensTable.Reservation(
              job.tokenKey, job.tokenFingerprint, job.entry.recordId()));
    }
    boolean[] inserted = tables.clientTokens().reserve(c, reservations, clock.instant());
    List<MeterJob> won = new ArrayList<>();
    for (int i = 0; i < reserving.size(); i++) {
      (inserted[i] ? won : probing).add(reserving.get(i));
    }
    if (!probing.isEmpty()) {
      Map<ClientTokensTable.Key, ClientTokensTable.Stored> stored =
          tables.clientTokens().find(c, probing.stream().map(j -> j.tokenKey).toList());
      for (MeterJob job : probing) {
        ClientTokensTable.Stored s = stored.get(job.tokenKey);
        if (s == null) {
          if (job.reservesToken()) {
            throw new IllegalStateException(
                "token " + job.tokenKey + " neither inserted nor " + "found");
          }
        } else if (s.fingerprint().equals(job.tokenFingerprint) && s.recordId() != null) {
          d.succeed(job, new Recorded(s.recordId()));
        } else {
          d.succeed(job, new TokenReused(job.tokenKey.token()));
        }
      }
    }
    return won;
  }

  /** Phase 3. */
  private void checkEntitlement(Connection c, List<MeterJob> round, Decisions d)
      throws SQLException {
    List<Entitlement.Request> requests = new ArrayList<>();
    for (MeterJob job : round) {
      if (!d.isDecided(job) && job.entitlement != null) {
        requests.add(job.entitlement);
      }
    }
    if (requests.isEmpty()) {
      return;
    }
    Set<Entitlement.Request> entitled = Entitlement.admit(c, tables, requests, clock.instant());
    for (MeterJob job : round) {
      if (!d.isDecided(job) && job.entitlement != null && !entitled.contains(job.entitlement)) {
        d.succeed(
            job,
            new NotEntitled(
                job.entitlement.awsAccountId(), job.entitlement.product().productCode()));
      }
    }
  }

  /** Phase 4. */
  private void writeRecords(Connection c, List<MeterJob> round, Decisions d) throws SQLException {
    List<MeterJob> writing = new ArrayList<>();
    List<MeterJob> checking = new ArrayList<>();
    for (MeterJob job : round) {
      if (!d.isDecided(job)) {
        (job.dryRun ? checking : writing).add(job);
      }
    }
    List<UsageRecordsTable.Stored> stored =
        tables.usage().insertOrFind(c, writing.stream().map(j -> j.entry).toList());
    for (int i = 0; i < writing.size(); i++) {
      d.succeed(writing.get(i), decide(writing.get(i), stored.get(i)));
    }
    if (!checking.isEmpty()) {
      Map<DedupKey, UsageRecordsTable.Stored> found =
          tables.usage().find(c, checking.stream().map(j -> j.entry.key()).toList());
      for (MeterJob job : checking) {
        d.succeed(job, decide(job, found.get(job.entry.key())));
      }
    }
  }

  /** Same content as what holds the key: recorded (checked, for a DryRun); else a duplicate. */
  private static MeterOutcome decide(MeterJob job, UsageRecordsTable.Stored stored) {
    LedgerEntry e = job.entry;
    if (stored != null && !stored.fingerprint().equals(e.fingerprint())) {
      return new Duplicate(e.key());
    }
    return job.dryRun ? new Checked() : new Recorded(stored.recordId());
  }

  /** Phase 5. */
  private void settleTokens(Connection c, List<MeterJob> reserved, Decisions d)
      throws SQLException {
    List<ClientTokensTable.Key> released = new ArrayList<>();
    Map<ClientTokensTable.Key, String> repointed = new HashMap<>();
    for (MeterJob job : reserved) {
      if (!(d.value(job) instanceof Recorded recorded)) {
        released.add(job.tokenKey);
      } else if (!job.entry.recordId().equals(recorded.recordId())) {
        repointed.put(job.tokenKey, recorded.recordId());
      }
    }
    tables.clientTokens().release(c, released);
    tables.clientTokens().setRecordIds(c, repointed);
  }
}
