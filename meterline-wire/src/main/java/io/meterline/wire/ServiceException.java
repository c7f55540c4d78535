package io.meterline.wire;

import java.util.Objects;

/**
 * An error answered to the caller in the service's own wire shape.
 *
 * <p>The one family of service errors: the edge turns it into {@code {"__type","message"}} with the
 * code's HTTP status. It carries no stack trace, since it is an answer, not a fault.
 */
public final class ServiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /** An error of the given kind; the message is what the caller reads. */
  public ServiceException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The kind of error. */
  public ErrorCode code() {
    return code;
  }
}
