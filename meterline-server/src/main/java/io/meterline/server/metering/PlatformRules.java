package io.meterline.server.metering;

import io.meterline.server.auth.Caller;
import io.meterline.server.auth.Principal;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Task;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;

/**
 * Who may call which operation from where (SPEC §1.1 "Region and platform", "Authorization"; facts
 * §4.7, §4.8).
 */
final class PlatformRules {
  private PlatformRules() {}

  /** The task behind a RegisterUsage call: an ECS task, Fargate task or EKS pod, in its region. */
  static Task registerUsageTask(Caller caller) {
    if (caller.principal() instanceof Principal.TaskCredentials t
        && t.task().platform().isContainer()) {
      if (!t.task().region().equals(caller.region())) {
        throw ErrorCode.INVALID_REGION.exception(
            "RegisterUsage must be called in the region " + "the task was launched in, %s, not %s",
            t.task().region(), caller.region());
      }
      return t.task();
    }
    throw notSupported(caller, "RegisterUsage");
  }

  /** The task or instance behind a MeterUsage call (EC2 instances are the AMI path). */
  static Task meterUsageTask(Caller caller) {
    if (caller.principal() instanceof Principal.TaskCredentials t && t.task().platform().meters()) {
      if (!t.task().region().equals(caller.region())) {
        throw ErrorCode.INVALID_ENDPOINT_REGION.exception(
            "MeterUsage must be sent to the " + "region the task or instance runs in, %s, not %s",
            t.task().region(), caller.region());
      }
      return t.task();
    }
    throw notSupported(caller, "MeterUsage");
  }

  /** Requires the seller account that owns the product (BatchMeterUsage, ResolveCustomer). */
  static void requireOwningSeller(Caller caller, Product product, String operation) {
    requireSeller(caller, operation);
    if (!product.sellerAccountId().equals(caller.awsAccountId())) {
      throw ErrorCode.ACCESS_DENIED.exception(
          "Account %s is not the seller of product %s and " + "may not call %s for it",
          caller.awsAccountId(), product.productCode(), operation);
    }
  }

  /** Requires a seller's long-term key. */
  static void requireSeller(Caller caller, String operation) {
    if (!(caller.principal() instanceof Principal.AccountKey k) || !k.isSeller()) {
      throw ErrorCode.ACCESS_DENIED.exception(
          "%s needs the credentials of the seller account "
              + "that owns the product; %s is not a seller key",
          operation, caller.principal().accessKeyId());
    }
  }

  private static ServiceException notSupported(Caller caller, String operation) {
    String what =
        caller.principal() instanceof Principal.TaskCredentials t
            ? "credentials of platform " + t.task().platform()
            : "a long-term access key of account " + caller.awsAccountId();
    return ErrorCode.PLATFORM_NOT_SUPPORTED.exception(
        "%s is supported only from Amazon ECS "
            + "tasks, Amazon EKS pods (IAM roles for service accounts) and AWS Fargate tasks; this "
            + "request was signed with %s",
        operation, what);
  }
}
