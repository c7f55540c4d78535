package io.meterline.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;

/**
 * A paid container product reduced to its metering, run as its own JVM by {@link MeterCrashTest}:
 * it finds region, credentials and endpoint from the environment the platform gave its task,
 * exactly as in production, and adds one unit at a time, printing {@code acked <n>} after each add
 * returns (n counts this run's acknowledged units).
 *
 * <p>Arguments: the spool directory, the product code, the dimension, and a mode: {@code forever}
 * (add until killed); {@code close-after <n>} (add n units, print {@code closing}, close, print
 * {@code closed <status>}, exit); {@code close-after <n> die-on-answer} (the same, but the process
 * halts the moment the service's answer to a MeterUsage arrives, before the meter can note it: the
 * worst moment for a kill); {@code hold} (open the meter, print {@code ready}, wait); {@code
 * add-then-wait <n>} (add n units, print {@code waiting}, wait until stopped: with the option
 * {@code close-on-shutdown=<seconds>} the library's shutdown hook closes the meter on SIGTERM, in
 * that time). The option {@code clock=<instant>} stands the meter's clock still at that instant
 * (ISO-8601), so that all its usage falls in that instant's hour whenever the run happens; without
 * it the meter runs on the system clock, as in production.
 */
public final class CrashingProduct {
  /** The exit status of a halt on the answer, as a kill -9 would give. */
  static final int HALTED = 137;

  /** The variable that hands this test product the public endpoint key it would ship. */
  static final String ENDPOINT_KEY_VARIABLE = "TEST_PRODUCT_ENDPOINT_KEY";

  private CrashingProduct() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Path spool = Path.of(args[0]);
    String productCode = args[1];
    String dimension = args[2];
    String mode = args[3];
    List<String> options = List.of(args).subList(4, args.length);
    Meter.Builder builder =
        Meter.builder().productCode(productCode).dimensions(dimension).spoolDirectory(spool);
    // The seller's endpoint key, which a real product would have built in.
    String endpointKey = System.getenv(ENDPOINT_KEY_VARIABLE);
    if (endpointKey != null) {
      builder.sellerEndpoint(SellerEndpoint.signedBy(endpointKey));
    }
    if (options.contains("die-on-answer")) {
      builder.client(haltingOnMeterUsageAnswer());
    }
    for (String option : options) {
      if (option.startsWith("clock=")) {
        builder.clock(Clock.fixed(Instant.parse(option.substring(6)), ZoneOffset.UTC));
      }
      if (option.startsWith("close-on-shutdown=")) {
        builder.closeOnShutdown(Duration.ofSeconds(Long.parseLong(option.substring(18))));
      }
    }
    Meter meter = builder.build();
    out.println("ready");
    switch (mode) {
      case "forever" -> {
        for (long n = 1; n < 10_000_000; n++) {
          meter.add(dimension, 1);
          out.println("acked " + n);
        }
      }
      case "close-after" -> {
        long count = Long.parseLong(options.get(0));
        for (long n = 1; n <= count; n++) {
          meter.add(dimension, 1);
          out.println("acked " + n);
        }
        out.println("closing");
        meter.close();
        out.println("closed " + meter.status());
      }
      case "add-then-wait" -> {
        long count = Long.parseLong(options.get(0));
        for (long n = 1; n <= count; n++) {
          meter.add(dimension, 1);
          out.println("acked " + n);
        }
        out.println("waiting");
        Thread.sleep(Long.MAX_VALUE);
      }
      case "hold" ->
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
  }

  /** The client the library would build, plus a halt when a MeterUsage answer comes back. */
  private static MarketplaceMeteringClient haltingOnMeterUsageAnswer() {
    ExecutionInterceptor halt =
        new ExecutionInterceptor() {
          @Override
          public void afterExecution(
              Context.AfterExecution context, ExecutionAttributes executionAttributes) {
            if (context.response() instanceof MeterUsageResponse) {
              Runtime.getRuntime().halt(HALTED);
            }
          }
        };
    return MarketplaceMeteringClient.builder()
        .region(RegionResolver.resolve())
        .overrideConfiguration(o -> o.addExecutionInterceptor(halt))
        .build();
  }
}
