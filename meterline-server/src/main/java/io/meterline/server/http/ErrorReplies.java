package io.meterline.server.http;

import io.meterline.server.exchange.HttpReply;
import io.meterline.server.exchange.HttpRequestView;
import io.meterline.server.exchange.Unexpected;
import io.meterline.server.store.StoreBusyException;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import io.meterline.wire.json.ResponseWriter;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * The one place data-plane failures become wire errors (reference/wire/GOLDEN.md §4.1, §9): body
 * {@code {"__type","message"}}, header {@code x-amzn-ErrorType} equal to it, the code's status.
 * Anything unexpected is a 500 InternalServiceErrorException under the rule of {@link Unexpected}.
 */
public final class ErrorReplies {
  private static final String SURFACE = "data plane";

  private ErrorReplies() {}

  /** A failure as the wire names it: the error and its message. */
  public record WireError(ErrorCode code, String message) {}

  /** The reply for a failure of this request, whose id is given. */
  public static HttpReply of(Throwable failure, HttpRequestView request, String requestId) {
    WireError e = classify(failure, request, requestId);
    return of(e.code(), e.message(), requestId);
  }

  /** The reply for a failure outside any request the server could read. */
  public static HttpReply of(Throwable failure, String requestId) {
    WireError e = classify(failure, null, requestId);
    return of(e.code(), e.message(), requestId);
  }

  /**
   * The wire error of a failure: a service error as it is, a full queue as a throttle, anything
   * else an internal error reported under the rule of {@link Unexpected}.
   *
   * @param request the request that failed; {@code null} when none could be read
   */
  public static WireError classify(Throwable failure, HttpRequestView request, String requestId) {
    Throwable t = Unexpected.unwrap(failure);
    if (t instanceof ServiceException e) {
      return new WireError(e.code(), e.getMessage());
    }
    if (t instanceof StoreBusyException || t instanceof RejectedExecutionException) {
      return new WireError(ErrorCode.THROTTLING, "The service is at capacity; retry with backoff");
    }
    return new WireError(
        ErrorCode.INTERNAL_SERVICE_ERROR,
        request == null
            ? Unexpected.report(SURFACE, requestId, t)
            : Unexpected.report(SURFACE, request, requestId, t));
  }

  /** The reply for an error of this kind. */
  public static HttpReply of(ErrorCode code, String message, String requestId) {
    return of(code, message, requestId, "message");
  }

  /** The reply for an error of this kind, its message under {@code messageMember}. */
  public static HttpReply of(
      ErrorCode code, String message, String requestId, String messageMember) {
    Map<String, String> headers =
        code == ErrorCode.THROTTLING
            // Both SDKs honour Retry-After (GOLDEN §5.1): a throttled client backs off a second.
            ? Map.of("x-amzn-ErrorType", code.wireName(), "Retry-After", "1")
            : Map.of("x-amzn-ErrorType", code.wireName());
    return new HttpReply(
        code.httpStatus(),
        HttpReply.AMZ_JSON,
        ResponseWriter.error(code, message, messageMember),
        headers,
        requestId);
  }

  /** The same reply with another HTTP status. */
  public static HttpReply withStatus(int status, HttpReply reply) {
    return new HttpReply(
        status, reply.contentType(), reply.body(), reply.headers(), reply.requestId());
  }
}
