package io.meterline.server.domain;

import java.util.Objects;

/** A prepaid quantity of one dimension, per hour or per month. */
public record ContractLine(String dimension, long quantity, Per per) {
  /** The period a contracted quantity covers. */
  public enum Per {
    HOUR,
    MONTH
  }

  public ContractLine {
    Objects.requireNonNull(dimension, "dimension");
    Objects.requireNonNull(per, "per");
    if (quantity < 0) {
      throw new IllegalArgumentException("quantity must be >= 0, was " + quantity);
    }
  }
}
