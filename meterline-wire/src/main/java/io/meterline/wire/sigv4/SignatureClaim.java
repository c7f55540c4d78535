package io.meterline.wire.sigv4;

import io.meterline.wire.crypto.Hashing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;

/**
 * A request whose SigV4 form, time and scope have been checked: what remains is the signature
 * itself, which needs the secret of {@link #accessKeyId()}.
 *
 * @param securityToken the session token sent with the request, {@code null} when none was sent
 */
public record SignatureClaim(
    AuthorizationHeader authorization,
    Instant requestTime,
    String securityToken,
    String stringToSign) {

  /** The access key the request claims to be signed with. */
  public String accessKeyId() {
    return authorization.accessKeyId();
  }

  /** The region of the credential scope, which is the region the caller addresses. */
  public String region() {
    return authorization.region();
  }

  /** Whether the signature was made with this secret; compared in constant time. */
  public boolean isSignedWith(String secretAccessKey) {
    return isSignedWithKey(
        SigningKey.derive(
            secretAccessKey,
            authorization.scopeDate(),
            authorization.region(),
            authorization.service()));
  }

  /**
   * Whether the signature was made with this signing key (see {@link SigningKey#derive}), which a
   * verifier may cache per access key and scope; compared in constant time.
   */
  public boolean isSignedWithKey(byte[] signingKey) {
    String expected = Hashing.hex(Hashing.hmac(signingKey, stringToSign));
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        authorization.signature().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Throws unless the signature was made with this secret.
   *
   * @throws io.meterline.wire.ServiceException InvalidSignatureException
   */
  public void requireSignedWith(String secretAccessKey) {
    requireSignedWithKey(
        SigningKey.derive(
            secretAccessKey,
            authorization.scopeDate(),
            authorization.region(),
            authorization.service()));
  }

  /**
   * Throws unless the signature was made with this signing key.
   *
   * @throws io.meterline.wire.ServiceException InvalidSignatureException
   */
  public void requireSignedWithKey(byte[] signingKey) {
    if (!isSignedWithKey(signingKey)) {
      throw SigV4Verifier.invalid(
          "The request signature we calculated does not match the "
              + "signature you provided. Check your AWS Secret Access Key and signing method. "
              + "Consult the service documentation for details.");
    }
  }
}
