package io.meterline.server.domain;

import java.math.BigDecimal;
import java.util.Objects;

/** A custom metering dimension of a product; {@code unit} may be {@code null}. */
public record Dimension(String name, String unit, BigDecimal price) {
  public Dimension {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(price, "price");
  }
}
