package io.meterline.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.meterline.server.entitlements.GetEntitlements;
import io.meterline.server.exchange.Handler;
import io.meterline.server.exchange.HttpReply;
import io.meterline.server.exchange.HttpRequestView;
import io.meterline.server.licenses.LicenseManager;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures every request (rate, latency, errors by AWS error name, requests in flight) and, when
 * enabled, writes one JSON access-log line per request to the logger {@code meterline.access}.
 * Neither carries headers or bodies: no credential or token can leak into them.
 */
public final class Observed implements Handler {
  private static final Logger ACCESS = LoggerFactory.getLogger("meterline.access");
  private static final JsonFactory JSON = new JsonFactory();

  private final Handler next;
  private final MeterRegistry registry;
  private final boolean accessLog;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();

  public Observed(Handler next, MeterRegistry registry, boolean accessLog) {
    this.next = next;
    this.registry = registry;
    this.accessLog = accessLog;
    registry.gauge("meterline.http.in.flight", inFlight);
  }

  @Override
  public CompletableFuture<HttpReply> handle(HttpRequestView request) {
    long start = System.nanoTime();
    inFlight.incrementAndGet();
    return next.handle(request)
        .whenComplete(
            (reply, failure) -> {
              inFlight.decrementAndGet();
              long nanos = System.nanoTime() - start;
              String route = route(request);
              int status = reply == null ? 500 : reply.status();
              String error =
                  reply == null
                      ? "InternalServiceErrorException"
                      : reply.headers().get("x-amzn-ErrorType");
              timer(route, status).record(nanos, TimeUnit.NANOSECONDS);
              if (error != null) {
                errors
                    .computeIfAbsent(
                        route + "|" + error,
                        k ->
                            Counter.builder("meterline.errors")
                                .description("error answers by AWS error name")
                                .tag("operation", route)
                                .tag("error", error)
                                .register(registry))
                    .increment();
              }
              if (accessLog) {
                log(request, route, status, error, nanos, reply);
              }
            });
  }

  private Timer timer(String route, int status) {
    String outcome = status < 400 ? "success" : status < 500 ? "client_error" : "server_error";
    return timers.computeIfAbsent(
        route + "|" + outcome,
        k ->
            Timer.builder("meterline.requests")
                .description("requests answered, by operation and outcome")
                .tag("operation", route)
                .tag("outcome", outcome)
                // Buckets, which histogram_quantile reads over any window and across servers.
                // No client-side quantiles: with buckets, the Prometheus registry exports the
                // histogram only, so they would be computed on every request for nobody.
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry));
  }

  // What can be a metric tag: 1 to 40 ASCII letters (checked by hand: this runs on every request).
  private static boolean isOperationName(String op) {
    if (op.isEmpty() || op.length() > 40) {
      return false;
    }
    for (int i = 0; i < op.length(); i++) {
      char c = op.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
        return false;
      }
    }
    return true;
  }

  // The target prefixes of the services beside metering on the data plane.
  private static final List<String> OTHER_SERVICES =
      List.of(GetEntitlements.TARGET_PREFIX, LicenseManager.TARGET_PREFIX);

  // The operation for the data plane, else the first path segments (ids left out).
  static String route(HttpRequestView request) {
    String target = request.header("x-amz-target");
    if (target != null && target.startsWith("AWSMPMeteringService.")) {
      String op = target.substring("AWSMPMeteringService.".length());
      return isOperationName(op) ? op : "unknown";
    }
    for (String prefix : OTHER_SERVICES) {
      if (target != null && target.startsWith(prefix)) {
        String op = target.substring(prefix.length());
        return isOperationName(op) ? op : "unknown";
      }
    }
    String path = request.rawPath();
    if (path.startsWith("/admin/")) {
      return "admin";
    }
    if (path.startsWith("/platform/")) {
      return "platform";
    }
    if (Dispatcher.isConsole(path)) {
      return "console";
    }
    if (Dispatcher.isQueryProtocol(request)) {
      return "sts";
    }
    return path.equals("/health") || path.equals("/ready") || path.equals("/metrics")
        ? path.substring(1)
        : "other";
  }

  private static void log(
      HttpRequestView request,
      String route,
      int status,
      String error,
      long nanos,
      HttpReply reply) {
    StringWriter line = new StringWriter(200);
    try (JsonGenerator g = JSON.createGenerator(line)) {
      g.writeStartObject();
      g.writeStringField("requestId", reply == null ? "" : reply.requestId());
      g.writeStringField("method", request.method());
      g.writeStringField("path", clip(request.rawPath()));
      g.writeStringField("operation", route);
      g.writeNumberField("status", status);
      if (error != null) {
        g.writeStringField("error", clip(error));
      }
      g.writeFieldName("ms");
      g.writeRawValue(String.format(Locale.ROOT, "%.3f", nanos / 1e6));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory cannot fail", e);
    }
    ACCESS.info(line.toString());
  }

  private static String clip(String value) {
    return value.length() > 200 ? value.substring(0, 200) : value;
  }
}
