package io.meterline.server.auth;

import io.meterline.server.domain.Ids;
import io.meterline.server.domain.Task;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Mints temporary credentials bound to a task. Nothing is stored: the secret derives from the key
 * id and the session token carries the task and the expiry under the master key's MAC.
 */
public final class TemporaryCredentials {
  /** A set of temporary credentials; {@code expiration} is real time. */
  public record Issued(
      String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration) {
    @Override
    public String toString() {
      return "Issued[accessKeyId=" + accessKeyId + ", expiration=" + expiration + "]";
    }
  }

  private final MasterKey masterKey;
  private final Clock realClock;
  private final Duration ttl;

  public TemporaryCredentials(MasterKey masterKey, Clock realClock, Duration ttl) {
    this.masterKey = masterKey;
    this.realClock = realClock;
    this.ttl = ttl;
  }

  /** Fresh credentials for the task, valid for the configured lifetime from now (real time). */
  public Issued issue(Task task) {
    String keyId = Ids.temporaryAccessKeyId();
    Instant expiration =
        realClock.instant().plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    String token =
        masterKey.sessionToken(new MasterKey.SessionClaims(keyId, task.taskId(), expiration));
    return new Issued(keyId, masterKey.temporarySecret(keyId), token, expiration);
  }
}
