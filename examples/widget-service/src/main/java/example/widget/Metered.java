package example.widget;

import io.meterline.client.Entitlement;
import io.meterline.client.EntitlementCheck;
import io.meterline.client.EntitlementException;
import io.meterline.client.GracePolicy;
import io.meterline.client.Meter;
import io.meterline.client.TrustFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The listings priced per call: the entitlement is checked at start-up (a MeterUsage DryRun of both
 * dimensions, or RegisterUsage for the free listing), and the paid listing meters each call.
 */
final class Metered implements Plan {
  private final Entitlement entitlement;
  private final Meter meter;

  private Metered(Entitlement entitlement, Meter meter) {
    this.entitlement = entitlement;
    this.meter = meter;
  }

  /** Checks the entitlement of a metered code and opens its meter; exits when not entitled. */
  static Metered start(TrustFile trusted, String productCode) {
    Entitlement entitlement = checkEntitlement(trusted, productCode);
    return new Metered(entitlement, entitlement.isPaid() ? openMeter(trusted, entitlement) : null);
  }

  @Override
  public boolean allows(String feature) {
    if (!feature.equals("render")) {
      return true;
    }
    return entitlement.isPaid() && (meter == null || meter.entitlement().servesPaidFeatures());
  }

  @Override
  public String refusal(String feature) {
    return "rendering needs the paid listing of the widget service";
  }

  @Override
  public void served(String dimension) {
    if (meter != null) {
      meter.add(dimension, 1);
    }
  }

  @Override
  public Map<String, Object> status() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("productCode", entitlement.productCode());
    s.put("tier", entitlement.tier().name());
    s.put("meter", meter == null ? null : meter.status());
    return s;
  }

  @Override
  public String describe() {
    return "entitled to " + entitlement.productCode() + " (" + entitlement.tier() + ")";
  }

  private static Entitlement checkEntitlement(TrustFile trusted, String productCode) {
    EntitlementCheck.Builder check =
        trusted
            .check(productCode, "Requests", "Renders")
            .retryFor(WidgetService.durationEnv("WIDGET_ENTITLEMENT_TIMEOUT", "PT30M"));
    try {
      return check.build().run();
    } catch (EntitlementException e) {
      throw WidgetService.fail("not entitled to run: " + e.getMessage());
    }
  }

  private static Meter openMeter(TrustFile trusted, Entitlement entitlement) {
    String spool = WidgetService.envOr("WIDGET_SPOOL_DIR", "");
    if (spool.isEmpty()) {
      throw WidgetService.fail(
          "set WIDGET_SPOOL_DIR to a directory that outlives the container (a volume): usage "
              + "waits there until it is sent, and a restart sends what the last run could not");
    }
    return Meter.builder()
        .productCode(entitlement.productCode())
        .dimensions("Requests", "Renders")
        .spoolDirectory(Path.of(spool))
        .sellerEndpoint(trusted.sellerEndpoint())
        .gracePolicy(GracePolicy.stopAfter(WidgetService.durationEnv("WIDGET_GRACE", "PT24H")))
        .onEntitlementChange(
            state ->
                WidgetService.entitlementChanged(
                    state,
                    "usage is accepted again",
                    "the metering service refuses usage",
                    "usage refused"))
        .closeOnShutdown(Meter.DEFAULT_CLOSE_TIMEOUT)
        .build();
  }
}
