package io.meterline.server.metering;

import io.meterline.server.domain.Product;
import io.meterline.server.store.Lookups;
import io.meterline.wire.ErrorCode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** Product lookups as the operations need them, with the modelled errors. */
final class Products {
  private final Lookups lookups;

  Products(Lookups lookups) {
    this.lookups = lookups;
  }

  /**
   * The product, read fresh from the database when the cached copy is missing or does not have what
   * the request needs (a dimension, a key version) — it may have just been added on another server.
   * Completes with {@code null} when there is no such product.
   */
  CompletableFuture<Product> find(String productCode, Predicate<Product> hasWhatIsNeeded) {
    return lookups
        .product(productCode)
        .thenCompose(
            cached -> {
              if (cached.isPresent() && hasWhatIsNeeded.test(cached.get())) {
                return CompletableFuture.completedFuture(cached.get());
              }
              return lookups.productFresh(productCode).thenApply(p -> p.orElse(null));
            });
  }

  /** The product, or InvalidProductCodeException. */
  static Product require(Product product, String productCode) {
    return Optional.ofNullable(product)
        .orElseThrow(
            () ->
                ErrorCode.INVALID_PRODUCT_CODE.exception(
                    "No product has the code '%s'", productCode));
  }

  /** Requires a container product (RegisterUsage, MeterUsage), not a SaaS one. */
  static void requireContainerProduct(Product product, String operation) {
    if (product.saas()) {
      throw ErrorCode.INVALID_PRODUCT_CODE.exception(
          "Product %s is a SaaS product; %s is for " + "container and AMI products",
          product.productCode(), operation);
    }
  }
}
