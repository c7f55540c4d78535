package io.meterline.server.platform;

import io.meterline.server.auth.MasterKey;
import io.meterline.server.auth.TemporaryCredentials;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.Platform;
import io.meterline.server.domain.Task;
import java.net.URI;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Launches tasks as their platform would: the identifiers (task ARN, instance id), the first
 * credentials, and the environment the platform injects into the task's containers.
 */
public final class TaskLauncher {
  private final TaskCredentialsIssuer issuer;
  private final MasterKey masterKey;
  private final WebIdentityTokens webIdentity;
  private final Supplier<URI> endpoint;

  /**
   * @param endpoint the server as tasks reach it (known once it listens)
   */
  public TaskLauncher(
      TaskCredentialsIssuer issuer,
      MasterKey masterKey,
      WebIdentityTokens webIdentity,
      Supplier<URI> endpoint) {
    this.issuer = issuer;
    this.masterKey = masterKey;
    this.webIdentity = webIdentity;
    this.endpoint = endpoint;
  }

  /** A launched task: its record, its first credentials, and its environment. */
  public record Launch(
      Task task, TemporaryCredentials.Issued credentials, TaskEnvironment environment) {}

  /**
   * A new task with the identifiers its platform would give it (facts §5.1 for ECS ARNs), ready to
   * be stored.
   */
  public Launch launch(
      String accountId,
      String region,
      Platform platform,
      String cluster,
      String productCode,
      boolean regionEnv,
      Instant startedAt) {
    String id = platform == Platform.EC2 ? Ids.instanceId() : Ids.taskId();
    String arn =
        switch (platform) {
          case ECS, FARGATE ->
              "arn:aws:ecs:" + region + ":" + accountId + ":task/" + cluster + "/" + id;
          case EKS, EKS_POD_IDENTITY ->
              "arn:aws:eks:" + region + ":" + accountId + ":pod/" + cluster + "/default/" + id;
          case EC2 -> "arn:aws:ec2:" + region + ":" + accountId + ":instance/" + id;
        };
    Task unsaved =
        new Task(id, arn, accountId, region, platform, cluster, startedAt, null, productCode, null);
    TemporaryCredentials.Issued credentials = issuer.issueForNewTask(unsaved);
    Task task =
        new Task(
            id,
            arn,
            accountId,
            region,
            platform,
            cluster,
            startedAt,
            null,
            productCode,
            credentials.expiration());
    return new Launch(task, credentials, environment(task, regionEnv));
  }

  /** The environment of a task, as its platform injects it. */
  public TaskEnvironment environment(Task task, boolean regionEnv) {
    return TaskEnvironment.of(
        task,
        endpoint.get(),
        regionEnv,
        PlatformEndpoints.authorizationToken(masterKey, task.taskId()),
        task.platform() == Platform.EKS ? webIdentity.issue(task) : null);
  }

  /** Fresh credentials for a running task, as its platform's endpoints hand them out. */
  public CompletableFuture<TemporaryCredentials.Issued> refresh(Task task) {
    return issuer.issue(task);
  }
}
