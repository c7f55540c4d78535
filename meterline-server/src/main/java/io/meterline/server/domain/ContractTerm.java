package io.meterline.server.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One version of a subscription's contract, in force from {@code since} until the next version
 * replaced it ({@code until}, {@code null} for the version in force) or its own end ({@code
 * endsAt}, {@code null} for a contract without an end), whichever comes first.
 */
public record ContractTerm(Instant since, Instant until, Instant endsAt, List<ContractLine> lines) {
  public ContractTerm {
    Objects.requireNonNull(since, "since");
    lines = List.copyOf(lines);
  }

  /** When this version stopped covering anything; {@code null} if it still may. */
  public Instant coversUntil() {
    if (until == null) {
      return endsAt;
    }
    return endsAt == null || until.isBefore(endsAt) ? until : endsAt;
  }

  /**
   * Whether this version covered some moment of {@code [from, to)}; a version replaced or ended at
   * the instant it began covered none.
   */
  public boolean overlaps(Instant from, Instant to) {
    Instant end = coversUntil();
    return since.isBefore(to) && (end == null || end.isAfter(from) && end.isAfter(since));
  }

  /** Whether this version covered the instant {@code at}. */
  public boolean covers(Instant at) {
    Instant end = coversUntil();
    return !at.isBefore(since) && (end == null || at.isBefore(end));
  }
}
