package io.meterline.server.domain;

import java.time.Instant;
import java.util.Objects;

/** A long-term access key; its secret is derived from the master key, never stored. */
public record AccessKey(String accessKeyId, String awsAccountId, KeyKind kind, Instant createdAt) {
  public AccessKey {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(awsAccountId, "awsAccountId");
    Objects.requireNonNull(kind, "kind");
  }
}
