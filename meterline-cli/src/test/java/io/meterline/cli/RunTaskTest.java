package io.meterline.cli;

import static io.meterline.cli.TestServer.DIMENSION;
import static io.meterline.cli.TestServer.SUBSCRIBED_BUYER;
import static io.meterline.cli.TestServer.UNSUBSCRIBED_BUYER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.cli.ChildProcess.Finished;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code meterline run-task} end to end: the real command in its own JVM launches a task on an
 * in-process server and runs an unmodified AWS SDK program (the probe) under the emulated platform,
 * which finds credentials and region only through the SDK's default providers (SPEC §1.1, §2).
 */
class RunTaskTest {
  @TempDir static Path serverDir;
  @TempDir Path dir;
  private final List<ChildProcess> started = new ArrayList<>();

  private static TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.start(serverDir);
  }

  /** A failed test must not leave a run-task (or its sleeping command) behind. */
  @AfterEach
  void endLeftoverProcesses() {
    for (ChildProcess p : started) {
      p.process().descendants().forEach(ProcessHandle::destroyForcibly);
      p.process().destroyForcibly();
    }
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"fargate", "ecs", "eks"})
  void registerUsage_subscribedBuyer_succeedsAndTheStoppedTaskIsBilledTheOneMinuteMinimum(
      String platform) throws IOException {
    Path result = dir.resolve("result.txt");

    Finished run =
        runTask(
            List.of("--product", server.hourlyProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--platform", platform),
            ChildProcess.probe(
                List.of("register", server.hourlyProduct, "--result-file", result.toString())),
            Map.of());

    assertThat(run.exit()).as("%s", run).isZero();
    assertThat(Files.readString(result)).startsWith("OK RegisterUsage signature=eyJ");
    String taskId = run.stoppedTaskId();
    JsonNode task = server.task(taskId);
    assertThat(task.path("status").asText()).isEqualTo("STOPPED");
    assertThat(task.path("platform").asText()).isEqualTo(platform.toUpperCase(Locale.ROOT));
    // The probe ran for a second or two: per-second billing with a one-minute minimum (SPEC §2),
    // possibly split over two hours if the task straddled one.
    List<JsonNode> rows = server.usageOfTask(server.hourlyProduct, SUBSCRIBED_BUYER, taskId);
    assertThat(rows)
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.path("source").asText()).isEqualTo("TASK_TIME");
              assertThat(r.path("dimension").asText()).isEqualTo("TaskTime");
            });
    assertThat(rows.stream().mapToLong(r -> r.path("quantity").asLong()).sum()).isEqualTo(60);
  }

  @Test
  void registerUsage_unsubscribedBuyer_isCustomerNotEntitledAndNothingIsBilled()
      throws IOException {
    Path result = dir.resolve("result.txt");

    Finished run =
        runTask(
            List.of("--product", server.hourlyProduct, "--buyer", UNSUBSCRIBED_BUYER),
            List.of("--platform", "fargate"),
            ChildProcess.probe(
                List.of("register", server.hourlyProduct, "--result-file", result.toString())),
            Map.of());

    assertThat(run.exit()).as("%s", run).isEqualTo(3);
    assertThat(Files.readString(result)).startsWith("FAILED CustomerNotEntitledException");
    String taskId = run.stoppedTaskId();
    assertThat(server.task(taskId).path("status").asText()).isEqualTo("STOPPED");
    assertThat(server.usageOfTask(server.hourlyProduct, UNSUBSCRIBED_BUYER, taskId)).isEmpty();
  }

  @Test
  void registerUsage_eksPodIdentity_isPlatformNotSupported() throws IOException {
    Path result = dir.resolve("result.txt");

    Finished run =
        runTask(
            List.of("--product", server.hourlyProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--platform", "eks-pod-identity"),
            ChildProcess.probe(
                List.of("register", server.hourlyProduct, "--result-file", result.toString())),
            Map.of());

    assertThat(run.exit()).as("%s", run).isEqualTo(3);
    assertThat(Files.readString(result)).startsWith("FAILED PlatformNotSupportedException");
  }

  @Test
  void registerUsage_longTermBuyerUserKeys_isPlatformNotSupported() throws IOException {
    JsonNode key =
        server.post("/access-keys", Map.of("awsAccountId", SUBSCRIBED_BUYER, "kind", "BUYER_USER"));
    Path result = dir.resolve("result.txt");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_ACCESS_KEY_ID", key.path("accessKeyId").asText());
    env.put("AWS_SECRET_ACCESS_KEY", key.path("secretAccessKey").asText());
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ENDPOINT_URL_MARKETPLACE_METERING", server.endpoint());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());

    Finished run =
        ChildProcess.run(
            dir,
            ChildProcess.probe(
                List.of("register", server.hourlyProduct, "--result-file", result.toString())),
            env);

    assertThat(run.exit()).as("%s", run).isEqualTo(3);
    assertThat(Files.readString(result)).startsWith("FAILED PlatformNotSupportedException");
  }

  @Test
  void registerUsage_regionForcedOtherThanTheLaunchRegion_isInvalidRegion() throws IOException {
    Path result = dir.resolve("result.txt");

    Finished run =
        runTask(
            List.of("--product", server.hourlyProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--platform", "fargate", "--region", "us-east-1"),
            ChildProcess.probe(
                List.of(
                    "register",
                    server.hourlyProduct,
                    "--region",
                    "eu-west-1",
                    "--result-file",
                    result.toString())),
            Map.of());

    assertThat(run.exit()).as("%s", run).isEqualTo(3);
    assertThat(run.stderr()).contains("probe: region eu-west-1 (forced)");
    assertThat(Files.readString(result)).startsWith("FAILED InvalidRegionException");
  }

  @Test
  void registerUsage_ecsWithoutRegionEnv_findsTheRegionThroughTheHostImds() throws IOException {
    Path result = dir.resolve("result.txt");

    Finished run =
        runTask(
            List.of("--product", server.hourlyProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--platform", "ecs", "--region", "eu-west-1", "--no-region-env"),
            ChildProcess.probe(
                List.of("register", server.hourlyProduct, "--result-file", result.toString())),
            Map.of());

    assertThat(run.exit()).as("%s", run).isZero();
    assertThat(run.stderr()).contains("probe: region eu-west-1 (from the default chain)");
    assertThat(Files.readString(result)).startsWith("OK RegisterUsage");
  }

  @Test
  void ecsTaskWithoutRegionEnv_getsThePlatformsVariablesAndNoneOfTheDevelopersAwsOnes()
      throws IOException {
    Path envFile = dir.resolve("env.txt");
    Map<String, String> developer = new LinkedHashMap<>();
    developer.put("AWS_ACCESS_KEY_ID", "AKIADEVELOPER0000001");
    developer.put("AWS_SECRET_ACCESS_KEY", "developer-secret");
    developer.put("AWS_SESSION_TOKEN", "developer-session");
    developer.put("AWS_PROFILE", "developer");
    developer.put("AWS_REGION", "eu-west-1");
    developer.put("AWS_DEFAULT_REGION", "eu-west-1");
    developer.put("AWS_CONFIG_FILE", dir.resolve("developer-config").toString());
    developer.put("APP_SETTING", "kept");

    Finished run =
        runTask(
            List.of("--product", server.hourlyProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--platform", "ecs", "--no-region-env"),
            List.of("sh", "-c", "env > \"$0\"", envFile.toString()),
            developer);

    assertThat(run.exit()).as("%s", run).isZero();
    Map<String, String> env = parseEnv(Files.readString(envFile));
    String taskBase = server.endpoint() + "/platform/v1/tasks/" + run.stoppedTaskId();
    assertThat(env)
        .doesNotContainKeys(
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            // the host IMDS is there to be reached
            "AWS_EC2_METADATA_DISABLED")
        .containsEntry("AWS_ENDPOINT_URL_MARKETPLACE_METERING", server.endpoint())
        .containsEntry("AWS_EXECUTION_ENV", "AWS_ECS_EC2")
        .containsEntry("AWS_CONTAINER_CREDENTIALS_FULL_URI", taskBase + "/credentials")
        .containsKeys(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "ECS_CONTAINER_METADATA_URI_V4",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT")
        .containsEntry("APP_SETTING", "kept");
    assertThat(env.get("ECS_CONTAINER_METADATA_URI_V4")).startsWith(taskBase);
    assertThat(env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT")).startsWith(taskBase);
    assertThat(env.get("AWS_CONFIG_FILE")).isNotEqualTo(developer.get("AWS_CONFIG_FILE"));
  }

  @Test
  void fargateTask_getsTheRegionAndExecutionEnvAndNoImds() throws IOException {
    Path envFile = dir.resolve("env.txt");

    Finished run =
        runTask(
            List.of("--product", server.hourlyProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--platform", "fargate", "--region", "eu-west-1"),
            List.of("sh", "-c", "env > \"$0\"", envFile.toString()),
            Map.of());

    assertThat(run.exit()).as("%s", run).isZero();
    assertThat(parseEnv(Files.readString(envFile)))
        .containsEntry("AWS_REGION", "eu-west-1")
        .containsEntry("AWS_DEFAULT_REGION", "eu-west-1")
        .containsEntry("AWS_EXECUTION_ENV", "AWS_ECS_FARGATE")
        .containsEntry("AWS_EC2_METADATA_DISABLED", "true")
        .doesNotContainKey("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  }

  @Test
  void meterUsage_ec2InstanceOfSubscribedBuyer_succeedsWithCredentialsAndRegionFromImds()
      throws IOException {
    Path result = dir.resolve("result.txt");

    Finished run =
        runTask(
            List.of("--product", server.customProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--platform", "ec2", "--region", "eu-west-1"),
            ChildProcess.probe(
                List.of(
                    "meter",
                    server.customProduct,
                    DIMENSION,
                    "5",
                    "--result-file",
                    result.toString())),
            Map.of());

    assertThat(run.exit()).as("%s", run).isZero();
    assertThat(run.stderr()).contains("probe: region eu-west-1 (from the default chain)");
    String line = Files.readString(result);
    assertThat(line).startsWith("OK MeterUsage meteringRecordId=");
    String recordId = line.substring("OK MeterUsage meteringRecordId=".length()).strip();
    assertThat(server.usageOfTask(server.customProduct, SUBSCRIBED_BUYER, run.stoppedTaskId()))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.path("meteringRecordId").asText()).isEqualTo(recordId);
              assertThat(r.path("source").asText()).isEqualTo("METER_USAGE");
              assertThat(r.path("dimension").asText()).isEqualTo(DIMENSION);
              assertThat(r.path("quantity").asLong()).isEqualTo(5);
            });
  }

  @Test
  void registerUsage_ec2Instance_isPlatformNotSupported() throws IOException {
    Path result = dir.resolve("result.txt");

    Finished run =
        runTask(
            List.of("--product", server.hourlyProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--platform", "ec2"),
            ChildProcess.probe(
                List.of("register", server.hourlyProduct, "--result-file", result.toString())),
            Map.of());

    assertThat(run.exit()).as("%s", run).isEqualTo(3);
    assertThat(Files.readString(result)).startsWith("FAILED PlatformNotSupportedException");
  }

  @Test
  void runTask_exitsWithTheCommandsExitCode_stopsTheTaskAndRemovesItsFiles() throws IOException {
    Finished run =
        runTask(
            List.of("--product", server.hourlyProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--platform", "eks"),
            // 7 only if the token file was there while the command ran
            List.of("sh", "-c", "test -s \"$AWS_WEB_IDENTITY_TOKEN_FILE\" && exit 7"),
            Map.of());

    assertThat(run.exit()).as("%s", run).isEqualTo(7);
    assertThat(server.task(run.stoppedTaskId()).path("status").asText()).isEqualTo("STOPPED");
    assertThat(taskFilesLeft()).as("the IRSA token's folder is removed").isEmpty();
  }

  @Test
  void runTask_commandThatCannotStart_failsInOneLineStopsTheTaskAndRemovesItsFiles()
      throws IOException {
    ChildProcess process =
        startRunTask(
            List.of("--product", server.hourlyProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--platform", "eks"),
            List.of(dir.resolve("no-such-program").toString()),
            Map.of());
    Finished run = process.waitFor();

    assertThat(run.exit()).as("%s", run).isEqualTo(1);
    assertThat(run.stderrLines())
        .filteredOn(l -> l.contains("cannot start"))
        .singleElement()
        .asString()
        .startsWith("meterline: cannot start")
        .contains("no-such-program");
    String taskId = process.startedTaskId();
    assertThat(taskId).as("%s", run).isNotNull();
    assertThat(server.task(taskId).path("status").asText()).isEqualTo("STOPPED");
    assertThat(taskFilesLeft()).as("the IRSA token's folder is removed").isEmpty();
  }

  @Test
  void runTask_terminatedWhileTheCommandRuns_endsTheCommandStopsTheTaskAndRemovesItsFiles()
      throws Exception {
    Sleeping task = startSleepingTask();

    task.runTask().process().destroy(); // SIGTERM, as a CI timeout or `kill` would send

    assertThat(task.runTask().process().waitFor(30, TimeUnit.SECONDS))
        .as("run-task ended")
        .isTrue();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> !ProcessHandle.of(task.commandPid()).map(ProcessHandle::isAlive).orElse(false));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> server.task(task.taskId()).path("status").asText().equals("STOPPED"));
    assertThat(taskFilesLeft()).as("the IRSA token's folder is removed").isEmpty();
  }

  @Test
  void runTask_terminatedWhileTheCommandRuns_reportsNoError() throws Exception {
    Sleeping task = startSleepingTask();

    task.runTask().process().destroy();

    assertThat(task.runTask().process().waitFor(30, TimeUnit.SECONDS))
        .as("run-task ended")
        .isTrue();
    assertThat(task.runTask().stderr().lines().filter(l -> l.startsWith("meterline:")))
        .as("run-task's own lines")
        .allMatch(l -> l.endsWith(" started") || l.contains(" stopped"));
  }

  /** A run-task of an EKS pod whose command sleeps; its pid and task id once it runs. */
  private record Sleeping(ChildProcess runTask, long commandPid, String taskId) {}

  private Sleeping startSleepingTask() throws IOException {
    Path pidFile = dir.resolve("command.pid");
    ChildProcess runTask =
        startRunTask(
            List.of("--product", server.hourlyProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--platform", "eks"),
            List.of("sh", "-c", "echo $$ > \"$0\"; exec sleep 60", pidFile.toString()),
            Map.of());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(pidFile) && Files.readString(pidFile).endsWith("\n"));
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    String taskId = runTask.startedTaskId();
    assertThat(taskId).as("stderr: %s", runTask.stderr()).isNotNull();
    assertThat(server.task(taskId).path("status").asText()).isEqualTo("RUNNING");
    assertThat(taskFilesLeft()).as("the task's files while it runs").hasSize(1);
    return new Sleeping(runTask, pid, taskId);
  }

  private Finished runTask(
      List<String> who, List<String> where, List<String> command, Map<String, String> env) {
    return startRunTask(who, where, command, env).waitFor();
  }

  /** Starts run-task with its own temporary folder, where it keeps the task's files. */
  private ChildProcess startRunTask(
      List<String> who, List<String> where, List<String> command, Map<String, String> env) {
    List<String> args = new ArrayList<>(List.of("run-task", "--endpoint", server.endpoint()));
    args.addAll(List.of("--admin-token", TestServer.ADMIN_TOKEN));
    args.addAll(who);
    args.addAll(where);
    args.add("--");
    args.addAll(command);
    try {
      Files.createDirectories(tmp());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChildProcess process =
        ChildProcess.start(
            dir,
            ChildProcess.java(List.of("-Djava.io.tmpdir=" + tmp()), Main.class.getName(), args),
            env);
    started.add(process);
    return process;
  }

  private Path tmp() {
    return dir.resolve("tmp");
  }

  /** The folders run-task made for task files and left in its temporary folder. */
  private List<Path> taskFilesLeft() throws IOException {
    try (Stream<Path> files = Files.list(tmp())) {
      return files.filter(f -> f.getFileName().toString().startsWith("meterline-task")).toList();
    }
  }

  private static Map<String, String> parseEnv(String text) {
    Map<String, String> env = new LinkedHashMap<>();
    text.lines()
        .filter(l -> l.matches("[A-Za-z_][A-Za-z0-9_]*=.*"))
        .forEach(l -> env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
    return env;
  }
}
