package io.meterline.server.platform;

import io.meterline.server.domain.Platform;
import io.meterline.server.domain.Task;
import io.meterline.server.exchange.HttpReply;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ECS task metadata endpoint v4 (facts §5.1): the container document at the base URI, the task
 * document at {@code /task}, and (empty) stats. There is no Region field: the SDKs and sellers take
 * the region from the TaskARN or the AvailabilityZone.
 */
final class TaskMetadata {
  private static final String CONTAINER = "app";

  private TaskMetadata() {}

  static HttpReply answer(Task task, String path) {
    if (task.platform() != Platform.ECS && task.platform() != Platform.FARGATE) {
      return PlatformEndpoints.error(404, "NotFound", "only ECS tasks have task metadata");
    }
    return switch (path) {
      case "", "/" -> PlatformEndpoints.json(200, container(task));
      case "/task" -> PlatformEndpoints.json(200, task(task));
      case "/stats", "/task/stats" -> PlatformEndpoints.json(200, Map.of());
      default -> PlatformEndpoints.error(404, "NotFound", "no task metadata at " + path);
    };
  }

  static String availabilityZone(Task task) {
    return task.region() + "a";
  }

  private static Map<String, Object> task(Task task) {
    boolean fargate = task.platform() == Platform.FARGATE;
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("Cluster", fargate ? clusterArn(task) : task.cluster());
    doc.put("TaskARN", task.taskArn());
    doc.put("Family", family(task));
    doc.put("Revision", "1");
    doc.put("DesiredStatus", status(task));
    doc.put("KnownStatus", status(task));
    doc.put("Limits", Map.of("CPU", 0.25, "Memory", 512));
    doc.put("PullStartedAt", task.startedAt().toString());
    doc.put("PullStoppedAt", task.startedAt().toString());
    doc.put("AvailabilityZone", availabilityZone(task));
    if (!fargate) {
      doc.put("VPCID", "vpc-0meterline0000000");
    }
    doc.put("LaunchType", fargate ? "FARGATE" : "EC2");
    doc.put("Containers", List.of(container(task)));
    return doc;
  }

  private static Map<String, Object> container(Task task) {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("com.amazonaws.ecs.cluster", clusterArn(task));
    labels.put("com.amazonaws.ecs.container-name", CONTAINER);
    labels.put("com.amazonaws.ecs.task-arn", task.taskArn());
    labels.put("com.amazonaws.ecs.task-definition-family", family(task));
    labels.put("com.amazonaws.ecs.task-definition-version", "1");
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("DockerId", task.taskId() + "-" + CONTAINER);
    doc.put("Name", CONTAINER);
    doc.put("DockerName", "ecs-" + family(task) + "-1-" + CONTAINER);
    doc.put(
        "Image", task.productCode() == null ? "product:latest" : task.productCode() + ":latest");
    doc.put("ImageID", "sha256:" + "0".repeat(64));
    doc.put("Labels", labels);
    doc.put("DesiredStatus", status(task));
    doc.put("KnownStatus", status(task));
    doc.put("Limits", Map.of("CPU", 0, "Memory", 0));
    doc.put("CreatedAt", task.startedAt().toString());
    doc.put("StartedAt", task.startedAt().toString());
    doc.put("Type", "NORMAL");
    doc.put(
        "Networks",
        List.of(Map.of("NetworkMode", "awsvpc", "IPv4Addresses", List.of("127.0.0.1"))));
    return doc;
  }

  private static String clusterArn(Task task) {
    return "arn:aws:ecs:"
        + task.region()
        + ":"
        + task.awsAccountId()
        + ":cluster/"
        + task.cluster();
  }

  private static String family(Task task) {
    return "meterline-" + task.cluster();
  }

  private static String status(Task task) {
    return task.isStopped() ? "STOPPED" : "RUNNING";
  }
}
