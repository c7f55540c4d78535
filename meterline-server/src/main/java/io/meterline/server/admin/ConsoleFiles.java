package io.meterline.server.admin;

import io.meterline.server.domain.Ids;
import io.meterline.server.exchange.Handler;
import io.meterline.server.exchange.HttpReply;
import io.meterline.server.exchange.HttpRequestView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The console's files (SPEC §3.4): a page and its script and styles, and the charting library from
 * its WebJar, all read from the jar once; nothing is fetched from elsewhere at run time. The page
 * holds no data: everything it shows comes from the admin API, with the admin token the user gives
 * it, which it keeps in the tab's session storage only.
 */
public final class ConsoleFiles implements Handler {
  /** Where the console is served. */
  public static final String PREFIX = "/console";

  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
  // Only the server's own scripts and styles run: no inline script, nothing from elsewhere.
  private static final Map<String, String> HEADERS =
      Map.of(
          "Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
          "X-Content-Type-Options",
          "nosniff",
          "Referrer-Policy",
          "no-referrer",
          "Cache-Control",
          "no-cache");

  private record File(String contentType, byte[] bytes) {}

  private final Map<String, File> files =
      Map.of(
          "/", file("text/html; charset=utf-8", "console/index.html"),
          "/console.js", file("text/javascript; charset=utf-8", "console/console.js"),
          "/console.css", file("text/css; charset=utf-8", "console/console.css"),
          "/vendor/uPlot.iife.min.js",
              file("text/javascript; charset=utf-8", UPLOT + "uPlot.iife.min.js"),
          "/vendor/uPlot.min.css", file("text/css; charset=utf-8", UPLOT + "uPlot.min.css"));

  @Override
  public CompletableFuture<HttpReply> handle(HttpRequestView request) {
    String path = request.rawPath().substring(PREFIX.length());
    File f = files.get(path.isEmpty() ? "/" : path);
    HttpReply reply;
    if (f == null) {
      reply = text(404, "no console file at " + request.rawPath());
    } else if (!"GET".equals(request.method()) && !"HEAD".equals(request.method())) {
      reply = text(405, request.method() + " is not allowed on " + request.rawPath());
    } else {
      reply = new HttpReply(200, f.contentType(), f.bytes(), HEADERS, Ids.uuid());
    }
    return CompletableFuture.completedFuture(reply);
  }

  private static HttpReply text(int status, String message) {
    return new HttpReply(
        status,
        "text/plain; charset=utf-8",
        message.getBytes(StandardCharsets.UTF_8),
        HEADERS,
        Ids.uuid());
  }

  private static File file(String contentType, String resource) {
    try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the console resource " + resource + " is missing");
      }
      return new File(contentType, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource, e);
    }
  }
}
