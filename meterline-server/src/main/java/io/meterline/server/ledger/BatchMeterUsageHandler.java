package io.meterline.server.ledger;

import io.meterline.server.domain.Account;
import io.meterline.server.domain.DedupKey;
import io.meterline.server.domain.Hours;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.LedgerEntry;
import io.meterline.server.domain.Subscription;
import io.meterline.server.domain.UsageSource;
import io.meterline.server.ledger.MeterOutcome.Duplicate;
import io.meterline.server.ledger.MeterOutcome.NotSubscribed;
import io.meterline.server.ledger.MeterOutcome.Recorded;
import io.meterline.server.store.BatchHandler;
import io.meterline.server.store.Decisions;
import io.meterline.server.store.Tables;
import io.meterline.server.store.UsageRecordsTable;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.model.UsageRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies BatchMeterUsage calls in the shared transaction. Per record (SPEC §1.1
 * "BatchMeterUsage"): an unknown customer, or one without a subscription that takes the record
 * (active at the record's time, or ended less than the unsubscribe-pending hour ago with the record
 * timed within that hour), is not subscribed; otherwise the record is inserted unless its
 * (customer, dimension, hour) is taken, in which case the same content returns the stored id and
 * other content is a duplicate (the first write wins).
 */
final class BatchMeterUsageHandler implements BatchHandler<BatchMeterJob> {
  private final Tables tables;

  BatchMeterUsageHandler(Tables tables) {
    this.tables = tables;
  }

  @Override
  public int order() {
    return LockOrder.BATCH_METER_USAGE.rank();
  }

  /**
   * Decides the records of all the jobs together: one lookup of their customers and subscriptions,
   * and one insert per round, rounds keeping the jobs' order so that a record sees what an earlier
   * job's record with its key wrote, as if each job had its own transaction.
   */
  @Override
  public void apply(Connection c, List<BatchMeterJob> jobs, Decisions d) throws SQLException {
    Map<String, Account> byIdentifier = accounts(c, jobs, true);
    Map<String, Account> byAccountId = accounts(c, jobs, false);
    Map<String, Map<String, List<Subscription>>> subscriptions =
        subscriptions(c, jobs, byIdentifier, byAccountId);
    List<MeterOutcome[]> results = new ArrayList<>(jobs.size());
    List<Candidate> candidates = new ArrayList<>();
    for (BatchMeterJob job : jobs) {
      MeterOutcome[] jobResults = new MeterOutcome[job.records.size()];
      results.add(jobResults);
      Map<String, Account> accounts = job.byCustomerIdentifier ? byIdentifier : byAccountId;
      Map<String, List<Subscription>> productSubscriptions =
          subscriptions.getOrDefault(job.product.productCode(), Map.of());
      RuntimeException badLicense = licenseError(job, accounts, productSubscriptions);
      if (badLicense != null) {
        d.reject(job, badLicense);
        continue;
      }
      for (int i = 0; i < job.records.size(); i++) {
        UsageRecord r = job.records.get(i);
        Account account = accounts.get(customerOf(job, r));
        if (account == null || !isSubscribed(productSubscriptions, account, r, job.receivedAt)) {
          jobResults[i] = new NotSubscribed();
        } else {
          candidates.add(new Candidate(job, jobResults, i, entry(job, r, account)));
        }
      }
    }
    for (List<Candidate> round : Rounds.of(candidates, x -> Arrays.asList(x.entry().key()))) {
      write(c, round);
    }
    for (int j = 0; j < jobs.size(); j++) {
      if (!d.isDecided(jobs.get(j))) {
        d.succeed(jobs.get(j), List.of(results.get(j)));
      }
    }
  }

  /** A record to insert: its job, where its result goes, and the ledger entry. */
  private record Candidate(
      BatchMeterJob job, MeterOutcome[] results, int index, LedgerEntry entry) {}

  /** The accounts the jobs name, by CustomerIdentifier or by account id. */
  private Map<String, Account> accounts(
      Connection c, List<BatchMeterJob> jobs, boolean byCustomerIdentifier) throws SQLException {
    List<String> names = new ArrayList<>();
    for (BatchMeterJob job : jobs) {
      if (job.byCustomerIdentifier == byCustomerIdentifier) {
        job.records.forEach(r -> names.add(customerOf(job, r)));
      }
    }
    if (names.isEmpty()) {
      return Map.of();
    }
    List<String> distinct = names.stream().distinct().toList();
    return byCustomerIdentifier
        ? tables.accounts().findByCustomerIdentifiers(c, distinct)
        : tables.accounts().findByIds(c, distinct);
  }

