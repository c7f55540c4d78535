package io.meterline.bench;

import io.meterline.server.domain.UsageSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * After a scenario: its ledger rows must number exactly the units its 200s acknowledged (warm-up
 * and measured period together), since every unit sent was distinct and must have been committed.
 * The rows counted are those of the scenario's own products, created for this run.
 *
 * @param note the line printed under the results
 * @param problems what makes the scenario's figures untrustworthy (warm-up errors, a mismatch)
 */
record LedgerCheck(String note, List<String> problems) {

  /**
   * Counts the scenario's rows.
   *
   * @param what the answers, as the note names them, e.g. "MeterUsage 200s"
   */
  static LedgerCheck of(
      String name,
      ServerUnderTest server,
      UsageSource source,
      List<String> productCodes,
      String what,
      RunResult warm,
      RunResult measured)
      throws Exception {
    ServerUnderTest.LedgerRows counted = server.ledgerRows(source, productCodes);
    long rows = counted.count();
    long answered = warm.okTotal() + measured.okTotal();
    String note =
        String.format(
            Locale.ROOT,
            "ledger check: %,d records for %,d %s%s",
            rows,
            answered,
            what,
            rows == answered ? " (all distinct, all committed)" : " (MISMATCH)");
    List<String> problems = new ArrayList<>();
    if (warm.errors() > 0) {
      problems.add(
          String.format(
              "%s: the warm-up had %d errors (by status %s): %s",
              name, warm.errors(), warm.errorsByStatus(), warm.errorSamples()));
    }
    if (rows != answered) {
      problems.add(
          String.format(
              Locale.ROOT,
              "%s: LEDGER MISMATCH: %,d records for %,d %s: some were dedup hits, "
                  + "not processed, or not committed%s",
              name,
              rows,
              answered,
              what,
              counted.caveat() == null ? "" : "; but " + counted.caveat()));
    }
    return new LedgerCheck(note, problems);
  }
}
