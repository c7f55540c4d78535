package io.meterline.server.auth;

import java.util.Objects;

/**
 * An authenticated request's caller.
 *
 * @param region the region the request was signed for: the region it addresses (SPEC §1.1)
 */
public record Caller(Principal principal, String region) {
  public Caller {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(region, "region");
  }

  /** The caller's account. */
  public String awsAccountId() {
    return principal.awsAccountId();
  }
}
