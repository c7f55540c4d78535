package io.meterline.server.platform;

import io.meterline.server.domain.Platform;
import io.meterline.server.domain.Task;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a task's platform injects into its containers (SPEC §2; facts §5): environment variables,
 * and the files some of them point to, keyed by the path the platform mounts them at.
 *
 * @param environment variable name to value
 * @param files path to content; the path is where the platform would mount the file, which {@code
 *     run-task} rewrites to a local copy
 */
public record TaskEnvironment(Map<String, String> environment, Map<String, String> files) {
  /** Where EKS mounts the IRSA service-account token (facts §5.3). */
  public static final String IRSA_TOKEN_PATH =
      "/var/run/secrets/eks.amazonaws.com/serviceaccount/token";

  /** Where EKS mounts the Pod Identity token (facts §5.4). */
  public static final String POD_IDENTITY_TOKEN_PATH =
      "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token";

  public TaskEnvironment {
    environment = Map.copyOf(environment);
    files = Map.copyOf(files);
  }

  /** The paths under the server's endpoint that serve one task. */
  public static String taskPath(String taskId) {
    return "/platform/v1/tasks/" + taskId;
  }

  /** The IAM role a pod assumes with its web identity. */
  public static String podRoleArn(Task task) {
    return "arn:aws:iam::" + task.awsAccountId() + ":role/meterline-" + task.cluster() + "-pod";
  }

  /**
   * The environment of a task.
   *
   * @param endpoint the server, as the task reaches it
   * @param regionEnv whether an ECS-on-EC2 task gets AWS_REGION (Fargate and EKS always do; EC2
   *     instances never do)
   * @param authorizationToken the task's token for the container credentials endpoint
   * @param webIdentityToken the pod's IRSA token (EKS only)
   */
  public static TaskEnvironment of(
      Task task,
      URI endpoint,
      boolean regionEnv,
      String authorizationToken,
      String webIdentityToken) {
    String base = endpoint.toString().replaceAll("/+$", "");
    String task0 = base + taskPath(task.taskId());
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> files = new LinkedHashMap<>();
    env.put("AWS_ENDPOINT_URL_MARKETPLACE_METERING", base);
    env.put("AWS_ENDPOINT_URL_LICENSE_MANAGER", base); // contract-priced products check out here
    switch (task.platform()) {
      case ECS, FARGATE -> {
        env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", task0 + "/credentials");
        env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", authorizationToken);
        env.put("ECS_CONTAINER_METADATA_URI_V4", task0 + "/metadata");
        env.put("ECS_CONTAINER_METADATA_URI", task0 + "/metadata");
        boolean fargate = task.platform() == Platform.FARGATE;
        env.put("AWS_EXECUTION_ENV", fargate ? "AWS_ECS_FARGATE" : "AWS_ECS_EC2");
        if (fargate || regionEnv) {
          putRegion(env, task);
        } else {
          // As on an EC2 host, the task reaches the host's IMDS, where the SDKs find the region.
          env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", task0 + "/imds");
        }
      }
      case EKS -> {
        env.put("AWS_ROLE_ARN", podRoleArn(task));
        env.put("AWS_WEB_IDENTITY_TOKEN_FILE", IRSA_TOKEN_PATH);
        env.put("AWS_ENDPOINT_URL_STS", base);
        putRegion(env, task);
        files.put(IRSA_TOKEN_PATH, webIdentityToken);
      }
      case EKS_POD_IDENTITY -> {
        env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", task0 + "/credentials");
        env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", POD_IDENTITY_TOKEN_PATH);
        putRegion(env, task);
        files.put(POD_IDENTITY_TOKEN_PATH, authorizationToken);
      }
      case EC2 -> env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", task0 + "/imds");
    }
    return new TaskEnvironment(env, files);
  }

  private static void putRegion(Map<String, String> env, Task task) {
    env.put("AWS_REGION", task.region());
    env.put("AWS_DEFAULT_REGION", task.region());
  }
}
