package io.meterline.server.platform;

import static io.meterline.server.platform.PlatformFixtures.REGION;
import static io.meterline.server.platform.PlatformFixtures.env;
import static io.meterline.server.platform.PlatformFixtures.taskBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What each platform injects into a task (SPEC §2; facts §5.1–5.5), as {@code POST /admin/v1/tasks}
 * returns it: exactly these variables, and the files some of them name.
 */
class TaskEnvironmentTest {
  private static final String METERING = "AWS_ENDPOINT_URL_MARKETPLACE_METERING";
  private static final String LICENSE_MANAGER = "AWS_ENDPOINT_URL_LICENSE_MANAGER";

  @RegisterExtension static final PlatformFixtures f = PlatformFixtures.withDefaults();

  private static List<String> names(JsonNode task) {
    List<String> names = new ArrayList<>();
    task.get("environment").fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> files(JsonNode task) {
    List<String> names = new ArrayList<>();
    task.get("files").fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static boolean isLoopback(String uri) {
    try {
      return InetAddress.getByName(URI.create(uri).getHost()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new AssertionError("no such host in " + uri, e);
    }
  }

  /** The URL a task's variable names, which must lie under the task's own platform path. */
  private static String taskUrl(JsonNode task, String name) {
    String value = env(task, name);
    assertThat(value).startsWith(f.endpoint().toString());
    assertThat(value).contains(task.get("taskId").asText());
    return value;
  }

  @Test
  void fargate_hasContainerCredentialsMetadataRegionAndExecutionEnv() {
    JsonNode task = f.task(f.buyer(), REGION, "FARGATE");

    // ECS_CONTAINER_METADATA_URI (v3) beside V4 is what real ECS injects as well.
    assertThat(names(task))
        .containsExactlyInAnyOrder(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "ECS_CONTAINER_METADATA_URI_V4",
            "ECS_CONTAINER_METADATA_URI",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_EXECUTION_ENV",
            METERING,
            LICENSE_MANAGER);
    assertThat(isLoopback(taskUrl(task, "AWS_CONTAINER_CREDENTIALS_FULL_URI"))).isTrue();
    assertThat(env(task, "AWS_CONTAINER_AUTHORIZATION_TOKEN")).isNotBlank().doesNotContain("\n");
    taskUrl(task, "ECS_CONTAINER_METADATA_URI_V4");
    assertThat(env(task, "AWS_REGION")).isEqualTo(REGION);
    assertThat(env(task, "AWS_DEFAULT_REGION")).isEqualTo(REGION);
    assertThat(env(task, "AWS_EXECUTION_ENV")).isEqualTo("AWS_ECS_FARGATE");
    assertThat(env(task, METERING)).isEqualTo(f.endpoint().toString());
    assertThat(env(task, LICENSE_MANAGER)).isEqualTo(f.endpoint().toString());
    assertThat(files(task)).isEmpty();
  }

  @Test
  void fargate_evenWithRegionEnvFalse_hasTheRegion() {
    Map<String, Object> body = taskBody(f.buyer(), "eu-west-1", "FARGATE");
    body.put("regionEnv", false);

    JsonNode task = f.task(body);

    assertThat(env(task, "AWS_REGION")).isEqualTo("eu-west-1");
    assertThat(names(task)).doesNotContain("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  }

  @Test
  void ecsOnEc2_byDefault_hasTheRegionAndNoImds() {
    JsonNode task = f.task(f.buyer(), "eu-west-1", "ECS");

    assertThat(names(task))
        .containsExactlyInAnyOrder(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "ECS_CONTAINER_METADATA_URI_V4",
            "ECS_CONTAINER_METADATA_URI",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_EXECUTION_ENV",
            METERING,
            LICENSE_MANAGER);
    assertThat(env(task, "AWS_REGION")).isEqualTo("eu-west-1");
    assertThat(env(task, "AWS_EXECUTION_ENV")).isNotEqualTo("AWS_ECS_FARGATE");
  }

  @Test
  void ecsOnEc2_withRegionEnvFalse_hasNoRegionButTheHostsImds() {
    Map<String, Object> body = taskBody(f.buyer(), "eu-west-1", "ECS");
    body.put("regionEnv", false);

    JsonNode task = f.task(body);

    assertThat(names(task))
        .containsExactlyInAnyOrder(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "ECS_CONTAINER_METADATA_URI_V4",
            "ECS_CONTAINER_METADATA_URI",
            "AWS_EXECUTION_ENV",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            METERING,
            LICENSE_MANAGER);
    assertThat(taskUrl(task, "AWS_EC2_METADATA_SERVICE_ENDPOINT")).doesNotEndWith("/");
  }

  @Test
  void eks_hasRoleTokenFileStsEndpointAndRegion() {
    JsonNode task = f.task(f.buyer(), "ap-northeast-1", "EKS");

    assertThat(names(task))
        .containsExactlyInAnyOrder(
            "AWS_ROLE_ARN",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_ENDPOINT_URL_STS",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            METERING,
            LICENSE_MANAGER);
    assertThat(env(task, "AWS_ROLE_ARN"))
        .matches("arn:aws:iam::" + task.get("awsAccountId").asText() + ":role/.+");
    assertThat(env(task, "AWS_WEB_IDENTITY_TOKEN_FILE"))
        .isEqualTo("/var/run/secrets/eks.amazonaws.com/serviceaccount/token");
    assertThat(env(task, "AWS_ENDPOINT_URL_STS")).isEqualTo(f.endpoint().toString());
    assertThat(env(task, "AWS_REGION")).isEqualTo("ap-northeast-1");
    assertThat(files(task)).containsExactly(env(task, "AWS_WEB_IDENTITY_TOKEN_FILE"));
    assertThat(task.get("files").get(env(task, "AWS_WEB_IDENTITY_TOKEN_FILE")).asText())
        .isNotBlank()
        .doesNotEndWith("\n");
  }

  @Test
  void eksPodIdentity_hasFullUriAndTokenFileButNoInlineToken() {
    JsonNode task = f.task(f.buyer(), REGION, "EKS_POD_IDENTITY");

    assertThat(names(task))
        .containsExactlyInAnyOrder(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            METERING,
            LICENSE_MANAGER);
    assertThat(isLoopback(taskUrl(task, "AWS_CONTAINER_CREDENTIALS_FULL_URI"))).isTrue();
    String tokenFile = env(task, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    assertThat(tokenFile)
        .isEqualTo("/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token");
    assertThat(files(task)).containsExactly(tokenFile);
    assertThat(task.get("files").get(tokenFile).asText())
        .as("GOLDEN §7: a token file ending in a newline breaks the Java SDK")
        .isNotBlank()
        .doesNotEndWith("\n");
  }

  @Test
  void ec2_hasOnlyImdsAndTheServiceEndpoints() {
    JsonNode task = f.task(f.buyer(), REGION, "EC2");

    assertThat(names(task))
        .containsExactlyInAnyOrder("AWS_EC2_METADATA_SERVICE_ENDPOINT", METERING, LICENSE_MANAGER);
    assertThat(taskUrl(task, "AWS_EC2_METADATA_SERVICE_ENDPOINT")).doesNotEndWith("/");
    assertThat(files(task)).isEmpty();
    assertThat(task.get("taskId").asText()).matches("i-[0-9a-f]{17}");
  }

  @Test
  void everyPlatform_pointsMeteringAtTheServer() {
    for (String platform : new String[] {"ECS", "FARGATE", "EKS", "EKS_POD_IDENTITY", "EC2"}) {
      JsonNode task = f.task(f.buyer(), REGION, platform);
      assertThat(env(task, METERING)).as(platform).isEqualTo(f.endpoint().toString());
    }
  }

  @Test
  void create_unknownProductCode_is404NamingProductCode() {
    Map<String, Object> body = taskBody(f.buyer(), REGION, "FARGATE");
    body.put("productCode", "nosuchproduct0000000000000");

    var r = f.admin().send("POST", "/tasks", body);

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.body().get("field").asText()).isEqualTo("productCode");
    assertThat(r.body().get("message").asText()).contains("nosuchproduct0000000000000");
  }

  @Test
  void create_unknownAccount_is404NamingTheAccount() {
    var r =
        f.admin()
            .send("POST", "/tasks", taskBody(PlatformFixtures.newAccountId(), REGION, "FARGATE"));

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.body().get("field").asText()).isEqualTo("awsAccountId");
  }

  @Test
  void create_knownProductCode_isKeptOnTheTask() {
    String code = f.product("HOURLY");
    Map<String, Object> body = taskBody(f.buyer(), REGION, "FARGATE");
    body.put("productCode", code);

    JsonNode task = f.task(body);

    assertThat(task.get("productCode").asText()).isEqualTo(code);
    assertThat(task.get("status").asText()).isEqualTo("RUNNING");
  }
}
