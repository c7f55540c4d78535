package io.meterline.client;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A product code the product accepts, whether it is the paid or the free listing, and the public
 * keys (by version) its RegisterUsage signatures verify with. The list ships inside the product, so
 * a buyer cannot swap a code or a key by configuration.
 */
public record TrustedProduct(String productCode, Tier tier, Map<Integer, PublicKey> publicKeys) {
  /** What a product code unlocks. */
  public enum Tier {
    /** The paid listing: every feature. */
    PAID,
    /** A free listing: never the paid features. */
    FREE
  }

  public TrustedProduct {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(tier, "tier");
    publicKeys = Map.copyOf(publicKeys);
  }

  /** The paid listing with its public key of one version (PEM, as Marketplace issues it). */
  public static TrustedProduct paid(String productCode, int version, String publicKeyPem) {
    return new TrustedProduct(productCode, Tier.PAID, Map.of(version, parse(publicKeyPem)));
  }

  /** A free listing with its public key of one version. */
  public static TrustedProduct free(String productCode, int version, String publicKeyPem) {
    return new TrustedProduct(productCode, Tier.FREE, Map.of(version, parse(publicKeyPem)));
  }

  /** This product with one more key version, e.g. after the seller rotated the key. */
  public TrustedProduct withKey(int version, String publicKeyPem) {
    Map<Integer, PublicKey> keys = new TreeMap<>(publicKeys);
    keys.put(version, parse(publicKeyPem));
    return new TrustedProduct(productCode, tier, keys);
  }

  /** The newest key version shipped, which RegisterUsage asks to be signed with. */
  int latestVersion() {
    return publicKeys.keySet().stream()
        .max(Integer::compare)
        .orElseThrow(
            () -> new IllegalStateException("product " + productCode + " has no public key"));
  }

  private static PublicKey parse(String pem) {
    String begin = "-----BEGIN PUBLIC KEY-----";
    String end = "-----END PUBLIC KEY-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("not a PEM public key: expected " + begin + " … " + end);
    }
    String base64 = pem.substring(from + begin.length(), to).replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA")
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a PEM RSA public key: " + e.getMessage(), e);
    }
  }
}
