package io.meterline.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.licensemanager.LicenseManagerClient;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * The metering and License Manager clients the library builds when none is given: credentials from
 * the SDK's default chain, the region from {@link RegionResolver}, the endpoint from the SDK's own
 * resolution (which honours {@code AWS_ENDPOINT_URL_MARKETPLACE_METERING} and {@code
 * AWS_ENDPOINT_URL_LICENSE_MANAGER}), and timeouts on every attempt and call so that no call can
 * hang the meter or the license's re-check. Nothing else is configured in code.
 */
final class Clients {
  /** One HTTP attempt: far longer than the service takes, short enough not to hang a send. */
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

  /** One call with the SDK's own retries. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  /** Where a container's credentials come from on the platforms Marketplace accepts, or keys. */
  private static final List<String> CREDENTIAL_SOURCES =
      List.of(
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
          "AWS_CONTAINER_CREDENTIALS_FULL_URI",
          "AWS_WEB_IDENTITY_TOKEN_FILE",
          "AWS_ACCESS_KEY_ID");

  private static final String STS_CLIENT = "software.amazon.awssdk.services.sts.StsClient";

  private Clients() {}

  static MarketplaceMeteringClient metering() {
    return metering(RegionResolver.resolve());
  }

  private static MarketplaceMeteringClient metering(Region region) {
    return MarketplaceMeteringClient.builder()
        .region(region)
        .overrideConfiguration(Clients::timeouts)
        .build();
  }

  private static LicenseManagerClient licenseManager(Region region) {
    return LicenseManagerClient.builder()
        .region(region)
        .overrideConfiguration(Clients::timeouts)
        .build();
  }

  private static void timeouts(ClientOverrideConfiguration.Builder o) {
    o.apiCallAttemptTimeout(ATTEMPT_TIMEOUT).apiCallTimeout(CALL_TIMEOUT);
  }

  /**
   * The client, after checking what no retry can mend: the region is known and credentials can be
   * found.
   *
   * @throws EntitlementException with {@link EntitlementException.Reason#CONFIGURATION}, naming the
   *     cause and the fix
   */
  static MarketplaceMeteringClient meteringChecked() throws EntitlementException {
    return meteringChecked(System.getenv(), Clients::stsOnClassPath);
  }

  static MarketplaceMeteringClient meteringChecked(
      Map<String, String> env, BooleanSupplier stsPresent) throws EntitlementException {
    return checked(env, stsPresent, Clients::metering);
  }

  /** The License Manager client, after the same checks as {@link #meteringChecked()}. */
  static LicenseManagerClient licenseManagerChecked() throws EntitlementException {
    return checked(System.getenv(), Clients::stsOnClassPath, Clients::licenseManager);
  }

  private static <C> C checked(
      Map<String, String> env, BooleanSupplier stsPresent, Function<Region, C> build)
      throws EntitlementException {
    Region region;
    try {
      region = new RegionResolver(env).region();
    } catch (IllegalStateException e) {
      throw new EntitlementException(
          EntitlementException.Reason.CONFIGURATION,
          e.getMessage() + " Run the product on ECS, EKS or Fargate, or set AWS_REGION.");
    }
    if (present(env, "AWS_WEB_IDENTITY_TOKEN_FILE") && !stsPresent.getAsBoolean()) {
      throw new EntitlementException(
          EntitlementException.Reason.CONFIGURATION,
          "AWS_WEB_IDENTITY_TOKEN_FILE is set (EKS IRSA) but the AWS SDK's sts module is not on the "
              + "class path, so the pod's credentials cannot be used: add the dependency "
              + "software.amazon.awssdk:sts to the product");
    }
    if (CREDENTIAL_SOURCES.stream().noneMatch(name -> present(env, name))) {
      try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build()) {
        chain.resolveCredentials();
      } catch (SdkClientException e) {
        throw noCredentials(e);
      }
    }
    return build.apply(region);
  }

  /**
   * A configuration error hidden in a client-side failure of a call, or {@code null} when the
   * failure may pass (the network, a timeout).
   */
  static EntitlementException configurationError(SdkClientException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("'sts' service module")) {
      return new EntitlementException(
          EntitlementException.Reason.CONFIGURATION,
          "EKS IRSA needs the AWS SDK's sts module on the class path: add the dependency "
              + "software.amazon.awssdk:sts to the product ("
              + message
              + ")",
          e);
    }
    if (message.startsWith("Unable to load credentials")
        && CREDENTIAL_SOURCES.stream().noneMatch(name -> present(System.getenv(), name))) {
      return noCredentials(e);
    }
    return null;
  }

  private static EntitlementException noCredentials(SdkClientException e) {
    return new EntitlementException(
        EntitlementException.Reason.CONFIGURATION,
        "no AWS credentials: give the task an IAM task role (ECS, Fargate) or the pod a service "
            + "account with an IAM role (EKS IRSA); the SDK found none ("
            + e.getMessage()
            + ")",
        e);
  }

  private static boolean present(Map<String, String> env, String name) {
    String value = env.get(name);
    return value != null && !value.isBlank();
  }

  private static boolean stsOnClassPath() {
    try {
      Class.forName(STS_CLIENT, false, Clients.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
