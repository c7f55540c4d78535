package io.meterline.server.domain;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A prepaid quantity of one dimension, per hour or per month (SPEC §3.2 "Contracts"). For an HOURLY
 * product the dimension is {@value UsageSource#TASK_TIME_DIMENSION} and the quantity counts
 * task-hours.
 *
 * <p>A CONTRACT product's line has no period ({@code per} is {@code null}): its quantity holds for
 * the contract's whole term, and its charge comes from the dimension's price (SPEC §3.5).
 *
 * @param price the contract's own charge per month, billed upfront; {@code null} when the contract
 *     is paid for elsewhere
 */
public record ContractLine(String dimension, long quantity, Per per, BigDecimal price) {
  /** The period a contracted quantity covers. */
  public enum Per {
    HOUR,
    MONTH
  }

  public ContractLine {
    Objects.requireNonNull(dimension, "dimension");
    if (quantity < 0) {
      throw new IllegalArgumentException("quantity must be >= 0, was " + quantity);
    }
    if (price != null && price.signum() < 0) {
      throw new IllegalArgumentException("price must be >= 0, was " + price);
    }
  }

  /** A contract line without a charge of its own. */
  public ContractLine(String dimension, long quantity, Per per) {
    this(dimension, quantity, per, null);
  }
}
