package example.widget;

import io.meterline.client.Entitlement;
import io.meterline.client.EntitlementCheck;
import io.meterline.client.EntitlementException;
import io.meterline.client.Meter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A small paid container product: it checks its entitlement at start-up, in-process, and meters
 * each API call with meterline-client. It names no credentials, region or endpoint: on ECS or EKS
 * they come from the platform, under {@code meterline run-task} from Meterline's emulation of it.
 *
 * <p>Configuration, by environment: {@code PRODUCT_CODE} (which of the built-in product codes to
 * run as, e.g. a Helm value), {@code WIDGET_PORT} (default 8080), {@code WIDGET_SPOOL_DIR} (where
 * usage waits to be sent; a volume in production), {@code WIDGET_ENTITLEMENT_TIMEOUT} (how long to
 * retry an unreachable or throttling service at start-up, ISO-8601, default PT30M).
 */
public final class WidgetService {
  private WidgetService() {}

  public static void main(String[] args) throws Exception {
    String productCode = System.getenv("PRODUCT_CODE");
    if (productCode == null || productCode.isBlank()) {
      fail("set PRODUCT_CODE to the product code this deployment runs as");
    }
    TrustedProducts trusted = TrustedProducts.load();
    Entitlement entitlement = checkEntitlement(trusted, productCode.strip());
    Meter meter = entitlement.isPaid() ? openMeter(entitlement) : null;
    WidgetApi api = new WidgetApi(intEnv("WIDGET_PORT", 8080), entitlement, meter);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  api.close();
                  if (meter != null) {
                    meter.close();
                  }
                  stopped.countDown();
                },
                "widget-shutdown"));
    System.out.printf(
        "widget-service: entitled to %s (%s); listening on http://127.0.0.1:%d%n",
        entitlement.productCode(), entitlement.tier(), api.port());
    System.out.flush();
    stopped.await();
  }

  private static Entitlement checkEntitlement(TrustedProducts trusted, String productCode) {
    EntitlementCheck.Builder check =
        EntitlementCheck.builder()
            .productCode(productCode)
            .retryFor(Duration.parse(envOr("WIDGET_ENTITLEMENT_TIMEOUT", "PT30M")));
    trusted.products().forEach(check::trust);
    if ("meterUsage".equals(trusted.entitlementOf().get(productCode))) {
      check.meteredBy("Requests");
    }
    try {
      return check.build().run();
    } catch (EntitlementException e) {
      fail("not entitled to run: " + e.getMessage());
      throw new AssertionError("unreachable");
    }
  }

  private static Meter openMeter(Entitlement entitlement) {
    return Meter.builder()
        .productCode(entitlement.productCode())
        .dimensions("Requests", "Renders")
        .spoolDirectory(
            Path.of(
                envOr(
                    "WIDGET_SPOOL_DIR",
                    System.getProperty("java.io.tmpdir") + "/widget-service/spool")))
        .build();
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  private static int intEnv(String name, int fallback) {
    return Integer.parseInt(envOr(name, Integer.toString(fallback)));
  }

  private static void fail(String message) {
    System.err.println("widget-service: " + message);
    System.exit(3);
  }
}
