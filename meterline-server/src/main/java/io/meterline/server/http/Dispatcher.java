package io.meterline.server.http;

import io.meterline.server.domain.Ids;
import io.meterline.server.exchange.Handler;
import io.meterline.server.exchange.HttpReply;
import io.meterline.server.exchange.HttpRequestView;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Sends each request where it belongs: {@code /admin/...} to the control plane, {@code
 * /platform/...} to the platform endpoints, {@code /meterline/...} to the endpoint proof,
 * form-encoded POSTs to STS (which SDKs send to the endpoint's root, so the path cannot tell),
 * {@code /health} answers itself, everything else is the metering API.
 */
public final class Dispatcher implements Handler {
  private static final byte[] HEALTHY = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

  private final Handler admin;
  private final Handler platform;
  private final Handler sts;
  private final Handler dataPlane;
  private final Handler operations;
  private final Handler console;
  private final Handler endpointProof;

  /**
   * @param operations answers {@code /ready} and {@code /metrics}
   * @param console serves the console's files under {@code /console}
   * @param endpointProof answers {@code /meterline/...}: the proof that this is the seller's server
   */
  public Dispatcher(
      Handler admin,
      Handler platform,
      Handler sts,
      Handler dataPlane,
      Handler operations,
      Handler console,
      Handler endpointProof) {
    this.admin = admin;
    this.platform = platform;
    this.sts = sts;
    this.dataPlane = dataPlane;
    this.operations = operations;
    this.console = console;
    this.endpointProof = endpointProof;
  }

  /** Whether a path is the console's. */
  static boolean isConsole(String path) {
    return path.equals("/console") || path.startsWith("/console/");
  }

  /** Whether a request is an STS query-protocol call rather than a metering call. */
  static boolean isQueryProtocol(HttpRequestView request) {
    String type = request.header("content-type");
    return "POST".equals(request.method())
        && request.header("x-amz-target") == null
        && type != null
        && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
  }

  @Override
  public CompletableFuture<HttpReply> handle(HttpRequestView request) {
    String path = request.rawPath();
    if (path.startsWith("/admin/") || path.equals("/admin")) {
      return admin.handle(request);
    }
    if (path.startsWith("/platform/")) {
      return platform.handle(request);
    }
    if (isConsole(path)) {
      return console.handle(request);
    }
    if (path.startsWith("/meterline/")) {
      return endpointProof.handle(request);
    }
    if (isQueryProtocol(request)) {
      return sts.handle(request);
    }
    if ("GET".equals(request.method())) {
      if (path.equals("/health")) {
        return CompletableFuture.completedFuture(
            HttpReply.of(200, HttpReply.JSON, HEALTHY, Ids.uuid()));
      }
      if (path.equals("/ready") || path.equals("/metrics")) {
        return operations.handle(request);
      }
    }
    return dataPlane.handle(request);
  }
}
