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
 *                     "publicKeys": {"1": "-----BEGIN PUBLIC KEY-----…"}}],
 *  "endpointKeys": ["-----BEGIN PUBLIC KEY-----…"]}</pre>
 *
 * <p>{@code tier} is {@code PAID} or {@code FREE}; {@code entitlement} is {@code meterUsage} (a
 * MeterUsage DryRun, for products priced by custom dimensions; the default) or {@code
 * registerUsage} (for hourly and monthly products). {@code endpointKeys} may be absent: then no
 * endpoint override from the environment is accepted (see {@link SellerEndpoint}).
 *
 * @param products the accepted product codes
 * @param meterUsageChecked the codes whose entitlement is checked with a MeterUsage DryRun
 * @param sellerEndpoint the endpoints besides AWS's that may be used
 */
public record TrustFile(
    Map<String, TrustedProduct> products,
    java.util.Set<String> meterUsageChecked,
    SellerEndpoint sellerEndpoint) {

  public TrustFile {
    products = Map.copyOf(products);
    meterUsageChecked = java.util.Set.copyOf(meterUsageChecked);
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
      if (!entitlement.equals("meterUsage") && !entitlement.equals("registerUsage")) {
        throw new IllegalArgumentException(
            at + ".entitlement: meterUsage or registerUsage, not " + entitlement);
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
    return new TrustFile(products, meterUsage, sellerEndpoint);
  }

  /**
   * An entitlement check of one of the trusted codes: every product trusted, the seller's
   * endpoints, and a DryRun of these dimensions when the code is checked with MeterUsage.
   */
  public EntitlementCheck.Builder check(String productCode, String... dimensions) {
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
