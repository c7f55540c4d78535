package example.widget;

import io.meterline.client.EntitlementException;
import io.meterline.client.EntitlementState;
import io.meterline.client.GracePolicy;
import io.meterline.client.License;
import io.meterline.client.TrustFile;
import io.meterline.client.TrustedLicense;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contract-priced listing: the service starts only with a seat of the buyer's license, holds it
 * while it runs (re-checked every 15 minutes), serves what the tier bought unlocks, and checks the
 * seat in when it stops. Calls are not metered: the contract pays for them.
 */
final class Licensed implements Plan {
  private final TrustedLicense product;
  private final License license;

  private Licensed(TrustedLicense product, License license) {
    this.product = product;
    this.license = license;
  }

  /** Checks a seat out of the buyer's license for a licensed code; exits when there is none. */
  static Licensed start(TrustFile trusted, String productCode) {
    try {
      License license =
          trusted
              .license(productCode)
              .retryFor(WidgetService.durationEnv("WIDGET_ENTITLEMENT_TIMEOUT", "PT30M"))
              .recheckEvery(WidgetService.durationEnv("WIDGET_RECHECK", "PT15M"))
              .gracePolicy(
                  GracePolicy.stopAfter(WidgetService.durationEnv("WIDGET_GRACE", "PT24H")))
              .onEntitlementChange(Licensed::changed)
              .closeOnShutdown(Duration.ofSeconds(10))
              .checkout();
      return new Licensed(trusted.licenses().get(productCode), license);
    } catch (EntitlementException e) {
      throw WidgetService.fail("not entitled to run: " + e.getMessage());
    }
  }

  // A product without tiers serves everything while its license allows it.
  @Override
  public boolean allows(String feature) {
    return product.tiers().isEmpty()
        ? license.state().servesPaidFeatures()
        : license.unlocks(feature);
  }

  @Override
  public String refusal(String feature) {
    return license.state().servesPaidFeatures()
        ? "the tier of this license does not unlock " + feature
        : "the license allows nothing since " + license.state().lostAt();
  }

  @Override
  public void served(String dimension) {}

  @Override
  public Map<String, Object> status() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("productCode", product.productCode());
    s.put("productId", product.productId());
    s.put("entitlement", license.state());
    return s;
  }

  @Override
  public String describe() {
    return "licensed to run " + product.productCode() + " (" + terms(license.state()) + ")";
  }

  private static void changed(EntitlementState state) {
    WidgetService.entitlementChanged(
        state,
        "licensed: " + terms(state),
        "the license allows nothing",
        "the license allows nothing");
  }

  private static String terms(EntitlementState state) {
    return state.license().tiers().isEmpty()
        ? "a seat"
        : "tier "
            + String.join(", ", state.license().tiers())
            + ": "
            + String.join(", ", state.license().features());
  }
}
