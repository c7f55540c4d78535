package io.meterline.server.platform;

import static io.meterline.server.platform.PlatformFixtures.REGION;
import static io.meterline.server.platform.PlatformFixtures.env;
import static io.meterline.server.platform.PlatformFixtures.meterUsage;
import static io.meterline.server.platform.PlatformFixtures.registerUsage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.PlatformNotSupportedException;

/**
 * EKS Pod Identity (facts §4.8, §5.4): the pod gets working AWS credentials from its container
 * endpoint with the token in its token file, but Marketplace metering accepts only IRSA on EKS, so
 * both buyer-side operations answer {@code PlatformNotSupportedException} even for a subscribed
 * buyer.
 */
class PodIdentityTest {
  @RegisterExtension static final PlatformFixtures f = PlatformFixtures.withDefaults();

  @TempDir Path dir;

  @AfterEach
  void cleanUp() {
    System.clearProperty("aws.containerCredentialsFullUri");
    System.clearProperty("aws.containerAuthorizationTokenFile");
  }

  /** The pod's credentials, fetched as the SDK does: the token is the token file's content. */
  private static AwsCredentials podCredentials(JsonNode pod) {
    String token =
        pod.get("files").get(env(pod, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")).asText();
    PlatformFixtures.Reply r =
        f.get(env(pod, "AWS_CONTAINER_CREDENTIALS_FULL_URI"), Map.of("Authorization", token));
    assertThat(r.status()).as("pod identity credentials: %s", r.body()).isEqualTo(200);
    return PlatformFixtures.sessionCredentials(r.json());
  }

  private static PlatformNotSupportedException expectNotSupported(Runnable call) {
    PlatformNotSupportedException e =
        catchThrowableOfType(call::run, PlatformNotSupportedException.class);
    assertThat(e).as("the call's failure").isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("PlatformNotSupportedException");
    return e;
  }

  @Test
  void registerUsage_subscribedBuyersPodIdentityPod_isPlatformNotSupported() {
    PlatformFixtures.Subscribed s = f.subscribed("HOURLY");
    JsonNode pod = f.task(s.buyer(), "EKS_POD_IDENTITY");
    MarketplaceMeteringClient client = f.client(podCredentials(pod), REGION);

    expectNotSupported(() -> registerUsage(client, s.productCode()));

    f.admin().stopTask(pod.get("taskId").asText());
    assertThat(f.usage(s.productCode())).as("nothing admitted, nothing billed").isEmpty();
  }

  @Test
  void meterUsage_subscribedBuyersPodIdentityPod_isPlatformNotSupported() {
    PlatformFixtures.Subscribed s = f.subscribed("CUSTOM");
    JsonNode pod = f.task(s.buyer(), "EKS_POD_IDENTITY");
    MarketplaceMeteringClient client = f.client(podCredentials(pod), REGION);

    expectNotSupported(() -> meterUsage(client, s.productCode(), f.now(), 1));

    assertThat(f.usage(s.productCode())).isEmpty();
  }

  @Test
  void meterUsage_dryRunFromAPodIdentityPod_isPlatformNotSupported() {
    PlatformFixtures.Subscribed s = f.subscribed("CUSTOM");
    JsonNode pod = f.task(s.buyer(), "EKS_POD_IDENTITY");
    MarketplaceMeteringClient client = f.client(podCredentials(pod), REGION);

    expectNotSupported(
        () ->
            client.meterUsage(
                b ->
                    b.productCode(s.productCode())
                        .usageDimension(PlatformFixtures.DIMENSION)
                        .timestamp(f.now())
                        .usageQuantity(1)
                        .dryRun(true)));
  }

  @Test
  void sdkContainerProvider_withTheTokenFile_getsCredentialsThatMeteringRefuses()
      throws IOException {
    PlatformFixtures.Subscribed s = f.subscribed("HOURLY");
    JsonNode pod = f.task(s.buyer(), "EKS_POD_IDENTITY");
    String tokenPath = env(pod, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    Path tokenFile =
        Files.writeString(
            dir.resolve("eks-pod-identity-token"), pod.get("files").get(tokenPath).asText());
    System.setProperty(
        "aws.containerCredentialsFullUri", env(pod, "AWS_CONTAINER_CREDENTIALS_FULL_URI"));
    System.setProperty("aws.containerAuthorizationTokenFile", tokenFile.toString());
    ContainerCredentialsProvider provider = f.track(ContainerCredentialsProvider.builder().build());
    MarketplaceMeteringClient client =
        f.track(
            f.clientBuilder(AwsBasicCredentials.create("unused", "unused"), REGION)
                .credentialsProvider(provider)
                .overrideConfiguration(
                    o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build());

    AwsCredentials credentials = provider.resolveCredentials();

    assertThat(credentials.accessKeyId()).startsWith("ASIA");
    expectNotSupported(() -> registerUsage(client, s.productCode()));
  }

  @Test
  void credentials_withoutTheTokenFilesToken_are403() {
    JsonNode pod = f.task(f.buyer(), "EKS_POD_IDENTITY");

    PlatformFixtures.Reply r =
        f.get(
            env(pod, "AWS_CONTAINER_CREDENTIALS_FULL_URI"),
            Map.of("Authorization", "not-the-pods-token"));

    assertThat(r.status()).isEqualTo(403);
  }
}
