package io.meterline.client;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a checked-out license allows the product: which license, the tiers the buyer bought (of
 * those the product declares) and the features those tiers unlock. Both sets are sorted.
 *
 * @param licenseArn the license the checkout was taken from, as the service names it
 * @param tiers the product's tiers the license allows; empty for a product without tiers
 * @param features the features of those tiers, as the product maps them
 */
public record LicenseTerms(String licenseArn, Set<String> tiers, Set<String> features) {
  public LicenseTerms {
    Objects.requireNonNull(tiers, "tiers");
    Objects.requireNonNull(features, "features");
    tiers = Collections.unmodifiableSet(new TreeSet<>(tiers));
    features = Collections.unmodifiableSet(new TreeSet<>(features));
  }
}
