package io.meterline.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.meterline.server.calls.Call;
import io.meterline.server.store.Lookups;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import io.meterline.wire.sigv4.AuthorizationHeader;
import io.meterline.wire.sigv4.SigV4Verifier;
import io.meterline.wire.sigv4.SignableRequest;
import io.meterline.wire.sigv4.SignatureClaim;
import io.meterline.wire.sigv4.SigningKey;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * Authenticates a data-plane request: SigV4 as in reference/wire/GOLDEN.md §8, then the credentials
 * behind the access key (SPEC §1.1 "Authentication").
 *
 * <p>Authentication runs on real time, never on the service's test clock: the SDKs sign with their
 * own clock, and temporary credentials expire in real time (SPEC §1.1 "Two clocks").
 */
public final class Authenticator {
  private static final String INVALID_TOKEN =
      "The security token included in the request is " + "invalid.";
  private static final String EXPIRED_TOKEN =
      "The security token included in the request is " + "expired";

  private final SigV4Verifier verifier;
  private final Clock realClock;
  private final MasterKey masterKey;
  private final Lookups lookups;
  // Signing keys per access key and scope: deriving one takes five HMACs, and a caller signs
  // every request of a day with the same one. Secrets derive from key ids, so the id identifies
  // the secret.
  private final Cache<String, byte[]> signingKeys =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofHours(1)).build();

  public Authenticator(
      SigV4Verifier verifier, Clock realClock, MasterKey masterKey, Lookups lookups) {
    this.verifier = verifier;
    this.realClock = realClock;
    this.masterKey = masterKey;
    this.lookups = lookups;
  }

  /**
   * The caller, or a failed future with the authentication error that applies. The call learns
   * whose credentials signed it as soon as they are known, even if the signature then fails.
   *
   * @throws ServiceException for errors found without a lookup (thrown, not returned)
   */
  public CompletableFuture<Caller> authenticate(SignableRequest request, Call call) {
    SignatureClaim claim = verifier.check(request, realClock.instant());
    return claim.securityToken() != null
        ? withSessionToken(claim, call)
        : withLongTermKey(claim, call);
  }

  private CompletableFuture<Caller> withSessionToken(SignatureClaim claim, Call call) {
    MasterKey.SessionClaims session =
        masterKey
            .parseSessionToken(claim.securityToken())
            .filter(s -> s.accessKeyId().equals(claim.accessKeyId()))
            .orElseThrow(() -> unrecognized(INVALID_TOKEN));
    if (realClock.instant().isAfter(session.expiresAt())) {
      throw new ServiceException(ErrorCode.EXPIRED_TOKEN, EXPIRED_TOKEN);
    }
    call.caller(null, session.taskId());
    return lookups
        .task(session.taskId())
        .thenApply(
            task -> {
              // The call log names the account even when the signature or the task fails.
              task.ifPresent(t -> call.caller(t.awsAccountId(), t.taskId()));
              claim.requireSignedWithKey(signingKey(claim, masterKey::temporarySecret));
              if (task.isEmpty()) {
                throw unrecognized(INVALID_TOKEN);
              }
              if (task.get().isStopped()) {
                throw unrecognized(
                    INVALID_TOKEN
                        + " The task or pod these credentials belong to has "
                        + "stopped.");
              }
              return new Caller(
                  new Principal.TaskCredentials(task.get(), claim.accessKeyId()), claim.region());
            });
  }

  private CompletableFuture<Caller> withLongTermKey(SignatureClaim claim, Call call) {
    if (claim.accessKeyId().startsWith("ASIA")) {
      // Temporary key ids are only valid together with their session token.
      throw unrecognized(INVALID_TOKEN);
    }
    return lookups
        .accessKey(claim.accessKeyId())
        .thenApply(
            key -> {
              if (key.isEmpty()) {
                throw unrecognized(INVALID_TOKEN);
              }
              call.caller(key.get().awsAccountId(), null);
              claim.requireSignedWithKey(signingKey(claim, masterKey::longTermSecret));
              return new Caller(new Principal.AccountKey(key.get()), claim.region());
            });
  }

  private byte[] signingKey(SignatureClaim claim, UnaryOperator<String> secretOfKeyId) {
    AuthorizationHeader h = claim.authorization();
    String cacheKey = claim.accessKeyId() + "/" + h.scope();
    return signingKeys.get(
        cacheKey,
        k ->
            SigningKey.derive(
                secretOfKeyId.apply(claim.accessKeyId()), h.scopeDate(), h.region(), h.service()));
  }

  private static ServiceException unrecognized(String message) {
    return new ServiceException(ErrorCode.UNRECOGNIZED_CLIENT, message);
  }
}
