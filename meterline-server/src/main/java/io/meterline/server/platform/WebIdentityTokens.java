package io.meterline.server.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.auth.MasterKey;
import io.meterline.server.domain.Task;
import io.meterline.wire.crypto.Jws;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The projected service-account tokens of EKS pods with IRSA: JWTs (HS256, keyed from the master
 * key) that name the pod, which STS {@code AssumeRoleWithWebIdentity} exchanges for the pod's
 * credentials. Their lifetime is real time, like Kubernetes'.
 */
public final class WebIdentityTokens {
  /** The audience EKS gives IRSA tokens (facts §5.3). */
  public static final String AUDIENCE = "sts.amazonaws.com";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"meterline\"}";
  private static final Duration LIFETIME = Duration.ofHours(24);

  private final byte[] key;
  private final Clock realClock;

  public WebIdentityTokens(MasterKey masterKey, Clock realClock) {
    this.key = masterKey.purposeKey("web-identity");
    this.realClock = realClock;
  }

  /** The OIDC issuer a cluster's tokens name. */
  public static String issuer(Task task) {
    return "https://oidc.eks." + task.region() + ".amazonaws.com/id/MTRLN" + task.cluster();
  }

  /** The service account subject of a pod's token. */
  public static String subject(Task task) {
    return "system:serviceaccount:default:" + task.cluster() + "-" + task.taskId();
  }

  /** A token for the pod. */
  public String issue(Task task) {
    Instant now = realClock.instant();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", List.of(AUDIENCE));
    claims.put("exp", now.plus(LIFETIME).getEpochSecond());
    claims.put("iat", now.getEpochSecond());
    claims.put("iss", issuer(task));
    claims.put(
        "kubernetes.io",
        Map.of(
            "namespace",
            "default",
            "pod",
            Map.of("name", task.cluster() + "-" + task.taskId(), "uid", task.taskId())));
    claims.put("sub", subject(task));
    try {
      return Jws.signHs256(key, HEADER, JSON.writeValueAsString(claims));
    } catch (IOException e) {
      throw new IllegalStateException("claims of strings and numbers always serialize", e);
    }
  }

  /**
   * The task id a valid token names: signed with this server's key, for the STS audience, not
   * expired; empty otherwise.
   */
  public Optional<String> verify(String token) {
    try {
      JsonNode claims = JSON.readTree(Jws.verifyHs256(key, token));
      boolean forSts = claims.path("aud").toString().contains("\"" + AUDIENCE + "\"");
      boolean current = claims.path("exp").asLong(0) > realClock.instant().getEpochSecond();
      String taskId = claims.path("kubernetes.io").path("pod").path("uid").asText("");
      return forSts && current && !taskId.isEmpty() ? Optional.of(taskId) : Optional.empty();
    } catch (IllegalArgumentException | IOException e) {
      return Optional.empty();
    }
  }
}
