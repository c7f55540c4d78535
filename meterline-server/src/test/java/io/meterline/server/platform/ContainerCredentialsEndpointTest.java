package io.meterline.server.platform;

import static io.meterline.server.platform.PlatformFixtures.REGION;
import static io.meterline.server.platform.PlatformFixtures.env;
import static io.meterline.server.platform.PlatformFixtures.meterUsage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.config.Limits;
import io.meterline.server.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * The container credentials endpoint of ECS and Fargate tasks (SPEC §2; GOLDEN §7; facts §5.2): the
 * token check, the credentials document, fresh credentials per fetch that all name the same task,
 * and the SDK's own {@link ContainerCredentialsProvider} refreshing them.
 */
class ContainerCredentialsEndpointTest {
  private static final Duration TTL = Duration.ofMinutes(2);
  private static final MutableClock REAL = new MutableClock();
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([A-Z0-9]+)/");

  @RegisterExtension
  static final PlatformFixtures f =
      PlatformFixtures.configured(
          b ->
              b.limits(Limits.defaults().withCredentialTtl(TTL).withTaskSweep(Duration.ofHours(1))),
          REAL);

  @AfterEach
  void cleanUp() {
    REAL.reset();
    System.clearProperty("aws.containerCredentialsFullUri");
    System.clearProperty("aws.containerAuthorizationToken");
  }

  private static JsonNode fargateTask() {
    return f.task(f.buyer(), "FARGATE");
  }

  // ---- the token ---------------------------------------------------------------------------

