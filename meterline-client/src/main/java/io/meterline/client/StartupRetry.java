package io.meterline.client;

import java.time.Duration;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * A start-up call retried with jittered backoff while its failures may pass (throttling, 5xx, the
 * network), for a bounded time of real elapsed time (a given clock may stand still: a test clock).
 * A configuration error and every other refusal of the service end it at once.
 */
final class StartupRetry {
  /** One attempt of the call. */
  interface Attempt<T> {
    T run() throws EntitlementException;
  }

  private final String service;
  private final Duration retryFor;
  private final Backoff backoff;
  private final FailureLog log;

  /**
   * @param service the service called, for messages ("the metering service")
   */
  StartupRetry(String service, Duration retryFor, Backoff backoff, FailureLog log) {
    this.service = service;
    this.retryFor = retryFor;
    this.backoff = backoff;
    this.log = log;
  }

  /**
   * Runs the call until it succeeds, is refused or the time is up.
   *
   * @param refusal what a final refusal of the service means to the product
   */
  <T> T run(Attempt<T> attempt, Function<AwsServiceException, EntitlementException> refusal)
      throws EntitlementException {
    long deadline = System.nanoTime() + retryFor.toNanos();
    for (int n = 1; ; n++) {
      try {
        T result = attempt.run();
        log.succeeded();
        return result;
      } catch (SdkClientException e) {
        EntitlementException configuration = Clients.configurationError(e);
        if (configuration != null) {
          throw configuration;
        }
        retryOrGiveUp(e, n, deadline);
      } catch (AwsServiceException e) {
        if (!mayPass(e)) {
          throw refusal.apply(e);
        }
        retryOrGiveUp(e, n, deadline);
      }
    }
  }

  /**
   * Whether a service error may pass with time: throttling (License Manager's
   * RateLimitExceededException, which the SDK does not count as throttling: facts §2.8) or a 5xx.
   */
  static boolean mayPass(AwsServiceException e) {
    return e.isThrottlingException()
        || e.statusCode() >= 500
        || "RateLimitExceededException".equals(FailureLog.kindOf(e));
  }

  /** The service's words: its error code and message, else the exception's. */
  static String message(AwsServiceException e) {
    return e.awsErrorDetails() == null
        ? e.getMessage()
        : e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
  }

  private void retryOrGiveUp(Exception e, int attempt, long deadline) throws EntitlementException {
    log.failed(FailureLog.kindOf(e), Sender.message(e), e);
    Duration wait = backoff.delay(attempt);
    if (System.nanoTime() + wait.toNanos() - deadline > 0) {
      throw new EntitlementException(
          EntitlementException.Reason.UNAVAILABLE,
          "no answer from " + service + " within " + retryFor + ": " + e.getMessage(),
          e);
    }
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new EntitlementException(
          EntitlementException.Reason.UNAVAILABLE, "interrupted while retrying", ie);
    }
  }
}
