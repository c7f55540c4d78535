package io.meterline.client;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which metering endpoints besides AWS's the product accepts when its environment overrides the
 * endpoint ({@code AWS_ENDPOINT_URL_MARKETPLACE_METERING}, {@code AWS_ENDPOINT_URL}, the system
 * properties {@code aws.endpointUrlMarketplaceMetering} and {@code aws.endpointUrl}, or {@code
 * endpoint_url} in the AWS config file). A buyer controls that environment, so by default ({@link
 * #none()}) an override is refused and the product does not start. A product that ships the public
 * half of the seller's endpoint key ({@link #signedBy}) accepts an override whose endpoint signs a
 * fresh challenge with the private half: the seller's own Meterline server, which the seller gives
 * that key ({@code meterline serve --endpoint-key}). An endpoint set in the product's code (a
 * client built with {@code endpointOverride}) is the seller's choice and is not checked.
 */
public final class SellerEndpoint {
  private final Map<String, PublicKey> keysById;

  private SellerEndpoint(Map<String, PublicKey> keysById) {
    this.keysById = Map.copyOf(keysById);
  }

  /** AWS only: any endpoint override from the environment is refused. The default. */
  public static SellerEndpoint none() {
    return new SellerEndpoint(Map.of());
  }

  /**
   * Endpoints that prove they hold the private half of one of these Ed25519 public keys (PEM, as
   * {@code meterline endpoint-key} prints it).
   *
   * @throws IllegalArgumentException for a key that is not an Ed25519 public key in PEM
   */
  public static SellerEndpoint signedBy(String... publicKeyPems) {
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    for (String pem : publicKeyPems) {
      PublicKey key = parse(pem);
      keys.put(keyId(key), key);
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("signedBy needs at least one public key");
    }
    return new SellerEndpoint(keys);
  }

  /** The trusted key with this id, or {@code null}. */
  PublicKey key(String keyId) {
    return keysById.get(keyId);
  }

  boolean trustsAny() {
    return !keysById.isEmpty();
  }

  /** The ids of the trusted keys, in order. */
  String keyIds() {
    return String.join(",", new java.util.TreeSet<>(keysById.keySet()));
  }

  /** A key's id: base64url SHA-256 of its SubjectPublicKeyInfo, as the server names it. */
  static String keyId(PublicKey key) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  private static PublicKey parse(String pem) {
    String begin = "-----BEGIN PUBLIC KEY-----";
    String end = "-----END PUBLIC KEY-----";
    int from = pem == null ? -1 : pem.indexOf(begin);
    int to = pem == null ? -1 : pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("not a PEM public key: expected " + begin + " … " + end);
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
    }
  }
}
