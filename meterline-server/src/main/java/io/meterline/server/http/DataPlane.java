package io.meterline.server.http;

import io.meterline.server.auth.Authenticator;
import io.meterline.server.domain.Ids;
import io.meterline.server.exchange.Handler;
import io.meterline.server.exchange.HttpReply;
import io.meterline.server.exchange.HttpRequestView;
import io.meterline.server.metering.MeteringService;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.Operation;
import java.util.concurrent.CompletableFuture;

/**
 * The metering API's edge: authenticate, route on {@code X-Amz-Target} (any path: clients may add a
 * prefix, GOLDEN §6), answer in awsJson1_1.
 */
public final class DataPlane implements Handler {
  private final Authenticator authenticator;
  private final MeteringService metering;

  public DataPlane(Authenticator authenticator, MeteringService metering) {
    this.authenticator = authenticator;
    this.metering = metering;
  }

  @Override
  public CompletableFuture<HttpReply> handle(HttpRequestView request) {
    String requestId = Ids.uuid();
    CompletableFuture<byte[]> answer;
    try {
      answer =
          authenticator
              .authenticate(request)
              .thenCompose(caller -> metering.handle(operation(request), caller, request.body()));
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.handle(
        (body, failure) ->
            failure == null
                ? HttpReply.of(200, HttpReply.AMZ_JSON, body, requestId)
                : ErrorReplies.of(failure, request, requestId));
  }

  private static Operation operation(HttpRequestView request) {
    String target = request.header("x-amz-target");
    Operation op =
        Operation.fromTarget(target)
            .orElseThrow(
                () ->
                    ErrorCode.UNKNOWN_OPERATION.exception(
                        target == null
                            ? "The X-Amz-Target header is missing; it names the operation, e.g. "
                                + Operation.METER_USAGE.target()
                            : "Unknown operation " + target));
    if (!"POST".equals(request.method())) {
      throw ErrorCode.UNKNOWN_OPERATION.exception(
          "%s must be called with POST, not %s", op.wireName(), request.method());
    }
    return op;
  }
}
