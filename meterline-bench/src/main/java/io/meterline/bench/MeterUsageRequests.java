package io.meterline.bench;

import io.meterline.load.AwsJsonRequest;
import io.meterline.load.RequestSet;
import io.meterline.server.Meterline;
import io.meterline.wire.sigv4.SigV4Signer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Builds MeterUsage requests as the AWS SDK sends them (awsJson1_1, SigV4 with the session token),
 * as complete HTTP/1.1 bytes. One request per (task, dimension): with every task used for exactly
 * one request per dimension, no two requests share a dedup key or a ClientToken.
 */
final class MeterUsageRequests {
  static final String REGION = "us-east-1";
  static final String TARGET = "AWSMPMeteringService.MeterUsage";

  /** A task's temporary credentials, as {@code POST /admin/v1/tasks} hands them out. */
  record TaskCredentials(
      String taskId, String accessKeyId, String secretAccessKey, String sessionToken) {}

  private MeterUsageRequests() {}

  /** The JSON body of a MeterUsage (timestamps go on the wire as epoch seconds). */
  static String body(
      String productCode,
      Instant timestamp,
      String dimension,
      long quantity,
      String clientToken,
      boolean dryRun) {
    long millis = timestamp.toEpochMilli();
    StringBuilder b =
        new StringBuilder(160)
            .append("{\"ProductCode\":\"")
            .append(productCode)
            .append("\",\"Timestamp\":")
            .append(Math.floorDiv(millis, 1000))
            .append('.')
            .append(String.format("%03d", Math.floorMod(millis, 1000)))
            .append(",\"UsageDimension\":\"")
            .append(dimension)
            .append("\",\"UsageQuantity\":")
            .append(quantity);
    if (clientToken != null) {
      b.append(",\"ClientToken\":\"").append(clientToken).append('"');
    }
    if (dryRun) {
      b.append(",\"DryRun\":true");
    }
    return b.append('}').toString();
  }

  /** One signed MeterUsage request, as the bytes to write on a connection. */
  static byte[] http(String host, TaskCredentials credentials, String body, Instant signingTime) {
    return http(host, credentials, TARGET, body, signingTime);
  }

  /**
   * One signed request of any operation ({@code target} is its {@code X-Amz-Target}), as the bytes
   * to write on a connection.
   */
  static byte[] http(
      String host, TaskCredentials credentials, String target, String body, Instant signingTime) {
    SigV4Signer signer =
        new SigV4Signer(
            credentials.accessKeyId(),
            credentials.secretAccessKey(),
            credentials.sessionToken(),
            REGION,
            Meterline.SIGNING_NAME);
    return AwsJsonRequest.bytes(
        host, signer, target, body.getBytes(StandardCharsets.UTF_8), signingTime);
  }

  /**
   * Signs, now, one request per task and dimension, task after task (a task reports its dimensions
   * together, as the seller library does at the top of the hour), on all cores.
   *
   * @param timestamp the usage timestamp of every request
   * @param dryRun whether to send DryRun requests (which admit a task and write no record)
   */
  static RequestSet sign(
      String host,
      String productCode,
      List<String> dimensions,
      List<TaskCredentials> tasks,
      Instant timestamp,
      boolean dryRun)
      throws Exception {
    Instant signingTime = Instant.now();
    int threads = Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    RequestSet set = new RequestSet();
    try {
      int chunk = 2_000;
      for (int from = 0; from < tasks.size(); from += chunk * threads) {
        List<Future<List<byte[]>>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int start = Math.min(tasks.size(), from + t * chunk);
          int end = Math.min(tasks.size(), start + chunk);
          List<TaskCredentials> slice = tasks.subList(start, end);
          parts.add(
              pool.submit(
                  () ->
                      signAll(
                          host, productCode, dimensions, slice, timestamp, dryRun, signingTime)));
        }
        for (Future<List<byte[]>> part : parts) {
          part.get().forEach(set::add);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return set.seal();
  }

  private static List<byte[]> signAll(
      String host,
      String productCode,
      List<String> dimensions,
      List<TaskCredentials> tasks,
      Instant timestamp,
      boolean dryRun,
      Instant signingTime) {
    List<byte[]> out = new ArrayList<>(tasks.size() * dimensions.size());
    for (TaskCredentials task : tasks) {
      for (String dimension : dimensions) {
        String body =
            body(
                productCode,
                timestamp,
                dimension,
                1 + (out.size() % 100),
                UUID.randomUUID().toString(),
                dryRun);
        out.add(http(host, task, body, signingTime));
      }
    }
    return out;
  }
}
