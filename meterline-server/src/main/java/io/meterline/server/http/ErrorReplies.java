package io.meterline.server.http;

import io.meterline.server.store.StoreBusyException;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import io.meterline.wire.json.ResponseWriter;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place data-plane failures become wire errors (reference/wire/GOLDEN.md §4.1, §9): body
 * {@code {"__type","message"}}, header {@code x-amzn-ErrorType} equal to it, the code's status.
 * Anything unexpected is a 500 InternalServiceErrorException whose message carries the request id,
 * logged here with its stack trace; the stack never reaches the caller.
 */
public final class ErrorReplies {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorReplies.class);

  private ErrorReplies() {}

  /** The reply for a failure of the request with this id. */
  public static HttpReply of(Throwable failure, String requestId) {
    Throwable t = unwrap(failure);
    if (t instanceof ServiceException e) {
      return of(e.code(), e.getMessage(), requestId);
    }
    if (t instanceof StoreBusyException || t instanceof RejectedExecutionException) {
      return of(ErrorCode.THROTTLING, "The service is at capacity; retry with backoff", requestId);
    }
    LOG.error("internal error answering request {}", requestId, t);
    return of(
        ErrorCode.INTERNAL_SERVICE_ERROR,
        "An internal error occurred. Correlation id: " + requestId,
        requestId);
  }

  /** The reply for an error of this kind. */
  public static HttpReply of(ErrorCode code, String message, String requestId) {
    Map<String, String> headers =
        code == ErrorCode.THROTTLING
            // Both SDKs honour Retry-After (GOLDEN §5.1): a throttled client backs off a second.
            ? Map.of("x-amzn-ErrorType", code.wireName(), "Retry-After", "1")
            : Map.of("x-amzn-ErrorType", code.wireName());
    return new HttpReply(
        code.httpStatus(),
        HttpReply.AMZ_JSON,
        ResponseWriter.error(code, message),
        headers,
        requestId);
  }

  /** The same reply with another HTTP status. */
  public static HttpReply withStatus(int status, HttpReply reply) {
    return new HttpReply(
        status, reply.contentType(), reply.body(), reply.headers(), reply.requestId());
  }

  /** The cause inside the wrappers that futures add. */
  public static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
