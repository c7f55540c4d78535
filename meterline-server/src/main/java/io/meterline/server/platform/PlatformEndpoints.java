package io.meterline.server.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.auth.MasterKey;
import io.meterline.server.auth.TemporaryCredentials;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.Platform;
import io.meterline.server.domain.Task;
import io.meterline.server.exchange.Handler;
import io.meterline.server.exchange.HttpReply;
import io.meterline.server.exchange.HttpRequestView;
import io.meterline.server.exchange.Unexpected;
import io.meterline.server.store.Lookups;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a container or instance reaches besides the metering API, per task under {@code
 * /platform/v1/tasks/<id>}: the container credentials endpoint (ECS, Fargate, EKS Pod Identity),
 * task metadata v4 (ECS, Fargate) and IMDSv2 (EC2, and the host of an ECS-on-EC2 task).
 */
public final class PlatformEndpoints implements Handler {
  private static final Pattern TASK_PATH =
      Pattern.compile("/platform/v1/tasks/([A-Za-z0-9-]{1,64})(/.*)?");
  static final ObjectMapper JSON = new ObjectMapper();

  private final Lookups lookups;
  private final MasterKey masterKey;
  private final TaskCredentialsIssuer issuer;
  private final InstanceMetadata imds;

  public PlatformEndpoints(
      Lookups lookups,
      MasterKey masterKey,
      TaskCredentialsIssuer issuer,
      java.time.Clock realClock) {
    this.lookups = lookups;
    this.masterKey = masterKey;
    this.issuer = issuer;
    this.imds = new InstanceMetadata(masterKey, realClock, issuer);
  }

  /** The token a task sends to the container credentials endpoint. */
  public static String authorizationToken(MasterKey masterKey, String taskId) {
    return masterKey.derivedToken("container-credentials", taskId);
  }

  private final Handler guarded =
      Unexpected.guarded(
          "platform",
          this::route,
          (requestId, message) ->
              json(500, requestId, Map.of("code", "InternalError", "message", message)));

  @Override
  public CompletableFuture<HttpReply> handle(HttpRequestView request) {
    return guarded.handle(request);
  }

  private CompletableFuture<HttpReply> route(HttpRequestView request) {
    Matcher m = TASK_PATH.matcher(request.rawPath());
    if (!m.matches()) {
      return done(error(404, "NotFound", "no platform endpoint at " + request.rawPath()));
    }
    String rest = m.group(2) == null ? "" : m.group(2);
    return lookups
        .task(m.group(1))
        .thenCompose(
            task -> {
              if (task.isEmpty()) {
                return done(error(404, "NotFound", "no task " + m.group(1)));
              }
              Task t = task.get();
              if (rest.equals("/credentials")) {
                return credentials(t, request);
              }
              if (rest.equals("/metadata") || rest.startsWith("/metadata/")) {
                return done(TaskMetadata.answer(t, rest.substring("/metadata".length())));
              }
              if (rest.startsWith("/imds/")) {
                return imds.answer(t, request, rest.substring("/imds".length()));
              }
              return done(error(404, "NotFound", "no platform endpoint at " + request.rawPath()));
            });
  }

  // The contract of reference/wire/GOLDEN.md §7: GET with the token verbatim as Authorization.
  private CompletableFuture<HttpReply> credentials(Task task, HttpRequestView request) {
    if (!"GET".equals(request.method())) {
      return done(error(405, "MethodNotAllowed", "use GET"));
    }
    if (task.platform() != Platform.ECS
        && task.platform() != Platform.FARGATE
        && task.platform() != Platform.EKS_POD_IDENTITY) {
      return done(
          error(404, "NotFound", task.platform() + " tasks do not use the container endpoint"));
    }
    String given = request.header("authorization");
    if (given == null || given.isBlank()) {
      return done(error(401, "Unauthorized", "the Authorization header is missing"));
    }
    byte[] expected =
        authorizationToken(masterKey, task.taskId()).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, given.strip().getBytes(StandardCharsets.US_ASCII))) {
      return done(error(403, "Forbidden", "the authorization token is not this task's"));
    }
    if (task.isStopped()) {
      return done(error(403, "TaskStopped", "task " + task.taskId() + " has stopped"));
    }
    return issuer.issue(task).thenApply(c -> json(200, credentialsDocument(task, c)));
  }

  /** The credentials JSON both SDKs read (GOLDEN §7). */
  static Map<String, Object> credentialsDocument(Task task, TemporaryCredentials.Issued c) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("AccessKeyId", c.accessKeyId());
    body.put("SecretAccessKey", c.secretAccessKey());
    body.put("Token", c.sessionToken());
    body.put("Expiration", c.expiration().toString());
    body.put("RoleArn", TaskEnvironment.podRoleArn(task));
    body.put("AccountId", task.awsAccountId());
    return body;
  }

  static HttpReply json(int status, Object body) {
    return json(status, Ids.uuid(), body);
  }

  private static HttpReply json(int status, String requestId, Object body) {
    try {
      return HttpReply.of(status, HttpReply.JSON, JSON.writeValueAsBytes(body), requestId);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("maps of strings always serialize", e);
    }
  }

  static HttpReply text(int status, String body) {
    return HttpReply.of(status, "text/plain", body.getBytes(StandardCharsets.UTF_8), Ids.uuid());
  }

  /** An error as the container endpoints answer them: {@code {"code","message"}}. */
  static HttpReply error(int status, String code, String message) {
    return json(status, Map.of("code", code, "message", message));
  }

  static CompletableFuture<HttpReply> done(HttpReply reply) {
    return CompletableFuture.completedFuture(reply);
  }

  static Optional<String> nonBlank(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
  }
}
