package io.meterline.server.platform;

import io.meterline.server.auth.TemporaryCredentials;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.Platform;
import io.meterline.server.domain.Task;
import io.meterline.server.exchange.Handler;
import io.meterline.server.exchange.HttpReply;
import io.meterline.server.exchange.HttpRequestView;
import io.meterline.server.exchange.Unexpected;
import io.meterline.server.store.Lookups;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * STS {@code AssumeRoleWithWebIdentity} for EKS pods with IRSA (facts §5.3): the AWS query protocol
 * (a form-encoded POST, to the endpoint's root) answered in XML. A valid pod token and the pod's
 * role ARN yield the pod's temporary credentials.
 */
public final class StsEndpoint implements Handler {
  private static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";

  private final Lookups lookups;
  private final WebIdentityTokens tokens;
  private final TaskCredentialsIssuer issuer;

  public StsEndpoint(Lookups lookups, WebIdentityTokens tokens, TaskCredentialsIssuer issuer) {
    this.lookups = lookups;
    this.tokens = tokens;
    this.issuer = issuer;
  }

  private final Handler guarded =
      Unexpected.guarded(
          "sts",
          this::answer,
          (requestId, message) -> error(500, "InternalFailure", message, requestId));

  @Override
  public CompletableFuture<HttpReply> handle(HttpRequestView request) {
    return guarded.handle(request);
  }

  private CompletableFuture<HttpReply> answer(HttpRequestView request) {
    Map<String, List<String>> form =
        new QueryStringDecoder(new String(request.body(), StandardCharsets.UTF_8), false)
            .parameters();
    String action = first(form, "Action");
    if (!"AssumeRoleWithWebIdentity".equals(action)) {
      return done(
          error(
              400,
              "InvalidAction",
              "Could not find operation "
                  + action
                  + "; this endpoint serves AssumeRoleWithWebIdentity"));
    }
    String roleArn = first(form, "RoleArn");
    String token = first(form, "WebIdentityToken");
    String session = first(form, "RoleSessionName");
    if (roleArn == null || token == null || session == null) {
      return done(
          error(
              400,
              "ValidationError",
              "RoleArn, RoleSessionName and WebIdentityToken are required"));
    }
    var taskId = tokens.verify(token);
    if (taskId.isEmpty()) {
      return done(
          error(
              400,
              "InvalidIdentityToken",
              "The web identity token is not valid: not issued by this cluster, or expired"));
    }
    return lookups
        .task(taskId.get())
        .thenCompose(
            task -> {
              if (task.isEmpty()
                  || task.get().isStopped()
                  || task.get().platform() != Platform.EKS) {
                return done(
                    error(400, "InvalidIdentityToken", "The pod of this token is not running"));
              }
              if (!TaskEnvironment.podRoleArn(task.get()).equals(roleArn)) {
                return done(
                    error(
                        403,
                        "AccessDenied",
                        "Not authorized to perform sts:AssumeRoleWithWebIdentity on " + roleArn));
              }
              return issuer
                  .issue(task.get())
                  .thenApply(c -> success(task.get(), roleArn, session, c));
            });
  }

  private static HttpReply success(
      Task task, String roleArn, String session, TemporaryCredentials.Issued c) {
    String role = roleArn.substring(roleArn.lastIndexOf('/') + 1);
    String requestId = Ids.uuid();
    String xml =
        "<AssumeRoleWithWebIdentityResponse xmlns=\""
            + NS
            + "\">"
            + "<AssumeRoleWithWebIdentityResult>"
            + "<SubjectFromWebIdentityToken>"
            + esc(WebIdentityTokens.subject(task))
            + "</SubjectFromWebIdentityToken>"
            + "<Audience>"
            + WebIdentityTokens.AUDIENCE
            + "</Audience>"
            + "<AssumedRoleUser><Arn>arn:aws:sts::"
            + task.awsAccountId()
            + ":assumed-role/"
            + esc(role)
            + "/"
            + esc(session)
            + "</Arn><AssumedRoleId>AROAMETERLINE:"
            + esc(session)
            + "</AssumedRoleId></AssumedRoleUser>"
            + "<Credentials><SessionToken>"
            + esc(c.sessionToken())
            + "</SessionToken>"
            + "<SecretAccessKey>"
            + esc(c.secretAccessKey())
            + "</SecretAccessKey>"
            + "<Expiration>"
            + c.expiration()
            + "</Expiration>"
            + "<AccessKeyId>"
            + esc(c.accessKeyId())
            + "</AccessKeyId></Credentials>"
            + "<Provider>"
            + esc(WebIdentityTokens.issuer(task))
            + "</Provider>"
            + "</AssumeRoleWithWebIdentityResult>"
            + "<ResponseMetadata><RequestId>"
            + requestId
            + "</RequestId></ResponseMetadata>"
            + "</AssumeRoleWithWebIdentityResponse>";
    return xml(200, xml, requestId);
  }

  /** An STS error: {@code <ErrorResponse><Error><Type><Code><Message>}. */
  static HttpReply error(int status, String code, String message) {
    return error(status, code, message, Ids.uuid());
  }

  // The sender is at fault for 4xx answers, the service for 5xx ones.
  private static HttpReply error(int status, String code, String message, String requestId) {
    return xml(
        status,
        "<ErrorResponse xmlns=\""
            + NS
            + "\"><Error><Type>"
            + (status < 500 ? "Sender" : "Receiver")
            + "</Type><Code>"
            + code
            + "</Code><Message>"
            + esc(message)
            + "</Message></Error><RequestId>"
            + requestId
            + "</RequestId></ErrorResponse>",
        requestId);
  }

  private static HttpReply xml(int status, String body) {
    return xml(status, body, Ids.uuid());
  }

  private static HttpReply xml(int status, String body, String requestId) {
    return HttpReply.of(status, "text/xml", body.getBytes(StandardCharsets.UTF_8), requestId);
  }

  private static String first(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static CompletableFuture<HttpReply> done(HttpReply reply) {
    return CompletableFuture.completedFuture(reply);
  }
}
