package example.widget;

import io.meterline.client.EntitlementState;
import io.meterline.client.TrustFile;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A small paid container product: it checks its entitlement at start-up, in-process, and then
 * either meters each API call or holds a seat of the buyer's license, with meterline-client. Which
 * of the two is the trust file's entry for the product code: {@code meterUsage} or {@code
 * registerUsage} (metered), or {@code license} (contract-priced). It names no credentials, region
 * or endpoint: on ECS or EKS they come from the platform, under {@code meterline run-task} from
 * Meterline's emulation of it.
 *
 * <p>Configuration, by environment: {@code PRODUCT_CODE} (which of the built-in product codes to
 * run as, e.g. a Helm value), {@code WIDGET_PORT} (default 8080), {@code WIDGET_SPOOL_DIR} (where
 * usage waits to be sent: a volume that outlives the container; required for the paid metered
 * listing), {@code WIDGET_ENTITLEMENT_TIMEOUT} (how long to retry an unreachable or throttling
 * service at start-up, ISO-8601, default PT30M), {@code WIDGET_GRACE} (how long to keep serving
 * once the service refuses the usage or the license, ISO-8601, default PT24H; then the service
 * stops), {@code WIDGET_RECHECK} (how often a license is checked again, ISO-8601, default PT15M).
 *
 * <p>On SIGTERM the library's shutdown hooks send what is due within 20 seconds, or check the
 * license's seat in, inside the 30 seconds ECS and Kubernetes give a container.
 */
public final class WidgetService {
  private WidgetService() {}

  public static void main(String[] args) throws Exception {
    String productCode = envOr("PRODUCT_CODE", "");
    if (productCode.isEmpty()) {
      throw fail("set PRODUCT_CODE to the product code this deployment runs as");
    }
    TrustFile trusted = TrustedProducts.load();
    Plan plan =
        trusted.licenses().containsKey(productCode)
            ? Licensed.start(trusted, productCode)
            : Metered.start(trusted, productCode);
    WidgetApi api = new WidgetApi(intEnv("WIDGET_PORT", 8080), plan);
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
        "widget-service: %s; listening on http://127.0.0.1:%d%n", plan.describe(), api.port());
    System.out.flush();
    stopped.await();
  }

  /**
   * Tells the operator what a change of the entitlement means: serving on, free features only, or
   * stopping (exit code 4).
   *
   * @param entitled what to say when the product is entitled (again)
   * @param lost what the loss is, e.g. "the metering service refuses usage"
   * @param stopped what the loss is when it stops the service, e.g. "usage refused"
   */
  static void entitlementChanged(
      EntitlementState state, String entitled, String lost, String stopped) {
    switch (state.mode()) {
      case ENTITLED -> System.err.println("widget-service: " + entitled);
      case GRACE, DEGRADED ->
          System.err.println(
              "widget-service: "
                  + lost
                  + " since "
                  + state.lostAt()
                  + " ("
                  + state.cause()
                  + "); serving "
                  + (state.servesPaidFeatures() ? "on for now" : "free features only"));
      case STOPPED -> {
        System.err.println(
            "widget-service: "
                + stopped
                + " since "
                + state.lostAt()
                + "; stopping: "
                + state.cause());
        new Thread(() -> System.exit(4), "widget-stop").start();
      }
    }
  }

  static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  static Duration durationEnv(String name, String fallback) {
    return Duration.parse(envOr(name, fallback));
  }

  private static int intEnv(String name, int fallback) {
    return Integer.parseInt(envOr(name, Integer.toString(fallback)));
  }

  /** Prints why the service cannot run and exits with code 3; returns for {@code throw}. */
  static IllegalStateException fail(String message) {
    System.err.println("widget-service: " + message);
    System.exit(3);
    return new IllegalStateException(message);
  }
}
