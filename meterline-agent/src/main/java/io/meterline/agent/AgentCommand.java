package io.meterline.agent;

import io.meterline.client.Entitlement;
import io.meterline.client.EntitlementException;
import io.meterline.client.EntitlementState;
import io.meterline.client.GracePolicy;
import io.meterline.client.Meter;
import io.meterline.client.TrustFile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meterline agent}: the seller library as a sidecar, for products not written in Java (SPEC
 * §4). It checks the entitlement at start (and exits non-zero when there is none, so the task or
 * pod fails as AWS's guidelines want), then takes usage on localhost and meters it with the same
 * spool and guarantees as {@link Meter}.
 *
 * <p>Exit codes: 143 after SIGTERM (the JVM's own), once the meter is closed; 2 for bad options; 3
 * when not entitled (or the endpoint is not the seller's, or the configuration is wrong); 4 when
 * the grace policy says stop.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Runs beside a paid container product not written in Java: checks the entitlement at start "
          + "(exit 3 when not entitled), then takes usage at POST http://127.0.0.1:PORT/v1/usage "
          + "{\"dimension\", \"quantity\"} and meters it per hour with a durable spool; "
          + "GET /v1/status shows the meter, GET /metrics has Prometheus metrics. On SIGTERM it "
          + "sends what is due within --close-timeout.",
      "",
      "Example: meterline agent --trust trusted-products.json --dimensions Requests,Renders "
          + "--spool-dir /var/lib/product/meter"
    })
public final class AgentCommand implements Callable<Integer> {
  /** The port the agent listens on unless told otherwise. */
  public static final int DEFAULT_PORT = 9181;

  static final int NOT_ENTITLED = 3;
  static final int STOPPED = 4;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--trust",
      required = true,
      paramLabel = "FILE",
      description =
          "What the product trusts, shipped in its image: {\"products\": [{\"productCode\", "
              + "\"tier\": PAID|FREE, \"entitlement\": meterUsage|registerUsage, "
              + "\"publicKeys\": {\"1\": PEM}}], \"endpointKeys\": [PEM]}.")
  Path trust;

  @Option(
      names = "--product-code",
      paramLabel = "CODE",
      defaultValue = "${env:PRODUCT_CODE}",
      description = "The product code to run as (default: $PRODUCT_CODE); one of the trusted.")
  String productCode;

  @Option(
      names = "--dimensions",
      required = true,
      split = ",",
      paramLabel = "D1,D2",
      description =
          "Every dimension the product meters: each completed hour gets a record of each.")
  List<String> dimensions;

  @Option(
      names = "--spool-dir",
      required = true,
      paramLabel = "DIR",
      description =
          "Where usage waits until it is sent: a volume that outlives the container, so that a "
              + "restart sends what the last run could not.")
  Path spoolDir;

  @Option(
      names = "--port",
      defaultValue = "" + DEFAULT_PORT,
      paramLabel = "PORT",
      description = "The port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = "--entitlement-timeout",
      defaultValue = "PT30M",
      paramLabel = "DURATION",
      description =
          "How long to retry an unreachable or throttling service at start (ISO-8601, default "
              + "${DEFAULT-VALUE}, AWS's advice).")
  Duration entitlementTimeout;

  @Option(
      names = "--grace",
      paramLabel = "DURATION",
      description =
          "Once the service refuses the product's usage (the subscription ended, credentials "
              + "refused), keep serving this long, then exit 4 (ISO-8601, e.g. PT24H; default: "
              + "keep serving).")
  Duration grace;

  @Option(
      names = "--close-timeout",
      defaultValue = "PT20S",
      paramLabel = "DURATION",
      description =
          "How long SIGTERM may take to send what is due (default ${DEFAULT-VALUE}; ECS and "
              + "Kubernetes kill 30 s after SIGTERM).")
  Duration closeTimeout;

  @Override
  public Integer call() throws Exception {
    if (productCode == null || productCode.isBlank()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--product-code: give it, or set PRODUCT_CODE");
    }
    Set<String> declared = new LinkedHashSet<>(dimensions);
    TrustFile trusted;
    try {
      trusted = TrustFile.read(trust);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--trust: " + e.getMessage());
    }
    Entitlement entitlement;
    try {
      entitlement =
          trusted
              .check(productCode.strip(), declared.toArray(String[]::new))
              .retryFor(entitlementTimeout)
              .build()
              .run();
    } catch (EntitlementException e) {
      spec.commandLine()
          .getErr()
          .println("meterline agent: not entitled to run: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return NOT_ENTITLED;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Meter meter;
    try {
      meter =
          Meter.builder()
              .productCode(entitlement.productCode())
              .dimensions(declared.toArray(String[]::new))
              .spoolDirectory(spoolDir)
              .sellerEndpoint(trusted.sellerEndpoint())
              .gracePolicy(grace == null ? GracePolicy.keepServing() : GracePolicy.stopAfter(grace))
              .onEntitlementChange(this::entitlementChanged)
              .registry(registry)
              .build();
    } catch (IllegalStateException e) {
      spec.commandLine().getErr().println("meterline agent: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return NOT_ENTITLED;
    }
    AgentHttp http = AgentHttp.start(port, entitlement, meter, registry);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  http.close();
                  boolean sent = meter.close(closeTimeout);
                  System.err.println(
                      "meterline agent: stopped; "
                          + (sent
                              ? "all usage sent"
                              : "what could not be sent stays in " + spoolDir.toAbsolutePath()));
                  stopped.countDown();
                },
                "meterline-agent-shutdown"));
    spec.commandLine()
        .getOut()
        .printf(
            "meterline agent: entitled to %s (%s); taking usage of %s at http://127.0.0.1:%d/v1/usage%n",
            entitlement.productCode(),
            entitlement.tier(),
            String.join(", ", declared),
            http.port());
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }

  private void entitlementChanged(EntitlementState state) {
    if (state.mode() == EntitlementState.Mode.STOPPED) {
      System.err.println(
          "meterline agent: usage refused since "
              + state.lostAt()
              + " ("
              + state.cause()
              + "), longer than --grace: exiting "
              + STOPPED);
      new Thread(() -> System.exit(STOPPED), "meterline-agent-stop").start();
    }
  }
}
