package io.meterline.server.platform;

import static io.meterline.server.platform.PlatformFixtures.env;
import static io.meterline.server.platform.PlatformFixtures.taskBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ECS task metadata endpoint v4 of ECS and Fargate tasks (SPEC §2; facts §5.1): the container
 * document at {@code ECS_CONTAINER_METADATA_URI_V4}, the task document at {@code /task}, and the
 * region a seller derives from them (there is no Region field).
 */
class TaskMetadataEndpointTest {
  /** Not the default region, so a region taken from elsewhere would show. */
  private static final String REGION = "eu-central-1";

  @RegisterExtension static final PlatformFixtures f = PlatformFixtures.withDefaults();

  private static JsonNode task(String account, String platform, String cluster) {
    Map<String, Object> body = taskBody(account, REGION, platform);
    body.put("cluster", cluster);
    return f.task(body);
  }

  private static JsonNode metadata(JsonNode task, String path) {
    PlatformFixtures.Reply r = f.get(env(task, "ECS_CONTAINER_METADATA_URI_V4") + path, Map.of());
    assertThat(r.status()).as("task metadata %s: %s", path, r.body()).isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("application/json");
    return r.json();
  }

  /** The region as facts §5.1 says to derive it: field 4 of the TaskARN. */
  private static String regionOfArn(String taskArn) {
    return taskArn.split(":")[3];
  }

  /** The region as facts §5.1 says to derive it: the AvailabilityZone without its last letter. */
  private static String regionOfZone(String zone) {
    assertThat(zone).matches("[a-z]{2}(-[a-z]+)+-\\d[a-z]");
    return zone.substring(0, zone.length() - 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ECS", "FARGATE"})
  void taskDocument_namesTheTaskItsAccountRegionAndCluster(String platform) {
    String account = f.buyer();
    JsonNode task = task(account, platform, "payments");
    String taskId = task.get("taskId").asText();

    JsonNode doc = metadata(task, "/task");

    String arn = doc.get("TaskARN").asText();
    assertThat(arn)
        .isEqualTo("arn:aws:ecs:" + REGION + ":" + account + ":task/payments/" + taskId)
        .isEqualTo(task.get("taskArn").asText());
    assertThat(doc.get("Cluster").asText()).endsWith("payments");
    assertThat(doc.get("Family").asText()).isNotBlank();
    assertThat(doc.get("Revision").asText()).isNotBlank();
    assertThat(doc.get("DesiredStatus").asText()).isEqualTo("RUNNING");
    assertThat(doc.get("KnownStatus").asText()).isEqualTo("RUNNING");
    assertThat(doc.has("Limits")).isTrue();
    assertThat(doc.has("Region")).as("v4 has no Region field (facts §5.1)").isFalse();
  }

  @Test
  void taskDocument_ofAFargateTask_hasLaunchTypeFargateAndClusterArn() {
    String account = f.buyer();
    JsonNode doc = metadata(task(account, "FARGATE", "payments"), "/task");

    assertThat(doc.get("LaunchType").asText()).isEqualTo("FARGATE");
    assertThat(doc.get("Cluster").asText())
        .isEqualTo("arn:aws:ecs:" + REGION + ":" + account + ":cluster/payments");
  }

  @Test
  void taskDocument_ofAnEcsOnEc2Task_hasLaunchTypeEc2() {
    JsonNode doc = metadata(task(f.buyer(), "ECS", "payments"), "/task");

    assertThat(doc.get("LaunchType").asText()).isEqualTo("EC2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ECS", "FARGATE"})
  void taskDocument_regionFromTaskArnAndFromZone_isTheTasksRegion(String platform) {
    JsonNode doc = metadata(task(f.buyer(), platform, "default"), "/task");

    assertThat(regionOfArn(doc.get("TaskARN").asText())).isEqualTo(REGION);
    assertThat(regionOfZone(doc.get("AvailabilityZone").asText())).isEqualTo(REGION);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ECS", "FARGATE"})
  void taskDocument_containers_carryTheEcsLabels(String platform) {
    JsonNode task = task(f.buyer(), platform, "payments");

    JsonNode doc = metadata(task, "/task");

    JsonNode containers = doc.get("Containers");
    assertThat(containers.isArray()).isTrue();
    assertThat(containers.size()).isGreaterThanOrEqualTo(1);
    JsonNode labels = containers.get(0).get("Labels");
    assertThat(labels.get("com.amazonaws.ecs.task-arn").asText())
        .isEqualTo(doc.get("TaskARN").asText());
    assertThat(labels.get("com.amazonaws.ecs.cluster").asText()).endsWith("payments");
    for (String field :
        new String[] {"DockerId", "Name", "Image", "DesiredStatus", "KnownStatus"}) {
      assertThat(containers.get(0).get(field)).as("Containers[0].%s", field).isNotNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ECS", "FARGATE"})
  void containerDocument_isThisContainerOfTheTask(String platform) {
    JsonNode task = task(f.buyer(), platform, "payments");
    JsonNode taskDoc = metadata(task, "/task");

    JsonNode container = metadata(task, "");

    assertThat(container.get("Name").asText())
        .isEqualTo(taskDoc.get("Containers").get(0).get("Name").asText());
    assertThat(container.get("DockerId").asText()).isNotBlank();
    assertThat(container.get("Labels").get("com.amazonaws.ecs.task-arn").asText())
        .isEqualTo(task.get("taskArn").asText());
    assertThat(regionOfArn(container.get("Labels").get("com.amazonaws.ecs.task-arn").asText()))
        .isEqualTo(REGION);
    assertThat(container.get("KnownStatus").asText()).isEqualTo("RUNNING");
  }

  @Test
  void taskDocument_afterTheTaskStops_isStopped() {
    JsonNode task = task(f.buyer(), "FARGATE", "default");
    f.admin().stopTask(task.get("taskId").asText());

    JsonNode doc = metadata(task, "/task");

    assertThat(doc.get("DesiredStatus").asText()).isEqualTo("STOPPED");
    assertThat(doc.get("KnownStatus").asText()).isEqualTo("STOPPED");
    assertThat(doc.get("Containers").get(0).get("KnownStatus").asText()).isEqualTo("STOPPED");
    assertThat(metadata(task, "").get("DesiredStatus").asText()).isEqualTo("STOPPED");
  }

  @ParameterizedTest
  @ValueSource(strings = {"EKS", "EKS_POD_IDENTITY", "EC2"})
  void metadata_ofTasksThatAreNotEcs_is404(String platform) {
    JsonNode ecs = task(f.buyer(), "FARGATE", "default");
    JsonNode other = task(f.buyer(), platform, "default");
    String uri =
        env(ecs, "ECS_CONTAINER_METADATA_URI_V4")
            .replace(ecs.get("taskId").asText(), other.get("taskId").asText());

    assertThat(f.get(uri + "/task", Map.of()).status()).isEqualTo(404);
    assertThat(f.get(uri, Map.of()).status()).isEqualTo(404);
  }

  @Test
  void metadata_ofAnUnknownTask_is404() {
    JsonNode ecs = task(f.buyer(), "FARGATE", "default");
    String uri =
        env(ecs, "ECS_CONTAINER_METADATA_URI_V4")
            .replace(ecs.get("taskId").asText(), "0".repeat(32));

    assertThat(f.get(uri + "/task", Map.of()).status()).isEqualTo(404);
  }
}
