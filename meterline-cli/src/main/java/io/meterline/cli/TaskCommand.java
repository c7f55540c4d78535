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
    description = "Launches and stops tasks whose process you start yourself.",
    subcommands = {TaskCommand.Env.class, TaskCommand.Stop.class})
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
      System.out.println("# meterline task " + launched.taskId());
      launched.environment().forEach((k, v) -> System.out.println(k + "=" + v));
      return 0;
    }
  }

  /** {@code meterline task stop}: stops a task. */
  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops a task.")
  static final class Stop implements Callable<Integer> {
    @Mixin ServerLocation server = new ServerLocation();

    @Parameters(paramLabel = "TASK_ID", description = "The task to stop.")
    String taskId;

    @Override
    public Integer call() {
      server.admin().delete("/tasks/" + taskId);
      System.err.println("meterline: task " + taskId + " stopped");
      return 0;
    }
  }
}
