package io.meterline.wire.model;

import java.util.Objects;

/** The output of ResolveCustomer. */
public record ResolveCustomerResult(
    String customerIdentifier, String productCode, String customerAwsAccountId) {
  public ResolveCustomerResult {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(customerAwsAccountId, "customerAwsAccountId");
  }
}
