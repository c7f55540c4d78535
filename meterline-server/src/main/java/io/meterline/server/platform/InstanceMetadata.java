package io.meterline.server.platform;

import io.meterline.server.auth.MasterKey;
import io.meterline.server.domain.Platform;
import io.meterline.server.domain.Task;
import io.meterline.server.exchange.HttpReply;
import io.meterline.server.exchange.HttpRequestView;
import io.meterline.wire.crypto.Hashing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * IMDSv2 (facts §5.5): a session token from {@code PUT /latest/api/token} with a TTL header, then
 * token-checked reads of the instance identity document, the placement, and, for EC2 instances, the
 * instance profile's credentials. Requests without a valid token get 401: there is no IMDSv1.
 *
 * <p>An EC2 identity is the instance itself; an ECS-on-EC2 task sees its host, which tells the
 * region but hands out no credentials (the node role is not a metering identity).
 */
final class InstanceMetadata {
  static final String TOKEN_HEADER = "x-aws-ec2-metadata-token";
  static final String TTL_HEADER = "x-aws-ec2-metadata-token-ttl-seconds";
  private static final int MAX_TTL_SECONDS = 21_600;
  private static final String ROLE = "meterline-instance-role";

  private final byte[] key;
  private final Clock realClock;
  private final TaskCredentialsIssuer issuer;

  InstanceMetadata(MasterKey masterKey, Clock realClock, TaskCredentialsIssuer issuer) {
    this.key = masterKey.purposeKey("imds");
    this.realClock = realClock;
    this.issuer = issuer;
  }

  CompletableFuture<HttpReply> answer(Task task, HttpRequestView request, String path) {
    if (task.platform() != Platform.EC2 && task.platform() != Platform.ECS) {
      return PlatformEndpoints.done(text(404, "Not Found"));
    }
    if (path.equals("/latest/api/token")) {
      return PlatformEndpoints.done(token(task, request));
    }
    if (!"GET".equals(request.method())) {
      return PlatformEndpoints.done(text(405, "Method Not Allowed"));
    }
    if (!isValid(task, request.header(TOKEN_HEADER))) {
      return PlatformEndpoints.done(text(401, "Unauthorized"));
    }
    String credentials = "/latest/meta-data/iam/security-credentials/";
    if (path.startsWith(credentials) && task.platform() == Platform.EC2 && !task.isStopped()) {
      String role = path.substring(credentials.length());
      if (role.isEmpty()) {
        return PlatformEndpoints.done(text(200, ROLE));
      }
      if (role.equals(ROLE)) {
        return issuer
            .issue(task)
            .thenApply(
                c -> {
                  Map<String, Object> body = new LinkedHashMap<>();
                  body.put("Code", "Success");
                  body.put("LastUpdated", realClock.instant().toString());
                  body.put("Type", "AWS-HMAC");
                  body.putAll(PlatformEndpoints.credentialsDocument(task, c));
                  body.remove("RoleArn");
                  body.remove("AccountId");
                  return PlatformEndpoints.json(200, body);
                });
      }
    }
    return PlatformEndpoints.done(read(task, path));
  }

  private HttpReply read(Task task, String path) {
    String zone = TaskMetadata.availabilityZone(task);
    return switch (path) {
      case "/latest/dynamic/instance-identity/document" ->
          PlatformEndpoints.json(200, identityDocument(task, zone));
      case "/latest/meta-data/placement/region" -> text(200, task.region());
      case "/latest/meta-data/placement/availability-zone" -> text(200, zone);
      case "/latest/meta-data/instance-id" -> text(200, instanceId(task));
      case "/latest/meta-data/instance-type" -> text(200, "m5.large");
      case "/latest/meta-data/ami-id" -> text(200, "ami-0meterline000000");
      default -> text(404, "Not Found");
    };
  }

  private static Map<String, Object> identityDocument(Task task, String zone) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("accountId", task.awsAccountId());
    doc.put("architecture", "x86_64");
    doc.put("availabilityZone", zone);
    doc.put("imageId", "ami-0meterline000000");
    doc.put("instanceId", instanceId(task));
    doc.put("instanceType", "m5.large");
    doc.put("pendingTime", task.startedAt().toString());
    doc.put("privateIp", "127.0.0.1");
    doc.put("region", task.region());
    doc.put("version", "2017-09-30");
    return doc;
  }

  // An EC2 identity's id is the instance's; an ECS task's host gets one derived from the task.
  private static String instanceId(Task task) {
    return task.platform() == Platform.EC2 ? task.taskId() : "i-" + task.taskId().substring(0, 17);
  }

  private HttpReply token(Task task, HttpRequestView request) {
    if (!"PUT".equals(request.method())) {
      return text(405, "Method Not Allowed");
    }
    int ttl;
    try {
      ttl = Integer.parseInt(String.valueOf(request.header(TTL_HEADER)).strip());
    } catch (NumberFormatException e) {
      ttl = -1;
    }
    if (ttl < 1 || ttl > MAX_TTL_SECONDS) {
      return text(400, "Bad Request: " + TTL_HEADER + " must be 1 to " + MAX_TTL_SECONDS);
    }
    Instant expires = realClock.instant().plusSeconds(ttl);
    byte[] payload =
        (task.taskId() + "|" + expires.getEpochSecond()).getBytes(StandardCharsets.UTF_8);
    String token =
        Base64.getUrlEncoder().withoutPadding().encodeToString(payload)
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(payload));
    HttpReply reply = text(200, token);
    return new HttpReply(
        200,
        reply.contentType(),
        reply.body(),
        Map.of(TTL_HEADER, Integer.toString(ttl)),
        reply.requestId());
  }

  private boolean isValid(Task task, String token) {
    if (token == null) {
      return false;
    }
    String[] parts = token.strip().split("\\.", -1);
    if (parts.length != 2) {
      return false;
    }
    try {
      byte[] payload = Base64.getUrlDecoder().decode(parts[0]);
      if (!MessageDigest.isEqual(mac(payload), Base64.getUrlDecoder().decode(parts[1]))) {
        return false;
      }
      String[] fields = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
      return fields.length == 2
          && fields[0].equals(task.taskId())
          && Long.parseLong(fields[1]) > realClock.instant().getEpochSecond();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private byte[] mac(byte[] payload) {
    return Arrays.copyOf(Hashing.hmac(key, payload), 24);
  }

  private static HttpReply text(int status, String body) {
    return PlatformEndpoints.text(status, body);
  }
}
