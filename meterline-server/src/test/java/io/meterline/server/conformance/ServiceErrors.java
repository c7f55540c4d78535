package io.meterline.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;

/** Assertions on the errors the SDK raises, as a caller of the service sees them. */
final class ServiceErrors {
  private ServiceErrors() {}

  /**
   * Asserts the call fails with this typed exception and HTTP status, with a request id and the
   * error code the type stands for; returns the exception for further checks.
   */
  static <T extends MarketplaceMeteringException> T expectError(
      Class<T> type, int status, ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).as("the call's failure").isInstanceOf(type);
    T e = type.cast(thrown);
    assertThat(e.statusCode()).as("HTTP status of %s", type.getSimpleName()).isEqualTo(status);
    assertThat(e.requestId()).as("request id").isNotBlank();
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(type.getSimpleName());
    return e;
  }

  /**
   * Asserts the call fails with an error the Java SDK has no class for: the base {@link
   * MarketplaceMeteringException} carrying this error code and HTTP status.
   */
  static MarketplaceMeteringException expectErrorCode(
      String errorCode, int status, ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown)
        .as("the call's failure")
        .isExactlyInstanceOf(MarketplaceMeteringException.class);
    MarketplaceMeteringException e = (MarketplaceMeteringException) thrown;
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(errorCode);
    assertThat(e.statusCode()).as("HTTP status of %s", errorCode).isEqualTo(status);
    assertThat(e.requestId()).as("request id").isNotBlank();
    return e;
  }
}
