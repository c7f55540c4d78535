package io.meterline.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.meterline.server.auth.Authenticator;
import io.meterline.server.auth.Caller;
import io.meterline.server.calls.Call;
import io.meterline.server.calls.CallLog;
import io.meterline.server.domain.Ids;
import io.meterline.server.entitlements.GetEntitlements;
import io.meterline.server.exchange.Handler;
import io.meterline.server.exchange.HttpReply;
import io.meterline.server.exchange.HttpRequestView;
import io.meterline.server.licenses.LicenseManager;
import io.meterline.server.metering.MeteringService;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.Operation;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The metering API's edge: authenticate, route on {@code X-Amz-Target} (any path: clients may add a
 * prefix, GOLDEN §6), answer in awsJson1_1; every call, answered or refused, goes to the call log.
 */
public final class DataPlane implements Handler {
  /** An operation of a service beside metering, named after its target prefix. */
  @FunctionalInterface
  private interface ServiceCall {
    CompletableFuture<byte[]> handle(String operation, Caller caller, byte[] body, Call call);
  }

  /** A service beside metering: its target prefix, the signing name it checks, its handler. */
  /**
   * A service beside metering on the port.
   *
   * @param messageMember the name of its errors' message member
   */
  private record Service(
      String targetPrefix, Authenticator authenticator, ServiceCall call, String messageMember) {}

  private final Authenticator authenticator;
  private final MeteringService metering;
  private final List<Service> others;
  private final CallLog calls;

  /**
   * @param authenticator checks SigV4 under {@code aws-marketplace} (metering, entitlements)
   * @param licenseAuthenticator checks SigV4 under {@code license-manager}
   */
  public DataPlane(
      Authenticator authenticator,
      Authenticator licenseAuthenticator,
      MeteringService metering,
      GetEntitlements entitlements,
      LicenseManager licenses,
      CallLog calls) {
    this.authenticator = authenticator;
    this.metering = metering;
    this.others =
        List.of(
            new Service(
                GetEntitlements.TARGET_PREFIX,
                authenticator,
                (op, caller, body, call) -> entitlements.handle(op, caller, body, call),
                "message"),
            new Service(
                LicenseManager.TARGET_PREFIX,
                licenseAuthenticator,
                (op, caller, body, call) -> licenses.handle(op, caller, body, call),
                "Message")); // contracts-facts §2.8
    this.calls = calls;
  }

  @Override
  public CompletableFuture<HttpReply> handle(HttpRequestView request) {
    String requestId = Ids.uuid();
    Call call = calls.open(requestId, operationName(request));
    CompletableFuture<byte[]> answer;
    try {
      Service other = serviceOf(request.header("x-amz-target"));
      if (other == null) {
        answer =
            authenticator
                .authenticate(request, call)
                .thenCompose(
                    caller -> metering.handle(operation(request), caller, request.body(), call));
      } else {
        String op = request.header("x-amz-target").substring(other.targetPrefix().length());
        requirePost(request, op);
        answer =
            other
                .authenticator()
                .authenticate(request, call)
                .thenCompose(caller -> other.call().handle(op, caller, request.body(), call));
      }
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.handle(
        (body, failure) -> {
          if (failure == null) {
            call.succeeded();
            return HttpReply.of(200, HttpReply.AMZ_JSON, body, requestId);
          }
          ErrorReplies.WireError error = ErrorReplies.classify(failure, request, requestId);
          if (!call.hasProductCode()) {
            call.productCode(productCodeIn(request.body()));
          }
          call.failed(error.code().wireName(), error.message());
          Service other = serviceOf(request.header("x-amz-target"));
          return ErrorReplies.of(
              error.code(),
              error.message(),
              requestId,
              other == null ? "message" : other.messageMember());
        });
  }

  private static final JsonFactory JSON = new JsonFactory();

  // Metering's own target is looked at first: it is the hot path.
  private Service serviceOf(String target) {
    if (target == null || target.startsWith(Operation.TARGET_PREFIX)) {
      return null;
    }
    for (Service s : others) {
      if (target.startsWith(s.targetPrefix())) {
        return s;
      }
    }
    return null;
  }

  /**
   * The {@code ProductCode} a body names at its top level, for the call log of a call refused
   * before the operation read it; {@code null} when the body does not say.
   */
  static String productCodeIn(byte[] body) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("ProductCode".equals(name) && value == JsonToken.VALUE_STRING) {
          String code = p.getText();
          return code.length() <= 255 ? code : null;
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  // What the call log names the operation: its name, or what the header said.
  private String operationName(HttpRequestView request) {
    String target = request.header("x-amz-target");
    Optional<Operation> metering = Operation.fromTarget(target);
    if (metering.isPresent()) {
      return metering.get().wireName();
    }
    Service other = serviceOf(target);
    if (other != null && target.length() <= 100) {
      return target.substring(other.targetPrefix().length());
    }
    return target == null ? "unknown" : target.length() > 100 ? target.substring(0, 100) : target;
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
    requirePost(request, op.wireName());
    return op;
  }

  private static void requirePost(HttpRequestView request, String operation) {
    if (!"POST".equals(request.method())) {
      throw ErrorCode.UNKNOWN_OPERATION.exception(
          "%s must be called with POST, not %s", operation, request.method());
    }
  }
}
