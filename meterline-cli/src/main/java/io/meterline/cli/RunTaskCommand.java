package io.meterline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code meterline run-task}: runs a command as a task or pod of a buyer, with the environment its
 * platform would give it, and stops the task when the command ends.
 */
@Command(
    name = "run-task",
    mixinStandardHelpOptions = true,
    description = {
      "Runs CMD as an ECS/Fargate task, EKS pod or EC2 instance of the buyer: the task is "
          + "registered, CMD gets the environment the platform would inject (credentials "
          + "endpoint, task metadata, IMDS or STS, region, "
          + "AWS_ENDPOINT_URL_MARKETPLACE_METERING and AWS_ENDPOINT_URL_LICENSE_MANAGER), its output streams through, and the task "
          + "stops when CMD exits or this command is stopped. Exits with CMD's exit code.",
      "",
      "Example: meterline run-task --product abc123 --buyer 444455556666 --platform fargate "
          + "-- java -jar app.jar"
    })
final class RunTaskCommand implements Callable<Integer> {
  /**
   * What the developer's shell may hold that would change how the SDK finds credentials, region or
   * endpoints, none of which a real task has: removed from CMD's environment.
   */
  static final List<String> HOST_VARIABLES =
      List.of(
          "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY",
          "AWS_SESSION_TOKEN",
          "AWS_PROFILE",
          "AWS_DEFAULT_PROFILE",
          "AWS_REGION",
          "AWS_DEFAULT_REGION",
          "AWS_ROLE_ARN",
          "AWS_ROLE_SESSION_NAME",
          "AWS_WEB_IDENTITY_TOKEN_FILE",
          "AWS_CONTAINER_CREDENTIALS_FULL_URI",
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
          "AWS_CONTAINER_AUTHORIZATION_TOKEN",
          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
          "AWS_EC2_METADATA_SERVICE_ENDPOINT",
          "AWS_EC2_METADATA_DISABLED",
          "AWS_ENDPOINT_URL",
          "AWS_ENDPOINT_URL_STS",
          "AWS_ENDPOINT_URL_MARKETPLACE_METERING",
          "AWS_ENDPOINT_URL_LICENSE_MANAGER",
          "ECS_CONTAINER_METADATA_URI",
          "ECS_CONTAINER_METADATA_URI_V4",
          "AWS_EXECUTION_ENV",
          "AWS_CONFIG_FILE",
          "AWS_SHARED_CREDENTIALS_FILE");

  @Mixin TaskSpec spec = new TaskSpec();
  @Mixin ServerLocation server = new ServerLocation();

  @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments.")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    AdminHttp admin = server.admin();
    Path files = Files.createTempDirectory("meterline-task");
    TaskSpec.Launched task;
    try {
      task = spec.launch(admin, files);
    } catch (RuntimeException e) {
      deleteQuietly(files);
      throw e;
    }
    System.err.printf(
        "meterline: task %s (%s, %s, buyer %s) started%n",
        task.taskArn(), spec.platform, spec.region, spec.buyer);
    Process process = start(task, admin, files);
    AtomicBoolean stopped = new AtomicBoolean();
    Thread hook =
        new Thread(() -> stop(admin, task, process, files, stopped), "meterline-run-task-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    int exit = process.waitFor();
    stop(admin, task, process, files, stopped);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // run-task itself is being stopped; the hook does the work
    }
    return exit;
  }

  private Process start(TaskSpec.Launched task, AdminHttp admin, Path files) {
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    Map<String, String> env = builder.environment();
    HOST_VARIABLES.forEach(env::remove);
    // No shared config or credentials files of the developer's either: a task has none.
    env.put("AWS_CONFIG_FILE", files.resolve("no-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", files.resolve("no-credentials").toString());
    if (!task.environment().containsKey("AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
      // There is no IMDS to reach on these platforms; the SDKs would wait for one.
      env.put("AWS_EC2_METADATA_DISABLED", "true");
    }
    env.putAll(task.environment());
    try {
      return builder.start();
    } catch (IOException e) {
      stopQuietly(admin, task.taskId());
      deleteQuietly(files);
      throw new IllegalStateException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
  }

  private static void stop(
      AdminHttp admin, TaskSpec.Launched task, Process process, Path files, AtomicBoolean done) {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    stopQuietly(admin, task.taskId());
    deleteQuietly(files);
    String how = process.isAlive() ? "still running" : "exited with " + process.exitValue();
    System.err.printf("meterline: task %s stopped; the command %s%n", task.taskId(), how);
  }

  private static void stopQuietly(AdminHttp admin, String taskId) {
    try {
      admin.delete("/tasks/" + taskId);
    } catch (RuntimeException e) {
      System.err.println("meterline: could not stop task " + taskId + ": " + e.getMessage());
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder; the system cleans it eventually
    }
  }
}
