package io.meterline.server.platform;

import static io.meterline.server.platform.PlatformFixtures.REGION;
import static io.meterline.server.platform.PlatformFixtures.env;
import static io.meterline.server.platform.PlatformFixtures.registerUsage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.InvalidIdentityTokenException;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * EKS pods with IAM roles for service accounts (SPEC §2; facts §5.3): the projected token and the
 * environment the pod gets, exchanged through STS {@code AssumeRoleWithWebIdentity} by the official
 * STS client and by the SDK's web identity credentials provider, for credentials RegisterUsage
 * accepts.
 */
class StsWebIdentityTest {
  @RegisterExtension static final PlatformFixtures f = PlatformFixtures.withDefaults();

  @TempDir Path dir;

  @AfterEach
  void cleanUp() {
    System.clearProperty("aws.endpointUrlSts");
    System.clearProperty("aws.region");
  }

  private static String token(JsonNode pod) {
    JsonNode file = pod.get("files").get(env(pod, "AWS_WEB_IDENTITY_TOKEN_FILE"));
    assertThat(file).as("the file AWS_WEB_IDENTITY_TOKEN_FILE names").isNotNull();
    return file.asText();
  }

  /** The official STS client, pointed where the pod's environment points it. */
  private static StsClient sts(JsonNode pod) {
    return f.track(
        StsClient.builder()
            .endpointOverride(URI.create(env(pod, "AWS_ENDPOINT_URL_STS")))
            .region(Region.of(env(pod, "AWS_REGION")))
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .httpClientBuilder(ApacheHttpClient.builder())
            .overrideConfiguration(
                o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
            .build());
  }

  private static AssumeRoleWithWebIdentityResponse assume(
      JsonNode pod, String roleArn, String token) {
    return sts(pod)
        .assumeRoleWithWebIdentity(
            b -> b.roleArn(roleArn).roleSessionName("meterline-test").webIdentityToken(token));
  }

  private static AwsSessionCredentials session(Credentials c) {
    return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
  }

  @Test
  void podEnvironment_hasTheIrsaVariablesAndATokenFileWithoutTrailingNewline() {
    JsonNode pod = f.task(f.buyer(), "EKS");

    assertThat(env(pod, "AWS_ROLE_ARN"))
        .startsWith("arn:aws:iam::" + pod.get("awsAccountId").asText() + ":role/");
    assertThat(env(pod, "AWS_WEB_IDENTITY_TOKEN_FILE"))
        .isEqualTo("/var/run/secrets/eks.amazonaws.com/serviceaccount/token");
    assertThat(env(pod, "AWS_ENDPOINT_URL_STS")).isEqualTo(f.endpoint().toString());
    assertThat(env(pod, "AWS_REGION")).isEqualTo(REGION);
    String token = token(pod);
    assertThat(token).isNotBlank().doesNotEndWith("\n").doesNotEndWith("\r").doesNotContain(" ");
    assertThat(token.split("\\.", -1)).as("a JWT: three base64url parts").hasSize(3);
  }

  @Test
  void assumeRoleWithWebIdentity_podToken_givesCredentialsForRegisterUsage() {
    PlatformFixtures.Subscribed s = f.subscribed("HOURLY");
    JsonNode pod = f.task(s.buyer(), "EKS");

    AssumeRoleWithWebIdentityResponse r = assume(pod, env(pod, "AWS_ROLE_ARN"), token(pod));
    MarketplaceMeteringClient client = f.client(session(r.credentials()), env(pod, "AWS_REGION"));
    String signature =
        client.registerUsage(b -> b.productCode(s.productCode()).publicKeyVersion(1)).signature();

    assertThat(r.credentials().accessKeyId()).startsWith("ASIA");
    assertThat(r.credentials().expiration()).isAfter(Instant.now());
    assertThat(r.assumedRoleUser().arn()).contains(":assumed-role/").endsWith("/meterline-test");
    assertThat(signature.split("\\.")).hasSize(3);
  }

  @Test
  void assumeRoleWithWebIdentity_twice_givesTwoKeysOfTheSamePod() {
    PlatformFixtures.Subscribed s = f.subscribed("HOURLY");
    // Launched at half past an hour, so that its one-minute minimum lies inside that hour.
    Instant hour = f.halfPastNextHour().truncatedTo(ChronoUnit.HOURS);
    JsonNode pod = f.task(s.buyer(), "EKS");

    Credentials first = assume(pod, env(pod, "AWS_ROLE_ARN"), token(pod)).credentials();
    Credentials second = assume(pod, env(pod, "AWS_ROLE_ARN"), token(pod)).credentials();
    registerUsage(f.client(session(first), REGION), s.productCode());
    f.admin().stopTask(pod.get("taskId").asText());

    assertThat(second.accessKeyId()).isNotEqualTo(first.accessKeyId());
    // Billed once: its one-minute minimum, in the hour it ran in.
    assertThat(f.taskTime(s.productCode()))
        .as("one pod, admitted once, billed once")
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get("taskId").asText()).isEqualTo(pod.get("taskId").asText());
              assertThat(Instant.parse(row.get("hour").asText())).isEqualTo(hour);
              assertThat(row.get("quantity").asLong()).as("seconds billed").isEqualTo(60);
            });
  }

  @Test
  void assumeRoleWithWebIdentity_tamperedToken_isInvalidIdentityToken() {
    JsonNode pod = f.task(f.buyer(), "EKS");
    String[] parts = token(pod).split("\\.");
    String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    JsonNode other = f.task(f.buyer(), "EKS");
    String forged =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    claims
                        .replace(pod.get("taskId").asText(), other.get("taskId").asText())
                        .getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];

    InvalidIdentityTokenException e =
        catchThrowableOfType(
            () -> assume(other, env(other, "AWS_ROLE_ARN"), forged),
            InvalidIdentityTokenException.class);

    assertThat(e).as("AssumeRoleWithWebIdentity with a forged token").isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidIdentityToken");
  }

  @Test
  void assumeRoleWithWebIdentity_garbledToken_isInvalidIdentityToken() {
    JsonNode pod = f.task(f.buyer(), "EKS");

    Throwable e = catchThrowable(() -> assume(pod, env(pod, "AWS_ROLE_ARN"), "not-a-jwt"));

    assertThat(e).isInstanceOf(InvalidIdentityTokenException.class);
  }

  @Test
  void assumeRoleWithWebIdentity_anotherAccountsRole_isAccessDenied() {
    JsonNode pod = f.task(f.buyer(), "EKS");
    JsonNode other = f.task(f.buyer(), "EKS");

    StsException e =
        catchThrowableOfType(
            () -> assume(pod, env(other, "AWS_ROLE_ARN"), token(pod)), StsException.class);

    assertThat(e).as("AssumeRoleWithWebIdentity of another account's role").isNotNull();
    assertThat(e).isNotInstanceOf(InvalidIdentityTokenException.class);
    assertThat(e.statusCode()).isEqualTo(403);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
  }

  @Test
  void assumeRoleWithWebIdentity_stoppedPod_isInvalidIdentityToken() {
    JsonNode pod = f.task(f.buyer(), "EKS");
    f.admin().stopTask(pod.get("taskId").asText());

    Throwable e = catchThrowable(() -> assume(pod, env(pod, "AWS_ROLE_ARN"), token(pod)));

    assertThat(e).isInstanceOf(InvalidIdentityTokenException.class);
  }

  @Test
  void assumeRoleWithWebIdentity_extendsThePodsCredentialsExpiry() {
    JsonNode pod = f.task(f.buyer(), "EKS");

    Instant expiration =
        assume(pod, env(pod, "AWS_ROLE_ARN"), token(pod)).credentials().expiration();

    assertThat(Instant.parse(f.taskNow(pod).get("credentialsExpireAt").asText()))
        .isEqualTo(expiration);
  }

  @Test
  void webIdentityTokenFileProvider_withThePodsFileAndStsEndpoint_registersUsage()
      throws IOException {
    PlatformFixtures.Subscribed s = f.subscribed("HOURLY");
    JsonNode pod = f.task(s.buyer(), "EKS");
    Path tokenFile = Files.writeString(dir.resolve("token"), token(pod));
    System.setProperty("aws.endpointUrlSts", env(pod, "AWS_ENDPOINT_URL_STS"));
    System.setProperty("aws.region", env(pod, "AWS_REGION"));
    WebIdentityTokenFileCredentialsProvider provider =
        f.track(
            WebIdentityTokenFileCredentialsProvider.builder()
                .roleArn(env(pod, "AWS_ROLE_ARN"))
                .webIdentityTokenFile(tokenFile)
                .build());

    AwsCredentials credentials = provider.resolveCredentials();
    MarketplaceMeteringClient client =
        f.track(
            f.clientBuilder(credentials, env(pod, "AWS_REGION"))
                .credentialsProvider(provider)
                .build());
    String signature =
        client.registerUsage(b -> b.productCode(s.productCode()).publicKeyVersion(1)).signature();

    assertThat(credentials).isInstanceOf(AwsSessionCredentials.class);
    assertThat(credentials.accessKeyId()).startsWith("ASIA");
    assertThat(signature.split("\\.")).hasSize(3);
  }
}
