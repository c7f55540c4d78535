package io.meterline.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code meterline task}: tasks for products started some other way (docker, a harness). */
@Command(
    name = "task",
    mixinStandardHelpOptions = true,
    description = "Launches, lists and stops tasks whose process you start yourself.",
    subcommands = {
      TaskCommand.Env.class,
      TaskCommand.Stop.class,
      TaskCommand.ListTasks.class,
      TaskCommand.Get.class
    })
final class TaskCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code meterline task env}: launches a task and prints its environment. */
  @Command(
      name = "env",
      mixinStandardHelpOptions = true,
      description = {
        "Launches a task and prints the environment its platform would inject, as KEY=value "
            + "lines for 'docker run --env-file' or 'eval $(... | sed s/^/export /)'. Files "
            + "the platform mounts (the IRSA token) are written to --files-dir. The task runs "
            + "until 'meterline task stop TASK_ID', or until its credentials lapse unrefreshed.",
        "",
        "Docker: run the server with --host 0.0.0.0 or use --network host, since the SDKs "
            + "fetch container credentials over plain HTTP only from a loopback address."
      })
  static final class Env implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin TaskSpec task = new TaskSpec();
    @Mixin ServerLocation server = new ServerLocation();

    @Option(
        names = "--files-dir",
        paramLabel = "DIR",
        defaultValue = ".",
        description =
            "Where to write the files the task's environment points to "
                + "(default: the current folder).")
    Path filesDir;

    @Override
    public Integer call() {
      TaskSpec.Launched launched = task.launch(server.admin(), filesDir);
      java.io.PrintWriter out = spec.commandLine().getOut();
      out.println("# meterline task " + launched.taskId());
      launched.environment().forEach((k, v) -> out.println(k + "=" + v));
      out.flush();
      return 0;
    }
  }

  /** {@code meterline task stop}: stops a task. */
  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops a task.")
  static final class Stop implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();

    @Parameters(paramLabel = "TASK_ID", description = "The task to stop.")
    String taskId;

    @Override
    public Integer call() {
      server.admin().delete("/tasks/" + taskId);
      spec.commandLine().getErr().println("meterline: task " + taskId + " stopped");
      spec.commandLine().getErr().flush();
      return 0;
    }
  }

  static final java.util.List<Output.Column> COLUMNS =
      java.util.List.of(
          Output.col("TASK", "/taskId"),
          Output.col("BUYER", "/awsAccountId"),
          Output.col("PLATFORM", "/platform"),
          Output.col("REGION", "/region"),
          Output.col("STATUS", "/status"),
          Output.col("STARTED", "/startedAt"),
          Output.col("STOPPED", "/stoppedAt"));

  /** {@code meterline task list}: tasks, newest first. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists tasks, newest first.")
  static final class ListTasks implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();
    @Mixin Pages pages = new Pages();

    @Option(names = "--buyer", paramLabel = "ACCOUNT", description = "Only this buyer's.")
    String buyer;

    @Option(
        names = "--product",
        paramLabel = "CODE",
        description = "Only tasks admitted for this product.")
    String product;

    @Option(names = "--status", paramLabel = "STATUS", description = "RUNNING or STOPPED.")
    String status;

    @Override
    public Integer call() {
      output.items(
          spec.commandLine().getOut(),
          pages.fetch(
              server.admin(),
              "/tasks",
              Pages.params("awsAccountId", buyer, "productCode", product, "status", status),
              "items"),
          COLUMNS);
      return 0;
    }
  }

  /** {@code meterline task get}: one task. */
  @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows a task.")
  static final class Get implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerLocation server = new ServerLocation();
    @Mixin Output output = new Output();

    @Parameters(paramLabel = "TASK_ID")
    String taskId;

    @Override
    public Integer call() {
      output.item(spec.commandLine().getOut(), server.admin().get("/tasks/" + taskId), COLUMNS);
      return 0;
    }
  }
}
