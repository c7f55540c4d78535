package io.meterline.wire.jwt;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;

/**
 * Compact JWS with PS256 (RSASSA-PSS, SHA-256, MGF1-SHA-256, 32-byte salt): the form of the
 * RegisterUsage {@code Signature} (SPEC §1.1 "RegisterUsage").
 */
public final class Ps256 {
  /** The protected header every token carries. */
  public static final String HEADER_JSON = "{\"alg\":\"PS256\",\"typ\":\"JWT\"}";

  private static final PSSParameterSpec PSS =
      new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final String ENCODED_HEADER =
      B64.encodeToString(HEADER_JSON.getBytes(StandardCharsets.UTF_8));

  private Ps256() {}

  /** A compact token {@code header.payload.signature} over this payload JSON. */
  public static String sign(PrivateKey key, String payloadJson) {
    String signingInput =
        ENCODED_HEADER + "." + B64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
    try {
      Signature signature = Signature.getInstance("RSASSA-PSS");
      signature.setParameter(PSS);
      signature.initSign(key);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "PS256 signing failed with a " + key.getAlgorithm() + " key", e);
    }
  }

  /**
   * The payload JSON of a token whose PS256 signature verifies under this key.
   *
   * @throws IllegalArgumentException when the token is malformed, is not PS256, or its signature
   *     does not verify
   */
  public static String verify(PublicKey key, String token) {
    String[] parts = token == null ? new String[0] : token.split("\\.", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "a compact JWS has 3 dot-separated parts, this has " + parts.length);
    }
    String header = decode(parts[0], "header");
    if (!header.replace(" ", "").contains("\"alg\":\"PS256\"")) {
      throw new IllegalArgumentException("the token is not PS256: header " + header);
    }
    boolean valid;
    try {
      Signature signature = Signature.getInstance("RSASSA-PSS");
      signature.setParameter(PSS);
      signature.initVerify(key);
      signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      valid = signature.verify(B64D.decode(parts[2]));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the token's signature does not verify: " + e.getMessage(), e);
    }
    if (!valid) {
      throw new IllegalArgumentException("the token's signature does not verify");
    }
    return decode(parts[1], "payload");
  }

  private static String decode(String part, String what) {
    try {
      return new String(B64D.decode(part), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the token's " + what + " is not base64url", e);
    }
  }
}
