package io.meterline.server.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A buyer's subscription to a product.
 *
 * @param endedAt when the buyer unsubscribed; {@code null} while active
 * @param tokenExpiresAt when the SaaS registration token stops resolving; {@code null} for
 *     container products
 * @param contract the contract in force
 * @param contractEndsAt when the contract in force ends (a CONTRACT product's); {@code null} for a
 *     contract without an end
 * @param amendments the earlier versions of the contract, oldest first, each with its {@code until}
 */
public record Subscription(
    String subscriptionId,
    String productCode,
    String awsAccountId,
    Instant startedAt,
    Instant endedAt,
    Instant tokenExpiresAt,
    List<ContractLine> contract,
    Instant contractEndsAt,
    List<ContractTerm> amendments) {

  public Subscription {
    Objects.requireNonNull(subscriptionId, "subscriptionId");
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(awsAccountId, "awsAccountId");
    Objects.requireNonNull(startedAt, "startedAt");
    contract = List.copyOf(contract);
    amendments = List.copyOf(amendments);
  }

  /** A subscription whose contract, if any, has no end and was never amended. */
  public Subscription(
      String subscriptionId,
      String productCode,
      String awsAccountId,
      Instant startedAt,
      Instant endedAt,
      Instant tokenExpiresAt,
      List<ContractLine> contract) {
    this(
        subscriptionId,
        productCode,
        awsAccountId,
        startedAt,
        endedAt,
        tokenExpiresAt,
        contract,
        null,
        List.of());
  }

  /** The same subscription with {@code contract} in force from {@code at} until {@code endsAt}. */
  public Subscription amended(List<ContractLine> lines, Instant endsAt, Instant at) {
    List<ContractTerm> earlier = new ArrayList<>(amendments);
    earlier.add(new ContractTerm(contractSince(), at, contractEndsAt, contract));
    return new Subscription(
        subscriptionId,
        productCode,
        awsAccountId,
        startedAt,
        endedAt,
        tokenExpiresAt,
        lines,
        endsAt,
        earlier);
  }

  /** Since when the contract in force is: the last amendment, else the start. */
  public Instant contractSince() {
    return amendments.isEmpty() ? startedAt : amendments.get(amendments.size() - 1).until();
  }

  /** Every version of the contract, the one in force last. */
  public List<ContractTerm> contractTerms() {
    List<ContractTerm> terms = new ArrayList<>(amendments);
    terms.add(new ContractTerm(contractSince(), null, contractEndsAt, contract));
    return terms;
  }

  /**
   * The contract in force at the end of the hour starting at {@code hour}: the lines of the last
   * version that began before the hour ended, empty when that version had ended by the hour's
   * start.
   */
  public List<ContractLine> contractForHour(Instant hour) {
    if (amendments.isEmpty() && contractEndsAt == null) {
      return contract; // one version for ever: every subscription but a CONTRACT product's
    }
    Instant hourEnd = hour.plus(Duration.ofHours(1));
    ContractTerm found = null;
    for (ContractTerm term : contractTerms()) {
      if (term.since().isBefore(hourEnd)) {
        found = term;
      }
    }
    if (found == null) {
      return List.of(); // an hour that ended before the subscription began
    }
    Instant end = found.coversUntil();
    return end != null && !end.isAfter(hour) ? List.of() : found.lines();
  }

  /** Whether some version of the contract covered this instant (the license's activation). */
  public boolean contractCovers(Instant at) {
    if (endedAt != null && !at.isBefore(endedAt)) {
      return false;
    }
    for (ContractTerm term : contractTerms()) {
      if (term.covers(at)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the contract in force has reached its end at this instant of service time. */
  public boolean contractEndedAt(Instant instant) {
    return contractEndsAt != null && !instant.isBefore(contractEndsAt);
  }

  /**
   * The largest quantity of a dimension any version of the contract held at some moment of {@code
   * [from, to)} while the subscription was active; 0 if none did.
   */
  public long contractedMax(String dimension, Instant from, Instant to) {
    Instant end = endedAt != null && endedAt.isBefore(to) ? endedAt : to;
    long max = 0;
    for (ContractTerm term : contractTerms()) {
      if (term.overlaps(from, end)) {
        for (ContractLine line : term.lines()) {
          if (line.dimension().equals(dimension)) {
            max = Math.max(max, line.quantity());
          }
        }
      }
    }
    return max;
  }

  /**
   * How long a SaaS subscription ended through the admin API still takes BatchMeterUsage records
   * (the {@code unsubscribe-pending} window, SPEC §3.5).
   */
  public static final Duration UNSUBSCRIBE_PENDING = Duration.ofHours(1);

  /**
   * Whether a BatchMeterUsage record timed at {@code recordTime} and received at {@code now}
   * (service time) counts for this SaaS subscription: timed from its start on, and, once it has
   * ended, timed and received within the pending window after the end.
   */
  public boolean takesRecord(Instant recordTime, Instant now) {
    if (recordTime.isBefore(startedAt)) {
      return false;
    }
    if (endedAt == null) {
      return true;
    }
    Instant closes = endedAt.plus(UNSUBSCRIBE_PENDING);
    return recordTime.isBefore(closes) && now.isBefore(closes);
  }

  /** Whether the subscription is active at this instant of service time. */
  public boolean isActiveAt(Instant instant) {
    return !instant.isBefore(startedAt) && (endedAt == null || instant.isBefore(endedAt));
  }
}
