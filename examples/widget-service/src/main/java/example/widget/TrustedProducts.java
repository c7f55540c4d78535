package example.widget;

import io.meterline.client.TrustFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What this build trusts, compiled into the jar ({@code widget/trusted-products.json}, in the
 * library's {@link TrustFile} format): a buyer configures which code to run with, but cannot add a
 * code, a key or an endpoint. The paid listing is priced per request and checked with a MeterUsage
 * DryRun; the free one with RegisterUsage; a contract-priced one ({@code "entitlement": "license"})
 * is checked out of the buyer's License Manager license, a seat per copy, its tiers unlocking
 * {@code widgets} and {@code render}. {@code endpointKeys} are the public halves of the seller's
 * endpoint keys ({@code meterline endpoint-key}): an endpoint override in the environment is
 * accepted only when its endpoint proves it holds one, so the service runs against the seller's
 * Meterline and, at a buyer's, only against AWS.
 */
final class TrustedProducts {
  static final String RESOURCE = "widget/trusted-products.json";

  private TrustedProducts() {}

  static TrustFile load() {
    try (InputStream in = TrustedProducts.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("this build has no " + RESOURCE);
      }
      return TrustFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
