package io.meterline.server.metering;

import io.meterline.server.auth.Ids;
import io.meterline.server.domain.Account;
import io.meterline.server.domain.Subscription;
import io.meterline.server.ledger.DedupKey;
import io.meterline.server.ledger.LedgerEntry;
import io.meterline.server.ledger.UsageSource;
import io.meterline.server.store.BatchHandler;
import io.meterline.server.store.Tables;
import io.meterline.server.store.UsageRecordsTable;
import io.meterline.wire.model.BatchMeterUsageResult;
import io.meterline.wire.model.UsageRecord;
import io.meterline.wire.model.UsageRecordResult;
import io.meterline.wire.model.UsageRecordStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Applies BatchMeterUsage calls in the shared transaction. Per record (SPEC §1.1
 * "BatchMeterUsage"): an unknown customer, or one without a subscription active at the record's
 * time, is {@code CustomerNotSubscribed}; otherwise the record is inserted unless its (customer,
 * dimension, hour) is taken, in which case the same content returns the stored id and other content
 * is a {@code DuplicateRecord} (the first write wins).
 */
final class BatchMeterUsageHandler implements BatchHandler<BatchMeterJob> {
  private final Tables tables;

  BatchMeterUsageHandler(Tables tables) {
    this.tables = tables;
  }

  @Override
  public int order() {
    return 20;
  }

  @Override
  public void apply(Connection c, List<BatchMeterJob> jobs) throws SQLException {
    for (BatchMeterJob job : jobs) {
      job.succeed(apply(c, job));
    }
  }

  private record Candidate(int index, LedgerEntry entry) {}

  private BatchMeterUsageResult apply(Connection c, BatchMeterJob job) throws SQLException {
    List<UsageRecord> records = job.records;
    List<String> names = records.stream().map(r -> customerOf(job, r)).toList();
    Map<String, Account> accounts =
        job.byCustomerIdentifier
            ? tables.accounts().findByCustomerIdentifiers(c, names)
            : tables.accounts().findByIds(c, names);
    List<Subscription> subscriptions =
        tables
            .subscriptions()
            .findAll(
                c,
                job.product.productCode(),
                accounts.values().stream().map(Account::awsAccountId).toList());
    UsageRecordResult[] results = new UsageRecordResult[records.size()];
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      UsageRecord r = records.get(i);
      Account account = accounts.get(names.get(i));
      if (account == null || !isSubscribed(subscriptions, account, r)) {
        results[i] = new UsageRecordResult(r, null, UsageRecordStatus.CUSTOMER_NOT_SUBSCRIBED);
      } else {
        candidates.add(new Candidate(i, entry(job, r, account)));
      }
    }
    for (List<Candidate> round : Rounds.of(candidates, x -> Arrays.asList(x.entry().key()))) {
      write(c, job, round, results);
    }
    return new BatchMeterUsageResult(Arrays.asList(results), List.of());
  }

  private void write(
      Connection c, BatchMeterJob job, List<Candidate> round, UsageRecordResult[] results)
      throws SQLException {
    List<UsageRecordsTable.Stored> stored =
        tables.usage().insertOrFind(c, round.stream().map(Candidate::entry).toList());
    for (int i = 0; i < round.size(); i++) {
      Candidate x = round.get(i);
      UsageRecordsTable.Stored s = stored.get(i);
      UsageRecord r = job.records.get(x.index());
      results[x.index()] =
          s.fingerprint().equals(x.entry().fingerprint())
              ? new UsageRecordResult(r, s.recordId(), UsageRecordStatus.SUCCESS)
              : new UsageRecordResult(r, null, UsageRecordStatus.DUPLICATE_RECORD);
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
      List<Subscription> subscriptions, Account account, UsageRecord r) {
    for (Subscription s : subscriptions) {
      if (s.awsAccountId().equals(account.awsAccountId()) && s.isActiveAt(r.timestamp())) {
        return true;
      }
    }
    return false;
  }

  private static String customerOf(BatchMeterJob job, UsageRecord r) {
    return job.byCustomerIdentifier ? r.customerIdentifier() : r.customerAwsAccountId();
  }
}
