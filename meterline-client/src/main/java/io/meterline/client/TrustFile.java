package io.meterline.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * What a product build trusts, as one JSON document shipped inside it (a resource of the jar, a
 * file of the image): the product codes it accepts with their tier, how each is checked and the
 * public keys of its RegisterUsage signatures, and the public halves of the seller's endpoint keys.
 *
 * <pre>{"products": [{"productCode": "…", "tier": "PAID", "entitlement": "meterUsage",
 *                     "publicKeys": {"1": "-----BEGIN PUBLIC KEY-----…"}},
 *                    {"productCode": "…", "entitlement": "license", "productId": "…",
 *                     "counted": {"Seats": 1},
 *                     "tiers": {"Basic": ["widgets"], "Pro": ["widgets", "render"]}}],
 *  "endpointKeys": ["-----BEGIN PUBLIC KEY-----…"]}</pre>
 *
 * <p>{@code tier} is {@code PAID} or {@code FREE}; {@code entitlement} is {@code meterUsage} (a
 * MeterUsage DryRun, for products priced by custom dimensions; the default), {@code registerUsage}
 * (for hourly and monthly products) or {@code license} (for contract-priced products, checked out
 * with AWS License Manager: see {@link TrustedLicense}). A {@code license} entry names its {@code
 * productId} instead of {@code publicKeys}, and what each running copy checks out: {@code counted}
 * entitlements (name to count) and {@code tiers} (name to the features it unlocks), at least one of
 * the two. {@code endpointKeys} may be absent: then no endpoint override from the environment is
 * accepted (see {@link SellerEndpoint}).
 *
 * @param products the accepted product codes checked with RegisterUsage or MeterUsage
 * @param meterUsageChecked the codes whose entitlement is checked with a MeterUsage DryRun
 * @param sellerEndpoint the endpoints besides AWS's that may be used
 * @param licenses the accepted product codes checked out with License Manager
 */
