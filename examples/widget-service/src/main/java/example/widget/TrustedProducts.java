package example.widget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 *                     "publicKeys": {"1": "-----BEGIN PUBLIC KEY-----…"}}]}</pre>
 *
 * <p>{@code entitlement} is how the code is checked: {@code meterUsage} (a DryRun, for the paid
 * listing priced per request) or {@code registerUsage} (for the free listing).
 */
record TrustedProducts(List<TrustedProduct> products, Map<String, String> entitlementOf) {
  static final String RESOURCE = "widget/trusted-products.json";

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
      return new TrustedProducts(products, modes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
