package io.meterline.server.calls;

import java.time.Instant;
import java.util.List;

/**
 * A data-plane call as it goes: the edge opens it, authentication and the operation fill in what
 * they learn (the caller, the product, the records), and the edge closes it with the outcome, which
 * puts it in the {@link CallLog}. Used by one request at a time, on whichever thread handles it.
 */
public final class Call {
  private final CallLog log;
  private final String requestId;
  private final Instant time;
  private final Instant serviceTime;
  private final String operation;
  private volatile String awsAccountId;
  private volatile String taskId;
  private volatile String productCode;
  private volatile List<String> meteringRecordIds;

  Call(CallLog log, String requestId, Instant time, Instant serviceTime, String operation) {
    this.log = log;
    this.requestId = requestId;
    this.time = time;
    this.serviceTime = serviceTime;
    this.operation = operation;
  }

  /** The caller's credentials are known: its account, and its task if it is one. */
  public void caller(String awsAccountId, String taskId) {
    this.awsAccountId = awsAccountId;
    this.taskId = taskId;
  }

  /** The body named this product. */
  public void productCode(String productCode) {
    this.productCode = productCode;
  }

  /** Whether the product is known. */
  public boolean hasProductCode() {
    return productCode != null;
  }

  /** The call was answered with these records. */
  public void meteringRecordIds(List<String> ids) {
    this.meteringRecordIds = List.copyOf(ids);
  }

  /** Closes the call: it succeeded. */
  public void succeeded() {
    close(CallRecord.OK, null);
  }

  /** Closes the call: it failed with this error. */
  public void failed(String errorName, String message) {
    close(errorName, message);
  }

  private void close(String outcome, String message) {
    log.add(
        new CallRecord(
            requestId,
            time,
            serviceTime,
            operation,
            awsAccountId,
            taskId,
            productCode,
            outcome,
            message,
            meteringRecordIds));
  }
}
