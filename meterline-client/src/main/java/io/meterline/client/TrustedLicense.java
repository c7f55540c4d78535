package io.meterline.client;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A contract-priced product code the product accepts, checked with AWS License Manager, and what
 * each running copy checks out: the product id (the SKU Marketplace issues the buyer's license
 * under), counted entitlements (e.g. one of {@code Seats}) and tiers (entitlements without a unit,
 * of which the buyer bought one) with the features each unlocks. It ships inside the product, like
 * {@link TrustedProduct}, so a buyer cannot swap the id or a tier's features by configuration.
 *
 * @param productCode the listing's product code, which configuration selects
 * @param productId the product id License Manager knows the product by ({@code ProductSKU})
 * @param counted entitlement name to the count each copy checks out ({@code Unit: Count})
 * @param tiers tier name to the features it unlocks ({@code Unit: None})
 */
public record TrustedLicense(
    String productCode,
    String productId,
    Map<String, Long> counted,
    Map<String, Set<String>> tiers) {

  public TrustedLicense {
    requireText(productCode, "productCode");
    requireText(productId, "productId");
    counted = Collections.unmodifiableMap(new TreeMap<>(counted));
    counted.forEach(
        (name, value) -> {
          requireText(name, "a counted entitlement's name");
          if (value < 1) {
            throw new IllegalArgumentException(
                "counted entitlement " + name + " must be checked out 1 or more, was " + value);
          }
        });
    Map<String, Set<String>> sorted = new TreeMap<>();
    tiers.forEach(
        (name, features) ->
            sorted.put(
                requireText(name, "a tier's name"),
                Collections.unmodifiableSet(new TreeSet<>(features))));
    tiers = Collections.unmodifiableMap(sorted);
  }

  /** A product checked out by its id; add what it checks out with the withers. */
  public static TrustedLicense of(String productCode, String productId) {
    return new TrustedLicense(productCode, productId, Map.of(), Map.of());
  }

  /** This product, also checking out {@code value} of a counted entitlement (e.g. 1 Seats). */
  public TrustedLicense counting(String name, long value) {
    Map<String, Long> more = new TreeMap<>(counted);
    more.put(name, value);
    return new TrustedLicense(productCode, productId, more, tiers);
  }

  /** This product with one more tier, and the features the tier unlocks. */
  public TrustedLicense tier(String name, String... features) {
    Map<String, Set<String>> more = new TreeMap<>(tiers);
    more.put(name, Set.copyOf(List.of(features)));
    return new TrustedLicense(productCode, productId, counted, more);
  }

  private static String requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return value;
  }
}
