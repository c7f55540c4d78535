package io.meterline.server.admin;

import io.meterline.server.auth.TemporaryCredentials;
import io.meterline.server.domain.Platform;
import io.meterline.server.domain.Task;
import io.meterline.server.ledger.TaskStop;
import io.meterline.server.platform.TaskLauncher;
import io.meterline.server.store.Keyset;
import java.util.Map;
import java.util.TreeMap;
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
    body.only("awsAccountId", "region", "platform", "cluster", "productCode", "regionEnv");
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
    String productCode =
        body.optionalString("productCode", ProductsAdmin.PRODUCT_CODE, "a product code");
    boolean regionEnv = body.bool("regionEnv", true);
    TaskLauncher.Launch launch =
        ctx.launcher()
            .launch(
                accountId,
                region,
                platform,
                cluster == null ? "default" : cluster,
                productCode,
                regionEnv,
                ctx.clock().instant());
    ctx.write(
        c -> {
          if (ctx.tables().accounts().find(c, accountId) == null) {
            throw AdminException.notFound(
                "awsAccountId",
                "no account " + accountId + "; create it with POST /admin/v1/buyers");
          }
          if (productCode != null && ctx.tables().products().find(c, productCode) == null) {
            throw AdminException.notFound("productCode", "no product has the code " + productCode);
          }
          ctx.tables().tasks().insert(c, launch.task());
          return null;
        });
    ctx.lookups().invalidateTask(launch.task().taskId());
    Map<String, Object> view = withCredentials(launch.task(), launch.credentials());
    view.put("environment", new TreeMap<>(launch.environment().environment()));
    view.put("files", launch.environment().files());
    return view;
  }

  /** Tasks, newest first, in pages; filtered by account, admitted product and status. */
  Map<String, Object> list(Map<String, String> query) {
    int limit = Paging.limit(query);
    Keyset after = Paging.after("tasks", query);
    String account = query.get("awsAccountId");
    String product = query.get("productCode");
    Boolean running = Filters.status(query, "RUNNING", "STOPPED");
    return Paging.page(
        "tasks",
        ctx.read(c -> ctx.tables().tasks().list(c, account, product, running, after, limit + 1)),
        limit,
        t -> new Keyset(t.startedAt(), t.taskId()),
        Views::task);
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
    return withCredentials(task, ctx.launcher().refresh(task).join());
  }

  Map<String, Object> stop(String taskId) {
    TaskStop stop = ctx.await(ctx.ledger().stopTask(taskId, ctx.clock().instant()));
    if (stop.task() == null) {
      throw AdminException.notFound(null, "no task " + taskId);
    }
    if (!stop.stoppedNow()) {
      throw AdminException.conflict(
          null, "task " + taskId + " stopped at " + stop.task().stoppedAt());
    }
    return Views.task(stop.task());
  }

  private static Map<String, Object> withCredentials(
      Task task, TemporaryCredentials.Issued credentials) {
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
}
