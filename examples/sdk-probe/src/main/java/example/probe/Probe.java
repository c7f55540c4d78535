package example.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClientBuilder;

/**
 * What a paid container product does at start-up, and nothing else: one RegisterUsage or MeterUsage
 * call with the SDK's default credentials, region and endpoint providers. No credentials, region or
 * endpoint are named in code; on ECS, EKS or EC2 they come from the platform, and under {@code
 * meterline run-task} from Meterline's emulation of it.
 *
 * <pre>
 * probe register PRODUCT_CODE [--public-key-version N] [--region R] [--result-file F]
 * probe meter PRODUCT_CODE DIMENSION QUANTITY [--dry-run] [--region R] [--result-file F]
 * </pre>
 *
 * <p>Prints one line: {@code OK …} (exit 0), {@code FAILED <ErrorCode>: …} when the service refused
 * (exit 3), or {@code FAILED <Exception>: …} for anything else (exit 2). {@code --region} forces a
 * region, as a product that hard-codes one would.
 */
public final class Probe {
  private Probe() {}

  public static void main(String[] args) {
    List<String> words = new ArrayList<>(List.of(args));
    String region = option(words, "--region");
    String resultFile = option(words, "--result-file");
    String version = option(words, "--public-key-version");
    boolean dryRun = words.remove("--dry-run");
    String result;
    int exit;
    try {
      result = run(words, region, version == null ? 1 : Integer.parseInt(version), dryRun);
      exit = 0;
    } catch (AwsServiceException e) {
      result =
          "FAILED " + e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
      exit = 3;
    } catch (RuntimeException e) {
      result = "FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage();
      exit = 2;
    }
    System.out.println(result);
    if (resultFile != null) {
      try {
        Files.writeString(Path.of(resultFile), result, StandardCharsets.UTF_8);
      } catch (IOException e) {
        System.err.println("cannot write " + resultFile + ": " + e.getMessage());
        exit = 2;
      }
    }
    System.exit(exit);
  }

  private static String run(List<String> words, String region, int version, boolean dryRun) {
    if (words.size() < 2) {
      throw new IllegalArgumentException(
          "usage: probe register PRODUCT_CODE | probe meter PRODUCT_CODE DIMENSION QUANTITY");
    }
    MarketplaceMeteringClientBuilder builder = MarketplaceMeteringClient.builder();
    if (region != null) {
      builder.region(Region.of(region));
    }
    System.err.println(
        "probe: region "
            + (region != null
                ? region + " (forced)"
                : new DefaultAwsRegionProviderChain().getRegion() + " (from the default chain)"));
    try (MarketplaceMeteringClient client = builder.build()) {
      String product = words.get(1);
      if (words.get(0).equals("register")) {
        String nonce = UUID.randomUUID().toString();
        String signature =
            client
                .registerUsage(r -> r.productCode(product).publicKeyVersion(version).nonce(nonce))
                .signature();
        return "OK RegisterUsage signature=" + signature.substring(0, 24) + "…";
      }
      if (words.get(0).equals("meter") && words.size() >= 4) {
        String id =
            client
                .meterUsage(
                    r ->
                        r.productCode(product)
                            .usageDimension(words.get(2))
                            .usageQuantity(Integer.parseInt(words.get(3)))
                            .timestamp(Instant.now())
                            .dryRun(dryRun))
                .meteringRecordId();
        return "OK MeterUsage meteringRecordId=" + id;
      }
      throw new IllegalArgumentException("unknown command: " + String.join(" ", words));
    }
  }

  private static String option(List<String> words, String name) {
    int i = words.indexOf(name);
    if (i < 0 || i + 1 >= words.size()) {
      return null;
    }
    String value = words.get(i + 1);
    words.remove(i + 1);
    words.remove(i);
    return value;
  }
}
