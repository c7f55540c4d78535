package io.meterline.wire.model;

import java.util.Objects;

/** The input of ResolveCustomer. */
public record ResolveCustomerRequest(String registrationToken) {
  public ResolveCustomerRequest {
    Objects.requireNonNull(registrationToken, "registrationToken");
  }
}
