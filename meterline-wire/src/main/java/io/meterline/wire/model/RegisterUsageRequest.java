package io.meterline.wire.model;

import java.util.Objects;

/** The input of RegisterUsage; {@code nonce} is {@code null} when not sent. */
public record RegisterUsageRequest(String productCode, int publicKeyVersion, String nonce) {
  public RegisterUsageRequest {
    Objects.requireNonNull(productCode, "productCode");
    if (publicKeyVersion < 1) {
      throw new IllegalArgumentException("publicKeyVersion must be >= 1, was " + publicKeyVersion);
    }
  }
}
