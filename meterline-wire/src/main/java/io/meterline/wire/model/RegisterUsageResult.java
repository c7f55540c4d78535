package io.meterline.wire.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The output of RegisterUsage; {@code publicKeyRotationTimestamp} is set only when the key version
 * the caller named has been retired.
 */
public record RegisterUsageResult(Instant publicKeyRotationTimestamp, String signature) {
  public RegisterUsageResult {
    Objects.requireNonNull(signature, "signature");
  }
}
