package io.meterline.server.metering;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;

/** The answer to a task whose account is not entitled to the product (SPEC §1.1 "Entitlement"). */
final class Entitlements {
  private Entitlements() {}

  static ServiceException notEntitled(String awsAccountId, String productCode) {
    return ErrorCode.CUSTOMER_NOT_ENTITLED.exception(
        "Account %s has no active subscription to product %s", awsAccountId, productCode);
  }
}
