package io.meterline.client;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Verifies a RegisterUsage signature: a compact JWS, PS256 under the product's shipped public key
 * of the version asked for, whose claims {@code productCode}, {@code publicKeyVersion} and {@code
 * nonce} equal what was sent and whose {@code iat} is plausible. An answer that fails any of these
 * did not come from Marketplace.
 *
 * <p>The library verifies the JWS itself rather than with the server's {@code wire/crypto/Jws}: it
 * is linked into sellers' products and depends on the AWS SDK alone, so it brings none of
 * Meterline's server-side modules (and their JSON library) along. Its tests check it against the
 * server's own signatures and against forged ones.
 */
final class SignatureCheck {
  private static final PSSParameterSpec PS256 =
      new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);

  private SignatureCheck() {}

  static void verify(
      String token,
      PublicKey key,
      String productCode,
      int version,
      String nonce,
      Instant now,
      Duration maxIatSkew)
      throws EntitlementException {
    if (token == null || token.isEmpty()) {
      throw invalid("the answer carries no signature");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw invalid("the signature is not a compact JWS");
    }
    Map<String, JsonNode> header = object(parts[0], "header");
    if (!"PS256".equals(string(header, "alg"))) {
      throw invalid("the signature is not PS256");
    }
    if (!verifies(key, parts)) {
      throw invalid("the signature does not verify with the shipped key of version " + version);
    }
    Map<String, JsonNode> claims = object(parts[1], "payload");
    if (!productCode.equals(string(claims, "productCode"))) {
      throw invalid("the signature is for another product code");
    }
    if (!String.valueOf(version).equals(number(claims, "publicKeyVersion"))) {
      throw invalid("the signature names another key version");
    }
    if (!nonce.equals(string(claims, "nonce"))) {
      throw invalid("the signature's nonce is not the one sent: a replayed answer");
    }
    String iat = number(claims, "iat");
    if (iat == null) {
      throw invalid("the signature has no iat");
    }
    Instant issued = Instant.ofEpochSecond(new BigDecimal(iat).longValue());
    if (Duration.between(issued, now).abs().compareTo(maxIatSkew) > 0) {
      throw invalid("the signature was issued at " + issued + ", too far from now (" + now + ")");
    }
  }

  private static boolean verifies(PublicKey key, String[] parts) throws EntitlementException {
    try {
      Signature s = Signature.getInstance("RSASSA-PSS");
      s.setParameter(PS256);
      s.initVerify(key);
      s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      return s.verify(Base64.getUrlDecoder().decode(parts[2]));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw invalid("the signature cannot be checked: " + e.getMessage());
    }
  }

  private static Map<String, JsonNode> object(String part, String what)
      throws EntitlementException {
    JsonNode node;
    try {
      node = JsonNode.parser().parse(Base64.getUrlDecoder().decode(part));
    } catch (RuntimeException e) {
      // Whatever the parser makes of garbage (it throws several kinds), it is not a token.
      throw invalid("the signature's " + what + " is not base64url JSON");
    }
    if (node == null || !node.isObject()) {
      throw invalid("the signature's " + what + " is not a JSON object");
    }
    return node.asObject();
  }

  private static String string(Map<String, JsonNode> object, String name) {
    return Optional.ofNullable(object.get(name))
        .filter(JsonNode::isString)
        .map(JsonNode::asString)
        .orElse(null);
  }

  private static String number(Map<String, JsonNode> object, String name) {
    return Optional.ofNullable(object.get(name))
        .filter(JsonNode::isNumber)
        .map(JsonNode::asNumber)
        .orElse(null);
  }

  private static EntitlementException invalid(String message) {
    return new EntitlementException(EntitlementException.Reason.INVALID_SIGNATURE, message);
  }
}
