package io.meterline.client;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a repeating failure once per kind, with its cause, until the work succeeds again (then one
 * line says so); later occurrences of a kind already logged go to debug. Kinds are what the caller
 * says they are, e.g. an exception class or a service error code.
 */
final class FailureLog {
  private final Logger log;
  private final String what;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();
  private final AtomicLong sinceSuccess = new AtomicLong();

  FailureLog(Logger log, String what) {
    this.log = log;
    this.what = what;
  }

  void failed(String kind, String message, Throwable cause) {
    sinceSuccess.incrementAndGet();
    if (logged.add(kind)) {
      log.warn("{} failed ({}); it is retried with backoff: {}", what, kind, message, cause);
    } else {
      log.debug("{} failed again ({}): {}", what, kind, message);
    }
  }

  void succeeded() {
    long failures = sinceSuccess.getAndSet(0);
    if (failures > 0) {
      logged.clear();
      log.info("{} works again, after {} failed attempts", what, failures);
    }
  }

  /** A kind for an exception: the service's error code, else the exception's class. */
  static String kindOf(Throwable e) {
    if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException s
        && s.awsErrorDetails() != null
        && s.awsErrorDetails().errorCode() != null) {
      return s.awsErrorDetails().errorCode();
    }
    return e.getClass().getSimpleName();
  }
}
