package io.meterline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.testing.TestServer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/**
 * The region is never configured (SPEC §4 "Region"; facts §4.7, §5.1, §5.5): {@code AWS_REGION},
 * else the ECS task metadata (TaskARN, else AvailabilityZone), else IMDSv2. The metadata endpoints
 * are the real server's platform emulation; the environment is a map handed to the resolver.
 */
class RegionResolverTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] PROPERTIES = {
    "aws.region", "aws.ec2MetadataServiceEndpoint", "aws.disableEc2Metadata"
  };

  private static TestServer server;
  private final Map<String, String> saved = new HashMap<>();

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void isolateFromTheMachine() {
    for (String p : PROPERTIES) {
      saved.put(p, System.getProperty(p));
      System.clearProperty(p);
    }
    // No real IMDS: a lookup that falls through to it must fail fast, not find a real region.
    System.setProperty("aws.disableEc2Metadata", "true");
  }

  @AfterEach
  void restoreProperties() {
    for (String p : PROPERTIES) {
      if (saved.get(p) == null) {
        System.clearProperty(p);
      } else {
        System.setProperty(p, saved.get(p));
      }
    }
  }

  /** The environment the platform gives a task of this platform in this region. */
  private static Map<String, String> taskEnvironment(
      String region, String platform, boolean regionEnv) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("awsAccountId", Fixtures.newBuyer(server));
    body.put("region", region);
    body.put("platform", platform);
    body.put("regionEnv", regionEnv);
    JsonNode task = server.admin().post("/tasks", body);
    Map<String, String> env = new HashMap<>();
    task.get("environment")
        .fields()
        .forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
    return env;
  }

  private static void useImdsAt(String endpoint) {
    System.clearProperty("aws.disableEc2Metadata");
    System.setProperty("aws.ec2MetadataServiceEndpoint", endpoint);
  }

  @Test
  void awsRegion_winsOverTaskMetadataAndImds() {
    Map<String, String> env = taskEnvironment("eu-central-1", "ECS", false);
    useImdsAt(env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT"));
    env.put("AWS_REGION", "ap-south-1");

    assertThat(new RegionResolver(env).region()).isEqualTo(Region.AP_SOUTH_1);
  }

  @Test
  void fargateTask_findsItsRegionInAwsRegion() {
    Map<String, String> env = taskEnvironment("eu-west-3", "FARGATE", true);
    env.remove("ECS_CONTAINER_METADATA_URI_V4");

    assertThat(new RegionResolver(env).region()).isEqualTo(Region.EU_WEST_3);
  }

  @Test
  void ecsOnEc2TaskWithoutAwsRegion_findsItsRegionInTheTaskMetadata() {
    Map<String, String> env = taskEnvironment("eu-central-1", "ECS", false);
    assertThat(env).doesNotContainKey("AWS_REGION").containsKey("ECS_CONTAINER_METADATA_URI_V4");

    assertThat(new RegionResolver(env).region()).isEqualTo(Region.EU_CENTRAL_1);
  }

  @Test
  void taskMetadataUnreachable_fallsBackToImds() {
    Map<String, String> env = taskEnvironment("sa-east-1", "ECS", false);
    useImdsAt(env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT"));
    env.put(
        "ECS_CONTAINER_METADATA_URI_V4",
        server.endpoint() + "/platform/v1/tasks/nosuchtask/metadata");

    assertThat(new RegionResolver(env).region()).isEqualTo(Region.SA_EAST_1);
  }

  @Test
  void ec2Instance_findsItsRegionThroughImdsV2() {
    Map<String, String> env = taskEnvironment("ap-northeast-1", "EC2", true);
    assertThat(env).doesNotContainKeys("AWS_REGION", "ECS_CONTAINER_METADATA_URI_V4");
    useImdsAt(env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT"));

    assertThat(new RegionResolver(Map.of()).region()).isEqualTo(Region.AP_NORTHEAST_1);
  }

  @Test
  void noRegionAnywhere_isAnErrorThatSaysWhereItLooked() {
    assertThatThrownBy(() -> new RegionResolver(Map.of()).region())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AWS_REGION")
        .hasMessageContaining("task metadata")
        .hasMessageContaining("instance metadata");
  }

  // ---- the task document ----------------------------------------------------------------------

  private static String document(String taskArn, String availabilityZone) {
    var doc = JSON.createObjectNode();
    if (taskArn != null) {
      doc.put("TaskARN", taskArn);
    }
    if (availabilityZone != null) {
      doc.put("AvailabilityZone", availabilityZone);
    }
    doc.put("LaunchType", "EC2");
    return doc.toString();
  }

  @Test
  void regionOfTask_takesTheRegionFieldOfTheTaskArn() {
    String doc =
        document("arn:aws:ecs:us-west-2:111122223333:task/default/158d1c8083dd", "eu-west-1a");

    assertThat(RegionResolver.regionOfTask(doc)).contains("us-west-2");
  }

  @Test
  void regionOfTask_withOnlyAnAvailabilityZone_dropsItsLetter() {
    assertThat(RegionResolver.regionOfTask(document(null, "ap-southeast-2b")))
        .contains("ap-southeast-2");
  }

  @Test
  void regionOfTask_withATaskArnWithoutRegion_usesTheAvailabilityZone() {
    assertThat(
            RegionResolver.regionOfTask(document("arn:aws:ecs::111122223333:task/x", "us-east-2c")))
        .contains("us-east-2");
  }

  @Test
  void regionOfTask_withNeither_isEmpty() {
    assertThat(RegionResolver.regionOfTask(document(null, null))).isEmpty();
  }
}
