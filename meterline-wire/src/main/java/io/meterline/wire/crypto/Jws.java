package io.meterline.wire.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;

/**
 * Compact JWS ({@code header.payload.signature}, base64url without padding), the one implementation
 * the server signs and verifies tokens with:
 *
 * <ul>
 *   <li>PS256 (RSASSA-PSS, SHA-256, MGF1-SHA-256, 32-byte salt): the RegisterUsage {@code
 *       Signature} (SPEC §1.1 "RegisterUsage");
 *   <li>HS256 (HMAC-SHA256): tokens the server both issues and checks, such as the web identity
 *       tokens of EKS pods.
 * </ul>
 */
public final class Jws {
  /** The protected header of every PS256 token the server signs. */
  public static final String PS256_HEADER = "{\"alg\":\"PS256\",\"typ\":\"JWT\"}";

  private static final PSSParameterSpec PSS =
      new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final String ENCODED_PS256_HEADER = encode(PS256_HEADER);

  private Jws() {}

  /** A PS256 token over this payload JSON, with the header {@link #PS256_HEADER}. */
  public static String signPs256(PrivateKey key, String payloadJson) {
    String input = ENCODED_PS256_HEADER + "." + encode(payloadJson);
    try {
      Signature signature = pss();
      signature.initSign(key);
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(signature.sign());
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
  public static String verifyPs256(PublicKey key, String token) {
    String[] parts = parts(token, "PS256");
    boolean valid;
    try {
      Signature signature = pss();
      signature.initVerify(key);
      signature.update(signingInput(parts));
      valid = signature.verify(B64D.decode(parts[2]));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the token's signature does not verify: " + e.getMessage(), e);
    }
    return payloadIf(valid, parts);
  }

  /**
   * An HS256 token over this payload JSON.
   *
   * @param headerJson the protected header; its {@code alg} must be {@code HS256}
   */
  public static String signHs256(byte[] key, String headerJson, String payloadJson) {
    if (!"HS256".equals(algorithm(headerJson))) {
      throw new IllegalArgumentException("an HS256 token's header says alg HS256: " + headerJson);
    }
    String input = encode(headerJson) + "." + encode(payloadJson);
    return input + "." + B64.encodeToString(Hashing.hmac(key, input));
  }

  /**
   * The payload JSON of a token whose HS256 signature verifies under this key (compared in constant
   * time).
   *
   * @throws IllegalArgumentException when the token is malformed, is not HS256, or its signature
   *     does not verify
   */
  public static String verifyHs256(byte[] key, String token) {
    String[] parts = parts(token, "HS256");
    byte[] given;
    try {
      given = B64D.decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the token's signature is not base64url", e);
    }
    return payloadIf(MessageDigest.isEqual(Hashing.hmac(key, signingInput(parts)), given), parts);
  }

  /** The three parts of a compact token whose header names this algorithm. */
  private static String[] parts(String token, String alg) {
    String[] parts = token == null ? new String[0] : token.split("\\.", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "a compact JWS has 3 dot-separated parts, this has " + parts.length);
    }
    String header = decode(parts[0], "header");
    if (!alg.equals(algorithm(header))) {
      throw new IllegalArgumentException("the token is not " + alg + ": header " + header);
    }
    return parts;
  }

  private static String payloadIf(boolean valid, String[] parts) {
    if (!valid) {
      throw new IllegalArgumentException("the token's signature does not verify");
    }
    return decode(parts[1], "payload");
  }

  /** The {@code alg} of a header, {@code null} when it is not a JSON object naming one. */
  private static String algorithm(String headerJson) {
    try {
      JsonNode alg = JSON.readTree(headerJson).path("alg");
      return alg.isTextual() ? alg.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] signingInput(String[] parts) {
    return (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
  }

  private static Signature pss() throws GeneralSecurityException {
    Signature signature = Signature.getInstance("RSASSA-PSS");
    signature.setParameter(PSS);
    return signature;
  }

  private static String encode(String text) {
    return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String part, String what) {
    try {
      return new String(B64D.decode(part), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the token's " + what + " is not base64url", e);
    }
  }
}
