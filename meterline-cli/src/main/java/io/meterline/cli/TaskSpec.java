package io.meterline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** The task to launch: which product, for which buyer, on which platform and where. */
final class TaskSpec {
  @Option(
      names = "--product",
      required = true,
      paramLabel = "CODE",
      description = "The product the task runs.")
  String product;

  @Option(
      names = "--buyer",
      required = true,
      paramLabel = "ACCOUNT",
      description = "The buyer account (12 digits) the task runs in.")
  String buyer;

  @Option(
      names = "--platform",
      paramLabel = "PLATFORM",
      defaultValue = "fargate",
      description =
          "ecs, fargate, eks (IRSA), eks-pod-identity or ec2 (default: ${DEFAULT-VALUE}).")
  String platform;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      defaultValue = "us-east-1",
      description = "The region the task is launched in (default: ${DEFAULT-VALUE}).")
  String region;

  @Option(
      names = "--no-region-env",
      description =
          "ecs only: no AWS_REGION, as on older ECS agents; the SDK finds the region "
              + "through the host's IMDS.")
  boolean noRegionEnv;

  @Option(
      names = "--cluster",
      paramLabel = "NAME",
      defaultValue = "default",
      description = "The cluster name in the task's ARN (default: ${DEFAULT-VALUE}).")
  String cluster;

  /** The options that set the admin API's fields, for messages that name what the user typed. */
  static final Map<String, String> OPTIONS =
      Map.of(
          "awsAccountId", "--buyer",
          "productCode", "--product",
          "platform", "--platform",
          "region", "--region",
          "cluster", "--cluster");

  /** A task launched through the admin API, its platform files written to a local folder. */
  record Launched(String taskId, String taskArn, Map<String, String> environment, Path files) {}

  /**
   * Launches the task and writes the files its platform would mount into {@code filesDir}, pointing
   * the environment at them.
   */
  Launched launch(AdminHttp admin, Path filesDir) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("awsAccountId", buyer);
    body.put("region", region);
    body.put("platform", platform.toUpperCase(Locale.ROOT).replace('-', '_'));
    body.put("productCode", product);
    body.put("cluster", cluster);
    body.put("regionEnv", !noRegionEnv);
    JsonNode task = admin.post("/tasks", body, OPTIONS);
    Map<String, String> env = new LinkedHashMap<>();
    task.path("environment")
        .fields()
        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    String taskId = task.path("taskId").asText();
    try {
      Iterator<Map.Entry<String, JsonNode>> files = task.path("files").fields();
      while (files.hasNext()) {
        Map.Entry<String, JsonNode> file = files.next();
        Path local = write(filesDir, file.getKey(), file.getValue().asText());
        env.replaceAll((k, v) -> v.equals(file.getKey()) ? local.toString() : v);
      }
    } catch (RuntimeException e) {
      // The task would otherwise run on with nobody to stop it.
      admin.delete("/tasks/" + taskId);
      throw e;
    }
    return new Launched(task.path("taskId").asText(), task.path("taskArn").asText(), env, filesDir);
  }

  // Token files must not end with a newline: the Java SDK then sends no request at all
  // (reference/wire/GOLDEN.md §7). Only the owner may read them.
  private static Path write(Path dir, String mountPath, String content) {
    try {
      Files.createDirectories(dir);
      Path local = dir.resolve(Path.of(mountPath).getFileName().toString());
      Files.deleteIfExists(local);
      Files.createFile(
          local,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(local, content.getBytes(StandardCharsets.UTF_8));
      return local.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + mountPath + " into " + dir, e);
    }
  }
}
