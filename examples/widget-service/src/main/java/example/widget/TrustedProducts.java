package example.widget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.client.SellerEndpoint;
import io.meterline.client.TrustedProduct;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The product codes this build accepts, compiled into the jar ({@code
 * widget/trusted-products.json}): a buyer configures which code to run with, but cannot add a code
 * or a key.
 *
 * <pre>{"products": [{"productCode": "…", "tier": "PAID", "entitlement": "meterUsage",
 *                     "publicKeys": {"1": "-----BEGIN PUBLIC KEY-----…"}}],
 *  "endpointKeys": ["-----BEGIN PUBLIC KEY-----…"]}</pre>
 *
 * <p>{@code entitlement} is how the code is checked: {@code meterUsage} (a DryRun, for the paid
 * listing priced per request) or {@code registerUsage} (for the free listing). {@code endpointKeys}
 * are the public halves of the seller's endpoint keys ({@code meterline endpoint-key}): an endpoint
 * override in the environment is accepted only when its endpoint proves it holds one, so the
 * service runs against the seller's Meterline and, at a buyer's, only against AWS.
 */
record TrustedProducts(
    List<TrustedProduct> products, Map<String, String> entitlementOf, List<String> endpointKeys) {
  static final String RESOURCE = "widget/trusted-products.json";

  /** The endpoints besides AWS's this build accepts. */
  SellerEndpoint sellerEndpoint() {
    return endpointKeys.isEmpty()
        ? SellerEndpoint.none()
        : SellerEndpoint.signedBy(endpointKeys.toArray(String[]::new));
  }

  static TrustedProducts load() {
    try (InputStream in = TrustedProducts.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("this build has no " + RESOURCE);
      }
      JsonNode root = new ObjectMapper().readTree(in);
      List<TrustedProduct> products = new ArrayList<>();
      Map<String, String> modes = new java.util.HashMap<>();
      for (JsonNode p : root.path("products")) {
        String code = p.path("productCode").asText();
        TrustedProduct product = null;
        Iterator<Map.Entry<String, JsonNode>> keys = p.path("publicKeys").fields();
        while (keys.hasNext()) {
          Map.Entry<String, JsonNode> key = keys.next();
          int version = Integer.parseInt(key.getKey());
          String pem = key.getValue().asText();
          product =
              product != null
                  ? product.withKey(version, pem)
                  : "FREE".equals(p.path("tier").asText())
                      ? TrustedProduct.free(code, version, pem)
                      : TrustedProduct.paid(code, version, pem);
        }
        if (product == null) {
          throw new IllegalStateException("trusted product " + code + " has no public key");
        }
        products.add(product);
        modes.put(code, p.path("entitlement").asText("meterUsage"));
      }
      List<String> endpointKeys = new ArrayList<>();
      for (JsonNode key : root.path("endpointKeys")) {
        endpointKeys.add(key.asText());
      }
      return new TrustedProducts(products, modes, List.copyOf(endpointKeys));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
