package io.meterline.server.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.util.List;
import java.util.Objects;

/**
 * What a buyer is charged for a calendar month (UTC): one line per product, kind, dimension and
 * unit price (SPEC §3.2). Quantities, prices and amounts are exact; only {@link #amountDue} is
 * rounded, half-up to cents.
 *
 * @param isFinal whether nothing more can land in the month; before that the invoice is a running
 *     estimate
 */
public record Invoice(String awsAccountId, YearMonth month, boolean isFinal, List<Line> lines) {
  /** The currency of every amount. */
  public static final String CURRENCY = "USD";

  /** What a line charges for, in the order lines are listed within a product. */
  public enum Kind {
    /** Task time of an HOURLY product, in task-hours. */
    HOURLY,
    /** A MONTHLY product's fee, once for each month a subscription is active. */
    MONTHLY,
    /** A contract's own monthly charge. */
    CONTRACT,
    /** Metered units without a contract. */
    USAGE,
    /** Metered units beyond what a contract prepaid. */
    OVERAGE
  }

  /**
   * One line.
   *
   * @param dimension the dimension; {@code null} for a MONTHLY line
   * @param unit what the quantity counts; {@code null} when the dimension names none
   */
  public record Line(
      String productCode,
      String productName,
      Kind kind,
      String dimension,
      BigDecimal quantity,
      String unit,
      BigDecimal unitPrice,
      BigDecimal amount) {
    public Line {
      Objects.requireNonNull(productCode, "productCode");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(quantity, "quantity");
      Objects.requireNonNull(unitPrice, "unitPrice");
      Objects.requireNonNull(amount, "amount");
    }
  }

  public Invoice {
    Objects.requireNonNull(awsAccountId, "awsAccountId");
    Objects.requireNonNull(month, "month");
    lines = List.copyOf(lines);
  }

  /** The sum of the lines' amounts, exact. */
  public BigDecimal total() {
    return lines.stream().map(Line::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /** What the buyer pays: the total rounded half-up to cents, the one rounding of an invoice. */
  public BigDecimal amountDue() {
    return total().setScale(2, RoundingMode.HALF_UP);
  }
}
