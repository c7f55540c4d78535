package io.meterline.server.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A product on the marketplace, with its dimensions and signing keys.
 *
 * <p>Its prices ({@code hourlyPrice}, {@code monthlyPrice}, each dimension's {@code price}) are the
 * current ones; {@code priceHistory} holds every version, the creation's first.
 *
 * @param preview whether the seller's own account may use it without a subscription
 * @param saas whether it is a SaaS product (BatchMeterUsage, ResolveCustomer) rather than a
 *     container product (RegisterUsage, MeterUsage)
 * @param productId the product id License Manager knows it by (its SKU); {@code null} for a product
 *     created before products had one, whose SKU is derived from its code
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
    List<ProductKey> keys,
    List<PriceList> priceHistory,
    String productId) {

  public Product {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(pricing, "pricing");
    Objects.requireNonNull(sellerAccountId, "sellerAccountId");
    dimensions = List.copyOf(dimensions);
    keys = keys.stream().sorted(Comparator.comparingInt(ProductKey::version)).toList();
    priceHistory = List.copyOf(priceHistory);
  }

  /** A product whose prices never changed: its history is its creation's prices. */
  public Product(
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
      List<ProductKey> keys,
      String productId) {
    this(
        productCode,
        name,
        pricing,
        hourlyPrice,
        monthlyPrice,
        dimensions,
        preview,
        saas,
        sellerAccountId,
        createdAt,
        keys,
        List.of(
            new PriceList(
                createdAt,
                hourlyPrice,
                monthlyPrice,
                dimensions.stream()
                    .collect(
                        java.util.stream.Collectors.toMap(Dimension::name, Dimension::price)))),
        productId);
  }

  /** The same product with these prices in force from {@code since}, appended to its history. */
  public Product withPrices(PriceList prices) {
    List<Dimension> repriced = new ArrayList<>(dimensions.size());
    for (Dimension d : dimensions) {
      repriced.add(
          new Dimension(d.name(), d.unit(), prices.dimensions().getOrDefault(d.name(), d.price())));
    }
    List<PriceList> history = new ArrayList<>(priceHistory);
    history.add(prices);
    return new Product(
        productCode,
        name,
        pricing,
        prices.hourlyPrice(),
        prices.monthlyPrice(),
        repriced,
        preview,
        saas,
        sellerAccountId,
        createdAt,
        keys,
        history,
        productId);
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