  /** The subscriptions of the named accounts, by product code, then by account. */
  private Map<String, Map<String, List<Subscription>>> subscriptions(
      Connection c,
      List<BatchMeterJob> jobs,
      Map<String, Account> byIdentifier,
      Map<String, Account> byAccountId)
      throws SQLException {
    Map<String, Set<String>> accountsByProduct = new LinkedHashMap<>();
    for (BatchMeterJob job : jobs) {
      Map<String, Account> accounts = job.byCustomerIdentifier ? byIdentifier : byAccountId;
      Set<String> ids =
          accountsByProduct.computeIfAbsent(job.product.productCode(), k -> new LinkedHashSet<>());
      for (UsageRecord r : job.records) {
        Account a = accounts.get(customerOf(job, r));
        if (a != null) {
          ids.add(a.awsAccountId());
        }
      }
    }
    Map<String, Map<String, List<Subscription>>> found = new HashMap<>();
    for (Map.Entry<String, Set<String>> e : accountsByProduct.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      Map<String, List<Subscription>> byAccount = new HashMap<>();
      for (Subscription s :
          tables.subscriptions().findAll(c, e.getKey(), new ArrayList<>(e.getValue()))) {
        byAccount.computeIfAbsent(s.awsAccountId(), k -> new ArrayList<>()).add(s);
      }
      found.put(e.getKey(), byAccount);
    }
    return found;
  }

  private void write(Connection c, List<Candidate> round) throws SQLException {
    List<UsageRecordsTable.Stored> stored =
        tables.usage().insertOrFind(c, round.stream().map(Candidate::entry).toList());
    for (int i = 0; i < round.size(); i++) {
      Candidate x = round.get(i);
      UsageRecordsTable.Stored s = stored.get(i);
      x.results()[x.index()] =
          s.fingerprint().equals(x.entry().fingerprint())
              ? new Recorded(s.recordId())
              : new Duplicate(x.entry().key());
    }
  }

  private static LedgerEntry entry(BatchMeterJob job, UsageRecord r, Account account) {
    String allocations = Fingerprints.canonicalAllocations(r.usageAllocations());
    return new LedgerEntry(
        Ids.recordId(),
        new DedupKey(
            "customer/" + account.awsAccountId(),
            job.product.productCode(),
            r.dimension(),
            Hours.startOf(r.timestamp())),
        account.awsAccountId(),
        r.quantityOrZero(),
        Fingerprints.record(r.quantityOrZero(), allocations),
        allocations,
        UsageSource.BATCH_METER_USAGE,
        null,
        r.timestamp(),
        job.receivedAt);
  }

  private static boolean isSubscribed(
      Map<String, List<Subscription>> subscriptions,
      Account account,
      UsageRecord r,
      Instant receivedAt) {
    for (Subscription s : subscriptions.getOrDefault(account.awsAccountId(), List.of())) {
      if (s.takesRecord(r.timestamp(), receivedAt)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The InvalidLicenseException a job's records earn when one names a LicenseArn (newer models)
   * that is not the license of that customer's subscription to the product taking the record at its
   * time (facts §6: "valid, matches the customer, and usage is within the license activation
   * period"); {@code null} when every license named is right. A record without one is judged as
   * before.
   */
  private static RuntimeException licenseError(
      BatchMeterJob job,
      Map<String, Account> accounts,
      Map<String, List<Subscription>> subscriptions) {
    for (UsageRecord r : job.records) {
      if (r.licenseArn() == null) {
        continue;
      }
      Account account = accounts.get(customerOf(job, r));
      boolean valid = false;
      if (account != null) {
        for (Subscription s : subscriptions.getOrDefault(account.awsAccountId(), List.of())) {
          valid |=
              !s.contract().isEmpty()
                  && Ids.licenseArn(s.subscriptionId()).equals(r.licenseArn())
                  && s.takesRecord(r.timestamp(), job.receivedAt)
                  && s.contractCovers(r.timestamp());
        }
      }
      if (!valid) {
        return ErrorCode.INVALID_LICENSE.exception(
            "License %s is not a license of customer %s for product %s active at %s",
            r.licenseArn(), customerOf(job, r), job.product.productCode(), r.timestamp());
      }
    }
    return null;
  }

  private static String customerOf(BatchMeterJob job, UsageRecord r) {
    return job.byCustomerIdentifier ? r.customerIdentifier() : r.customerAwsAccountId();
  }
}
