package io.meterline.server.domain;

import java.security.PrivateKey;
import java.time.Instant;
import java.util.Objects;

/**
 * One version of a product's RSA signing key. The private key never leaves the server.
 *
 * @param retiredAt when a newer version replaced it; {@code null} for the current version
 */
public record ProductKey(
    int version, String publicKeyPem, PrivateKey privateKey, Instant createdAt, Instant retiredAt) {
  public ProductKey {
    Objects.requireNonNull(publicKeyPem, "publicKeyPem");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** Whether a newer version has replaced this one. */
  public boolean isRetired() {
    return retiredAt != null;
  }

  @Override
  public String toString() {
    return "ProductKey[version=" + version + ", retiredAt=" + retiredAt + "]";
  }
}