  @Test
  void credentials_withoutAuthorization_is401WithCodeAndMessage() {
    JsonNode task = fargateTask();

    PlatformFixtures.Reply r = f.get(env(task, "AWS_CONTAINER_CREDENTIALS_FULL_URI"), Map.of());

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("content-type")).startsWith("application/json");
    assertThat(r.json().get("code").asText()).isNotBlank();
    assertThat(r.json().get("message").asText()).isNotBlank();
    assertThat(r.json().has("AccessKeyId")).isFalse();
  }

  @Test
  void credentials_withAnotherTasksToken_is403() {
    JsonNode task = fargateTask();
    JsonNode other = fargateTask();

    PlatformFixtures.Reply r =
        f.get(
            env(task, "AWS_CONTAINER_CREDENTIALS_FULL_URI"),
            Map.of("Authorization", env(other, "AWS_CONTAINER_AUTHORIZATION_TOKEN")));

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("code").asText()).isNotBlank();
    assertThat(r.json().has("AccessKeyId")).isFalse();
  }

  @Test
  void credentials_withAGarbledToken_is403() {
    JsonNode task = fargateTask();

    PlatformFixtures.Reply r =
        f.get(
            env(task, "AWS_CONTAINER_CREDENTIALS_FULL_URI"),
            Map.of("Authorization", env(task, "AWS_CONTAINER_AUTHORIZATION_TOKEN") + "x"));

    assertThat(r.status()).isEqualTo(403);
  }

  // ---- the document -------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"ECS", "FARGATE"})
  void credentials_withTheTasksToken_serveTheDocumentOfGolden7(String platform) {
    JsonNode task = f.task(f.buyer(), platform);
    Instant before = REAL.instant().truncatedTo(ChronoUnit.SECONDS);

    PlatformFixtures.Reply r = f.fetchCredentials(task);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("application/json");
    JsonNode doc = r.json();
    assertThat(doc.get("AccessKeyId").asText()).startsWith("ASIA");
    assertThat(doc.get("SecretAccessKey").asText()).isNotBlank();
    assertThat(doc.get("Token").asText()).isNotBlank();
    String expiration = doc.get("Expiration").asText();
    assertThat(expiration).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
    assertThat(Instant.parse(expiration))
        .isCloseTo(before.plus(TTL), within(5, ChronoUnit.SECONDS));
  }

  @Test
  void credentials_eachFetch_isANewKeyOfTheSameTask() {
    PlatformFixtures.Subscribed s = f.subscribed("CUSTOM");
    JsonNode task = f.task(s.buyer(), "FARGATE");
    AwsSessionCredentials first = f.containerCredentials(task);
    AwsSessionCredentials second = f.containerCredentials(task);
    Instant now = f.now();

    String withFirst =
        meterUsage(f.client(first, REGION), s.productCode(), now, 3).meteringRecordId();
    String withSecond =
        meterUsage(f.client(second, REGION), s.productCode(), now, 3).meteringRecordId();

    assertThat(second.accessKeyId()).isNotEqualTo(first.accessKeyId());
    assertThat(withFirst).isNotBlank();
    assertThat(withSecond).as("the same task's usage, deduplicated per task").isEqualTo(withFirst);
    assertThat(f.usage(s.productCode())).hasSize(1);
  }

  @Test
  void credentials_ofAStoppedTask_are403() {
    JsonNode task = fargateTask();
    f.admin().stopTask(task.get("taskId").asText());

    PlatformFixtures.Reply r = f.fetchCredentials(task);

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().has("AccessKeyId")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"EKS", "EC2"})
  void credentials_ofTasksWithoutAContainerEndpoint_are404(String platform) {
    JsonNode ecs = fargateTask();
    JsonNode task = f.task(f.buyer(), platform);
    String uri =
        env(ecs, "AWS_CONTAINER_CREDENTIALS_FULL_URI")
            .replace(ecs.get("taskId").asText(), task.get("taskId").asText());

    PlatformFixtures.Reply r =
        f.get(uri, Map.of("Authorization", env(ecs, "AWS_CONTAINER_AUTHORIZATION_TOKEN")));

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().has("AccessKeyId")).isFalse();
  }

  @Test
  void credentials_fetchedLater_moveTheTasksCredentialsExpiryForward() {
    JsonNode task = fargateTask();
    Instant atLaunch = Instant.parse(f.taskNow(task).get("credentialsExpireAt").asText());

    REAL.shift(Duration.ofMinutes(1));
    Instant served = Instant.parse(f.fetchCredentials(task).json().get("Expiration").asText());

    Instant recorded = Instant.parse(f.taskNow(task).get("credentialsExpireAt").asText());
    assertThat(recorded).isEqualTo(served);
    assertThat(recorded)
        .isCloseTo(atLaunch.plus(Duration.ofMinutes(1)), within(5, ChronoUnit.SECONDS));
  }

  @Test
  void credentials_fetchedBeforeALaterSet_doNotMoveTheExpiryBack() {
    JsonNode task = fargateTask();
    REAL.shift(Duration.ofMinutes(1));
    Instant later = Instant.parse(f.fetchCredentials(task).json().get("Expiration").asText());

    REAL.reset();
    f.fetchCredentials(task);

    assertThat(Instant.parse(f.taskNow(task).get("credentialsExpireAt").asText())).isEqualTo(later);
  }

  // ---- the SDK's container credentials provider ----------------------------------------------

  /** Records the access key id of every signed request. */
  private static final class KeyIds implements ExecutionInterceptor {
    final List<String> seen = new ArrayList<>();

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
      String authorization = context.httpRequest().firstMatchingHeader("Authorization").orElse("");
      Matcher m = CREDENTIAL.matcher(authorization);
      seen.add(m.find() ? m.group(1) : "unsigned: " + authorization);
    }
  }

  @Test
  void sdkContainerProvider_shortLivedCredentials_refetchesAndStaysTheSameTask() {
    PlatformFixtures.Subscribed s = f.subscribed("CUSTOM");
    JsonNode task = f.task(s.buyer(), "FARGATE");
    System.setProperty(
        "aws.containerCredentialsFullUri", env(task, "AWS_CONTAINER_CREDENTIALS_FULL_URI"));
    System.setProperty(
        "aws.containerAuthorizationToken", env(task, "AWS_CONTAINER_AUTHORIZATION_TOKEN"));
    ContainerCredentialsProvider provider = f.track(ContainerCredentialsProvider.builder().build());
    KeyIds keyIds = new KeyIds();
    MarketplaceMeteringClient client =
        f.track(
            f.clientBuilder(AwsBasicCredentials.create("unused", "unused"), REGION)
                .credentialsProvider(provider)
                .overrideConfiguration(
                    o ->
                        o.retryStrategy(RetryMode.STANDARD)
                            .retryStrategy(b -> b.maxAttempts(1))
                            .addExecutionInterceptor(keyIds))
                .build());
    Instant now = f.now();

    Set<String> recordIds = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      recordIds.add(meterUsage(client, s.productCode(), now, 5).meteringRecordId());
    }

    assertThat(keyIds.seen).hasSize(4).allSatisfy(k -> assertThat(k).startsWith("ASIA"));
    assertThat(Set.copyOf(keyIds.seen))
        .as("the provider re-fetched the 2-minute credentials")
        .hasSizeGreaterThanOrEqualTo(2);
    assertThat(recordIds).as("every call was the same task's").hasSize(1);
    assertThat(f.usage(s.productCode())).hasSize(1);
  }
}
