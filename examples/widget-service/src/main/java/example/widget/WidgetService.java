package example.widget;

import io.meterline.client.Entitlement;
import io.meterline.client.EntitlementCheck;
import io.meterline.client.EntitlementException;
import io.meterline.client.EntitlementState;
import io.meterline.client.GracePolicy;
import io.meterline.client.Meter;
import io.meterline.client.TrustFile;
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
 * usage waits to be sent: a volume that outlives the container; required for the paid listing),
 * {@code WIDGET_ENTITLEMENT_TIMEOUT} (how long to retry an unreachable or throttling service at
 * start-up, ISO-8601, default PT30M), {@code WIDGET_GRACE} (how long to keep serving once the
 * service refuses the usage, ISO-8601, default PT24H; then the service stops).
 *
 * <p>On SIGTERM the library's shutdown hook sends what is due within 20 seconds, inside the 30
 * seconds ECS and Kubernetes give a container; what it cannot send stays in the spool.
 */
public final class WidgetService {
  private WidgetService() {}

  public static void main(String[] args) throws Exception {
    String productCode = System.getenv("PRODUCT_CODE");
    if (productCode == null || productCode.isBlank()) {
      fail("set PRODUCT_CODE to the product code this deployment runs as");
    }
    TrustFile trusted = TrustedProducts.load();
    Entitlement entitlement = checkEntitlement(trusted, productCode.strip());
    Meter meter = entitlement.isPaid() ? openMeter(trusted, entitlement) : null;
    WidgetApi api = new WidgetApi(intEnv("WIDGET_PORT", 8080), entitlement, meter);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  api.close();
                  stopped.countDown();
                },
                "widget-shutdown"));
    System.out.printf(
        "widget-service: entitled to %s (%s); listening on http://127.0.0.1:%d%n",
        entitlement.productCode(), entitlement.tier(), api.port());
    System.out.flush();
    stopped.await();
  }

  private static Entitlement checkEntitlement(TrustFile trusted, String productCode) {
    EntitlementCheck.Builder check =
        trusted
            .check(productCode, "Requests", "Renders")
            .retryFor(Duration.parse(envOr("WIDGET_ENTITLEMENT_TIMEOUT", "PT30M")));
    try {
      return check.build().run();
    } catch (EntitlementException e) {
      fail("not entitled to run: " + e.getMessage());
      throw new AssertionError("unreachable");
    }
  }

  private static Meter openMeter(TrustFile trusted, Entitlement entitlement) {
    String spool = envOr("WIDGET_SPOOL_DIR", "");
    if (spool.isEmpty()) {
      fail(
          "set WIDGET_SPOOL_DIR to a directory that outlives the container (a volume): usage "
              + "waits there until it is sent, and a restart sends what the last run could not");
    }
    return Meter.builder()
        .productCode(entitlement.productCode())
        .dimensions("Requests", "Renders")
        .spoolDirectory(Path.of(spool))
        .sellerEndpoint(trusted.sellerEndpoint())
        .gracePolicy(GracePolicy.stopAfter(Duration.parse(envOr("WIDGET_GRACE", "PT24H"))))
        .onEntitlementChange(WidgetService::entitlementChanged)
        .closeOnShutdown(Meter.DEFAULT_CLOSE_TIMEOUT)
        .build();
  }

  private static void entitlementChanged(EntitlementState state) {
    switch (state.mode()) {
      case ENTITLED -> System.err.println("widget-service: usage is accepted again");
      case GRACE, DEGRADED ->
          System.err.println(
              "widget-service: the metering service refuses usage since "
                  + state.lostAt()
                  + " ("
                  + state.cause()
                  + "); serving "
                  + (state.servesPaidFeatures() ? "on for now" : "free features only"));
      case STOPPED -> {
        System.err.println(
            "widget-service: usage refused since "
                + state.lostAt()
                + "; stopping: "
                + state.cause());
        new Thread(() -> System.exit(4), "widget-stop").start();
      }
    }
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
