package io.meterline.wire.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the service errors code under test throws. */
public final class ServiceErrors {
  private ServiceErrors() {}

  /** The ServiceException the call throws; fails the test if it throws nothing or another type. */
  public static ServiceException serviceError(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).as("thrown by the call").isInstanceOf(ServiceException.class);
    return (ServiceException) thrown;
  }

  /** The ServiceException the call throws, which must be of this code. */
  public static ServiceException serviceError(ErrorCode code, ThrowingCallable call) {
    ServiceException e = serviceError(call);
    assertThat(e.code()).as("error code of: %s", e.getMessage()).isEqualTo(code);
    return e;
  }
}
