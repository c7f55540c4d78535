package io.meterline.server.metering;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;

/** The answer when the write path is full: retry with backoff, at once rather than queued. */
final class Overload {
  private Overload() {}

  static ServiceException busy() {
    return ErrorCode.THROTTLING.exception("The service is at capacity; retry with backoff");
  }
}
