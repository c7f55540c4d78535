package io.meterline.server.ledger;

import io.meterline.server.domain.Product;
import io.meterline.server.domain.Task;
import io.meterline.wire.model.MeterUsageRequest;
import java.util.Objects;

/**
 * A MeterUsage request as the operation hands it to the ledger, after the checks it can make from
 * cached state.
 *
 * @param task the calling task or instance; {@code null} when the caller is not one (the request is
 *     then refused)
 * @param callerAccountId the caller's account: the identity of its ClientTokens when it is not a
 *     task
 * @param product the product; {@code null} when the request is refused
 * @param refusal an error the operation found, answered only after the ClientToken check, which
 *     outranks it (SPEC §1.1 "Order of checks"); {@code null} when the request is to be recorded
 */
public record MeterUsageWrite(
    MeterUsageRequest request,
    Task task,
    String callerAccountId,
    Product product,
    RuntimeException refusal) {

  public MeterUsageWrite {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(callerAccountId, "callerAccountId");
    if (refusal == null && (task == null || product == null)) {
      throw new IllegalArgumentException("a request to record needs its task and its product");
    }
  }

  /** A request that passed the operation's checks. */
  public static MeterUsageWrite accepted(MeterUsageRequest request, Task task, Product product) {
    return new MeterUsageWrite(request, task, task.awsAccountId(), product, null);
  }

  /** A request the operation refused, still subject to the ClientToken check. */
  public static MeterUsageWrite refused(
      MeterUsageRequest request, Task task, String callerAccountId, RuntimeException refusal) {
    return new MeterUsageWrite(
        request, task, callerAccountId, null, Objects.requireNonNull(refusal, "refusal"));
  }

  /** The identity that scopes ClientTokens and MeterUsage dedup keys. */
  String scope() {
    return task != null ? "task/" + task.taskId() : "account/" + callerAccountId;
  }
}
