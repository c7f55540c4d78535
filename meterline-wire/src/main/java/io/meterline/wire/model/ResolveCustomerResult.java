package io.meterline.wire.model;

import java.util.Objects;

/**
 * The output of ResolveCustomer.
 *
 * @param licenseArn the customer's license of the product, a member of newer models; {@code null}
 *     when the subscription has none
 */
public record ResolveCustomerResult(
    String customerIdentifier, String productCode, String customerAwsAccountId, String licenseArn) {
  public ResolveCustomerResult {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(customerAwsAccountId, "customerAwsAccountId");
  }

  /** A result without a license. */
  public ResolveCustomerResult(
      String customerIdentifier, String productCode, String customerAwsAccountId) {
    this(customerIdentifier, productCode, customerAwsAccountId, null);
  }
}
