package io.meterline.server.exchange;

import io.meterline.server.domain.Ids;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one rule for failures nobody expected, on every surface (data plane, admin API, platform
 * endpoints, operator endpoints): the failure is logged here with its stack trace and a correlation
 * id, the request's id; the client is told only that id, in its surface's error shape. The stack
 * and the failure's message never reach the client.
 */
public final class Unexpected {
  private static final Logger LOG = LoggerFactory.getLogger(Unexpected.class);

  private Unexpected() {}

  /**
   * Logs the failure of a request and returns the message to answer it with.
   *
   * @param surface which surface answered, e.g. "admin"
   * @param requestId the request's id, which the client sees and the log line carries
   */
  public static String report(
      String surface, HttpRequestView request, String requestId, Throwable failure) {
    log(surface, request, requestId, failure);
    return message(requestId);
  }

  /** Logs the failure of a request, for a surface whose answer says it its own way. */
  public static void log(
      String surface, HttpRequestView request, String requestId, Throwable failure) {
    LOG.error(
        "{} request {} {} failed unexpectedly (correlation id {})",
        surface,
        request.method(),
        request.rawPath(),
        requestId,
        unwrap(failure));
  }

  /** Logs a failure that did not come from one request, e.g. an Error on the network thread. */
  public static String report(String surface, String requestId, Throwable failure) {
    LOG.error("{} failed unexpectedly (correlation id {})", surface, requestId, unwrap(failure));
    return message(requestId);
  }

  /**
   * A handler that answers like {@code handler}, except that any failure of it, thrown or in its
   * future, is reported here and answered with {@code internalError}, built from a new request id
   * and the message for the client.
   */
  public static Handler guarded(
      String surface, Handler handler, BiFunction<String, String, HttpReply> internalError) {
    return request -> {
      CompletableFuture<HttpReply> reply;
      try {
        reply = handler.handle(request);
      } catch (RuntimeException | Error e) {
        reply = CompletableFuture.failedFuture(e);
      }
      return reply.exceptionally(
          e -> {
            String requestId = Ids.uuid();
            return internalError.apply(requestId, report(surface, request, requestId, e));
          });
    };
  }

  /** What the client is told: only that something failed, and the id to ask about it with. */
  public static String message(String requestId) {
    return "An internal error occurred. Correlation id: " + requestId;
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
