package io.meterline.server.admin;

import io.meterline.server.auth.Ids;
import io.meterline.server.auth.TemporaryCredentials;
import io.meterline.server.platform.Platform;
import io.meterline.server.platform.Task;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Tasks, pods and instance identities, with their temporary credentials: what a product running on
 * ECS, Fargate, EKS (IRSA) or EC2 signs its metering calls with.
 */
final class TasksAdmin {
  private static final Pattern CLUSTER = Pattern.compile("[A-Za-z0-9_-]{1,255}");

  private final AdminContext ctx;

  TasksAdmin(AdminContext ctx) {
    this.ctx = ctx;
  }

  Map<String, Object> create(Body body) {
    String accountId =
        body.string("awsAccountId", ProductsAdmin.ACCOUNT_ID, "a 12-digit account id");
    String region = body.string("region");
    if (!ctx.regions().contains(region)) {
      throw AdminException.badField(
          "region",
          "region \""
              + Body.clip(region)
              + "\" is not "
              + "served; served regions: "
              + new java.util.TreeSet<>(ctx.regions()));
    }
    Platform platform = body.enumValue("platform", Platform.class);
    String cluster =
        body.optionalString("cluster", CLUSTER, "1 to 255 letters, digits, '-' or '_'");
    Task task =
        newTask(
            accountId,
            region,
            platform,
            cluster == null ? "default" : cluster,
            ctx.clock().instant());
    ctx.write(
        c -> {
          if (ctx.tables().accounts().find(c, accountId) == null) {
            throw AdminException.notFound(
                "awsAccountId",
                "no account " + accountId + "; create it with POST /admin/v1/buyers");
          }
          ctx.tables().tasks().insert(c, task);
          return null;
        });
    ctx.lookups().invalidateTask(task.taskId());
    return withCredentials(task);
  }

  Map<String, Object> get(String taskId) {
    return Views.task(find(taskId));
  }

  /** New credentials for a running task, as the platform's endpoints hand out. */
  Map<String, Object> refreshCredentials(String taskId) {
    Task task = find(taskId);
    if (task.isStopped()) {
      throw AdminException.conflict(null, "task " + taskId + " stopped at " + task.stoppedAt());
    }
    return withCredentials(task);
  }

  Map<String, Object> stop(String taskId) {
    Instant now = ctx.clock().instant();
    Task stopped =
        ctx.write(
            c -> {
              Task t = ctx.tables().tasks().find(c, taskId);
              if (t == null) {
                throw AdminException.notFound(null, "no task " + taskId);
              }
              if (!ctx.tables().tasks().stop(c, taskId, now)) {
                throw AdminException.conflict(
                    null, "task " + taskId + " stopped at " + t.stoppedAt());
              }
              return ctx.tables().tasks().find(c, taskId);
            });
    ctx.lookups().invalidateTask(taskId);
    return Views.task(stopped);
  }

  private Map<String, Object> withCredentials(Task task) {
    TemporaryCredentials.Issued credentials = ctx.credentials().issue(task);
    Map<String, Object> view = Views.task(task);
    view.put("credentials", Views.credentials(credentials));
    return view;
  }

  private Task find(String taskId) {
    Task task = ctx.read(c -> ctx.tables().tasks().find(c, taskId));
    if (task == null) {
      throw AdminException.notFound(null, "no task " + taskId);
    }
    return task;
  }

  /** A task with the identifiers its platform would give it (facts §5.1 for ECS ARNs). */
  static Task newTask(
      String accountId, String region, Platform platform, String cluster, Instant startedAt) {
    String id = platform == Platform.EC2 ? Ids.instanceId() : Ids.taskId();
    String arn =
        switch (platform) {
          case ECS, FARGATE ->
              "arn:aws:ecs:" + region + ":" + accountId + ":task/" + cluster + "/" + id;
          case EKS ->
              "arn:aws:eks:" + region + ":" + accountId + ":pod/" + cluster + "/default/" + id;
          case EC2 -> "arn:aws:ec2:" + region + ":" + accountId + ":instance/" + id;
        };
    return new Task(id, arn, accountId, region, platform, cluster, startedAt, null);
  }
}
