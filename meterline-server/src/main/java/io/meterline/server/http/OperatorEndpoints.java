package io.meterline.server.http;

import io.meterline.server.auth.Ids;
import io.meterline.server.store.Database;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * What an operator polls: {@code /ready} answers 200 once the database answers a query (503
 * otherwise, within two seconds), {@code /metrics} the Prometheus text format.
 */
public final class OperatorEndpoints implements Handler {
  private static final byte[] READY = "{\"status\":\"ready\"}".getBytes(StandardCharsets.UTF_8);

  private final Database db;
  private final PrometheusMeterRegistry registry;
  private final Executor blocking;

  public OperatorEndpoints(Database db, PrometheusMeterRegistry registry, Executor blocking) {
    this.db = db;
    this.registry = registry;
    this.blocking = blocking;
  }

  @Override
  public CompletableFuture<HttpReply> handle(HttpRequestView request) {
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
    return CompletableFuture.supplyAsync(
            () ->
                db.read(
                    c -> {
                      try (var s = c.createStatement()) {
                        s.execute("SELECT 1");
                      }
                      return HttpReply.of(200, HttpReply.JSON, READY, Ids.uuid());
                    }),
            blocking)
        .completeOnTimeout(notReady("the database did not answer within 2 s"), 2, TimeUnit.SECONDS)
        .exceptionally(e -> notReady("the database is unreachable: " + e.getMessage()));
  }

  private static HttpReply notReady(String why) {
    return HttpReply.of(
        503,
        HttpReply.JSON,
        ("{\"status\":\"not ready\",\"reason\":\"" + why.replace("\"", "'") + "\"}")
            .getBytes(StandardCharsets.UTF_8),
        Ids.uuid());
  }
}
