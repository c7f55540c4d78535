package io.meterline.server.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A product on the marketplace, with its dimensions and signing keys.
 *
 * @param preview whether the seller's own account may use it without a subscription
 * @param saas whether it is a SaaS product (BatchMeterUsage, ResolveCustomer) rather than a
 *     container product (RegisterUsage, MeterUsage)
 */
public record Product(
    String productCode,
    String name,
    Pricing pricing,
    BigDecimal hourlyPrice,
    BigDecimal monthlyPrice,
    List<Dimension> dimensions,
    boolean preview,
    boolean saas,
    String sellerAccountId,
    Instant createdAt,
    List<ProductKey> keys) {

  public Product {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(pricing, "pricing");
    Objects.requireNonNull(sellerAccountId, "sellerAccountId");
    dimensions = List.copyOf(dimensions);
    keys = keys.stream().sorted(Comparator.comparingInt(ProductKey::version)).toList();
  }

  /** The dimension with this name, if the product has it. */
  public Optional<Dimension> dimension(String name) {
    for (Dimension d : dimensions) {
      if (d.name().equals(name)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** The key of this version, current or retired, if there is one. */
  public Optional<ProductKey> key(int version) {
    for (ProductKey k : keys) {
      if (k.version() == version) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** The key version that signs new registrations. */
  public ProductKey currentKey() {
    return keys.get(keys.size() - 1);
  }
}
