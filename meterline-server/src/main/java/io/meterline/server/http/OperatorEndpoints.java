package io.meterline.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.domain.Ids;
import io.meterline.server.exchange.Handler;
import io.meterline.server.exchange.HttpReply;
import io.meterline.server.exchange.HttpRequestView;
import io.meterline.server.exchange.Unexpected;
import io.meterline.server.store.Database;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * What an operator polls: {@code /ready} answers 200 once the database answers a query (503
 * otherwise, within two seconds), {@code /metrics} the Prometheus text format.
 */
public final class OperatorEndpoints implements Handler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SURFACE = "operator";

  private final Database db;
  private final PrometheusMeterRegistry registry;
  private final Executor blocking;
  private final Handler guarded =
      Unexpected.guarded(
          SURFACE,
          this::answer,
          (requestId, message) -> json(500, requestId, status("error", "message", message)));

  public OperatorEndpoints(Database db, PrometheusMeterRegistry registry, Executor blocking) {
    this.db = db;
    this.registry = registry;
    this.blocking = blocking;
  }

  @Override
  public CompletableFuture<HttpReply> handle(HttpRequestView request) {
    return guarded.handle(request);
  }

  private CompletableFuture<HttpReply> answer(HttpRequestView request) {
    if (request.rawPath().equals("/metrics")) {
      return CompletableFuture.supplyAsync(
          () ->
              HttpReply.of(
                  200,
                  "text/plain; version=0.0.4; charset=utf-8",
                  registry.scrape().getBytes(StandardCharsets.UTF_8),
                  Ids.uuid()),
          blocking);
    }
    String requestId = Ids.uuid();
    return CompletableFuture.supplyAsync(
            () ->
                db.read(
                    c -> {
                      try (var s = c.createStatement()) {
                        s.execute("SELECT 1");
                      }
                      return json(200, requestId, status("ready", null, null));
                    }),
            blocking)
        .completeOnTimeout(
            notReady(requestId, "the database did not answer within 2 s"), 2, TimeUnit.SECONDS)
        .exceptionally(
            e -> {
              Unexpected.log(SURFACE, request, requestId, e);
              return notReady(
                  requestId, "the database is unreachable (correlation id " + requestId + ")");
            });
  }

  private static HttpReply notReady(String requestId, String why) {
    return json(503, requestId, status("not ready", "reason", why));
  }

  private static Map<String, String> status(String status, String field, String value) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("status", status);
    if (field != null) {
      body.put(field, value);
    }
    return body;
  }

  private static HttpReply json(int status, String requestId, Object body) {
    try {
      return HttpReply.of(status, HttpReply.JSON, JSON.writeValueAsBytes(body), requestId);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serializes", e);
    }
  }
}