public record TrustFile(
    Map<String, TrustedProduct> products,
    java.util.Set<String> meterUsageChecked,
    SellerEndpoint sellerEndpoint,
    Map<String, TrustedLicense> licenses) {

  public TrustFile {
    products = Map.copyOf(products);
    meterUsageChecked = java.util.Set.copyOf(meterUsageChecked);
    licenses = Map.copyOf(licenses);
  }

  /** A trust file without contract-priced products. */
  public TrustFile(
      Map<String, TrustedProduct> products,
      java.util.Set<String> meterUsageChecked,
      SellerEndpoint sellerEndpoint) {
    this(products, meterUsageChecked, sellerEndpoint, Map.of());
  }

  /** Reads a trust file. */
  public static TrustFile read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the trust file " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the trust file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses a trust document.
   *
   * @throws IllegalArgumentException naming the member that is missing or wrong
   */
  public static TrustFile parse(String json) {
    JsonNode root;
    try {
      root = JsonNode.parser().parse(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    Map<String, TrustedProduct> products = new LinkedHashMap<>();
    Map<String, TrustedLicense> licenses = new LinkedHashMap<>();
    java.util.Set<String> meterUsage = new java.util.HashSet<>();
    List<JsonNode> entries = array(root.asObject(), "products", "products");
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("products: at least one product is required");
    }
    for (int i = 0; i < entries.size(); i++) {
      String at = "products[" + i + "]";
      if (!entries.get(i).isObject()) {
        throw new IllegalArgumentException(at + ": not an object");
      }
      Map<String, JsonNode> p = entries.get(i).asObject();
      String code = string(p, "productCode", at);
      String tier = p.containsKey("tier") ? string(p, "tier", at) : "PAID";
      if (!tier.equals("PAID") && !tier.equals("FREE")) {
        throw new IllegalArgumentException(at + ".tier: PAID or FREE, not " + tier);
      }
      String entitlement =
          p.containsKey("entitlement") ? string(p, "entitlement", at) : "meterUsage";
      if (entitlement.equals("license")) {
        if (!tier.equals("PAID")) {
          throw new IllegalArgumentException(at + ".tier: a licensed product is PAID, not " + tier);
        }
        licenses.put(code, parseLicense(code, p, at));
        continue;
      }
      if (!entitlement.equals("meterUsage") && !entitlement.equals("registerUsage")) {
        throw new IllegalArgumentException(
            at + ".entitlement: meterUsage, registerUsage or license, not " + entitlement);
      }
      JsonNode keys = p.get("publicKeys");
      if (keys == null || !keys.isObject() || keys.asObject().isEmpty()) {
        throw new IllegalArgumentException(
            at + ".publicKeys: an object of at least one version and its PEM key");
      }
      TrustedProduct product = null;
      for (Map.Entry<String, JsonNode> key : keys.asObject().entrySet()) {
        int version;
        try {
          version = Integer.parseInt(key.getKey());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              at + ".publicKeys: '" + key.getKey() + "' is no version");
        }
        if (!key.getValue().isString()) {
          throw new IllegalArgumentException(at + ".publicKeys." + version + ": a PEM string");
        }
        String pem = key.getValue().asString();
        try {
          product =
              product != null
                  ? product.withKey(version, pem)
                  : tier.equals("FREE")
                      ? TrustedProduct.free(code, version, pem)
                      : TrustedProduct.paid(code, version, pem);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              at + ".publicKeys." + version + ": " + e.getMessage(), e);
        }
      }
      products.put(code, product);
      if (entitlement.equals("meterUsage")) {
        meterUsage.add(code);
      }
    }
    List<String> endpointKeys = new ArrayList<>();
    if (root.asObject().containsKey("endpointKeys")) {
      List<JsonNode> keys = array(root.asObject(), "endpointKeys", "endpointKeys");
      for (int i = 0; i < keys.size(); i++) {
        if (!keys.get(i).isString()) {
          throw new IllegalArgumentException("endpointKeys[" + i + "]: a PEM string");
        }
        endpointKeys.add(keys.get(i).asString());
      }
    }
    SellerEndpoint sellerEndpoint;
    try {
      sellerEndpoint =
          endpointKeys.isEmpty()
              ? SellerEndpoint.none()
              : SellerEndpoint.signedBy(endpointKeys.toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("endpointKeys: " + e.getMessage(), e);
    }
    return new TrustFile(products, meterUsage, sellerEndpoint, licenses);
  }

  /**
   * An entitlement check of one of the trusted codes: every product trusted, the seller's
   * endpoints, and a DryRun of these dimensions when the code is checked with MeterUsage.
   */
  public EntitlementCheck.Builder check(String productCode, String... dimensions) {
    if (licenses.containsKey(productCode)) {
      throw new IllegalArgumentException(
          productCode + " is checked out with License Manager: use license(productCode)");
    }
    if (meterUsageChecked.contains(productCode) && dimensions.length == 0) {
      throw new IllegalArgumentException(
          productCode + " is checked with a MeterUsage DryRun: name the dimensions it meters");
    }
    EntitlementCheck.Builder check =
        EntitlementCheck.builder().productCode(productCode).sellerEndpoint(sellerEndpoint);
    products.values().forEach(check::trust);
    if (meterUsageChecked.contains(productCode)) {
      check.meteredBy(dimensions);
    }
    return check;
  }

  /**
   * A license checkout of one of the trusted codes: every licensed product trusted, and the
   * seller's endpoints. A code that is not one of them is refused by {@link
   * License.Builder#checkout()}.
   */
  public License.Builder license(String productCode) {
    License.Builder license =
        License.builder().productCode(productCode).sellerEndpoint(sellerEndpoint);
    licenses.values().forEach(license::trust);
    return license;
  }

  private static TrustedLicense parseLicense(String code, Map<String, JsonNode> p, String at) {
    TrustedLicense license;
    try {
      license = TrustedLicense.of(code, string(p, "productId", at));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ".productId: " + e.getMessage(), e);
    }
    for (Map.Entry<String, JsonNode> c : object(p, "counted", at).entrySet()) {
      JsonNode n = c.getValue();
      long value;
      try {
        value = n.isNumber() ? Long.parseLong(n.asNumber()) : 0;
      } catch (NumberFormatException e) {
        value = 0;
      }
      if (value < 1) {
        throw new IllegalArgumentException(
            at + ".counted." + c.getKey() + ": a whole number of 1 or more, not " + n.text());
      }
      license = license.counting(c.getKey(), value);
    }
    for (Map.Entry<String, JsonNode> t : object(p, "tiers", at).entrySet()) {
      List<String> features = new ArrayList<>();
      if (!t.getValue().isArray()) {
        throw new IllegalArgumentException(
            at + ".tiers." + t.getKey() + ": an array of the features it unlocks");
      }
      for (JsonNode f : t.getValue().asArray()) {
        if (!f.isString() || f.asString().isBlank()) {
          throw new IllegalArgumentException(
              at + ".tiers." + t.getKey() + ": features are non-empty strings");
        }
        features.add(f.asString());
      }
      license = license.tier(t.getKey(), features.toArray(String[]::new));
    }
    if (license.counted().isEmpty() && license.tiers().isEmpty()) {
      throw new IllegalArgumentException(
          at + ": a license entry checks out counted entitlements, tiers or both; it has neither");
    }
    return license;
  }

  // An optional member that must be an object when present.
  private static Map<String, JsonNode> object(Map<String, JsonNode> p, String name, String at) {
    JsonNode n = p.get(name);
    if (n == null) {
      return Map.of();
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException(at + "." + name + ": an object is required");
    }
    return n.asObject();
  }

  private static List<JsonNode> array(Map<String, JsonNode> object, String name, String at) {
    JsonNode n = object.get(name);
    if (n == null || !n.isArray()) {
      throw new IllegalArgumentException(at + ": an array is required");
    }
    return n.asArray();
  }

  private static String string(Map<String, JsonNode> object, String name, String at) {
    JsonNode n = object.get(name);
    if (n == null || !n.isString() || n.asString().isBlank()) {
      throw new IllegalArgumentException(at + "." + name + ": a non-empty string is required");
    }
    return n.asString();
  }
}
