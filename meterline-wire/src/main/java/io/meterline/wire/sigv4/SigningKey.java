package io.meterline.wire.sigv4;

import io.meterline.wire.crypto.Hashing;
import java.nio.charset.StandardCharsets;

/** The SigV4 signing key: an HMAC chain over date, region, service and terminator. */
public final class SigningKey {
  private SigningKey() {}

  /** The key that signs requests of this scope with this secret. */
  public static byte[] derive(String secretAccessKey, String date, String region, String service) {
    byte[] k = Hashing.hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), date);
    k = Hashing.hmac(k, region);
    k = Hashing.hmac(k, service);
    return Hashing.hmac(k, "aws4_request");
  }
}
