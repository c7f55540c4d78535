package io.meterline.server.http;

import io.meterline.server.auth.Ids;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Sends each request where it belongs: {@code /admin/...} to the control plane, {@code /health}
 * answers itself, everything else is the metering API.
 */
public final class Dispatcher implements Handler {
  private static final byte[] HEALTHY = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

  private final Handler admin;
  private final Handler dataPlane;

  public Dispatcher(Handler admin, Handler dataPlane) {
    this.admin = admin;
    this.dataPlane = dataPlane;
  }

  @Override
  public CompletableFuture<HttpReply> handle(HttpRequestView request) {
    String path = request.rawPath();
    if (path.startsWith("/admin/") || path.equals("/admin")) {
      return admin.handle(request);
    }
    if (path.equals("/health") && "GET".equals(request.method())) {
      return CompletableFuture.completedFuture(
          HttpReply.of(200, HttpReply.JSON, HEALTHY, Ids.uuid()));
    }
    return dataPlane.handle(request);
  }
}
