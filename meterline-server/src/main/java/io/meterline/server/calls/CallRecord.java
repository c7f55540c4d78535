package io.meterline.server.calls;

import java.time.Instant;
import java.util.List;

/**
 * What one data-plane call came to (SPEC §3.1 "Call log"); absent members are {@code null}.
 *
 * @param requestId the {@code x-amzn-RequestId} the client saw
 * @param time the real time the call arrived
 * @param serviceTime the service time then
 * @param operation the operation's name, or what the {@code X-Amz-Target} header said
 * @param awsAccountId the caller's account, when its credentials were known
 * @param taskId the calling task, pod or instance
 * @param productCode the product the body named, when it could be read
 * @param outcome {@code OK}, or the error's name, e.g. {@code DuplicateRequestException}
 * @param message the error's message
 * @param meteringRecordIds the records the call was answered with
 */
public record CallRecord(
    String requestId,
    Instant time,
    Instant serviceTime,
    String operation,
    String awsAccountId,
    String taskId,
    String productCode,
    String outcome,
    String message,
    List<String> meteringRecordIds) {
  /** The outcome of a call that succeeded. */
  public static final String OK = "OK";
}
