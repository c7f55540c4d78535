package io.meterline.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.auth.EndpointKey;
import io.meterline.server.auth.MasterKey;
import io.meterline.server.domain.Ids;
import io.meterline.server.exchange.Handler;
import io.meterline.server.exchange.HttpReply;
import io.meterline.server.exchange.HttpRequestView;
import io.meterline.server.exchange.Unexpected;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control plane: JSON over HTTP under {@code /admin/v1}, behind a bearer token (SPEC §3).
 * Requests run on their own executor, since they read and write the database synchronously.
 */
public final class AdminApi implements Handler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "/admin/v1";

  /**
   * One route: method, path pattern (groups are path parameters), the query parameters it takes,
   * status on success.
   */
  private record Route(
      String method,
      String template,
      Pattern path,
      Set<String> parameters,
      int status,
      Action action) {}

  @FunctionalInterface
  private interface Action {
    Object run(Matcher path, HttpRequestView request, Map<String, String> query);
  }

  private final byte[] token;
  private final String tokenHint;
  private final Executor executor;
  private final byte[] openApi;
  private final List<Route> routes;

  /**
   * The admin API over the given context.
   *
   * @param adminToken the bearer token every request must carry
   */
  public AdminApi(
      String adminToken,
      String adminTokenHint,
      AdminContext ctx,
      MasterKey masterKey,
      EndpointKey endpointKey,
      Executor executor) {
    this.token = adminToken.getBytes(StandardCharsets.UTF_8);
    this.tokenHint =
        adminTokenHint != null
            ? adminTokenHint
            : "serve prints it, and writes it to server.json in its data directory";
    this.executor = executor;
    this.openApi = resource("admin/openapi.json");
    ProductsAdmin products = new ProductsAdmin(ctx);
    AccountsAdmin accounts = new AccountsAdmin(ctx, masterKey);
    SubscriptionsAdmin subscriptions = new SubscriptionsAdmin(ctx);
    TasksAdmin tasks = new TasksAdmin(ctx);
    UsageAdmin usage = new UsageAdmin(ctx);
    OperationsAdmin operations = new OperationsAdmin(ctx);
    InvoicesAdmin invoices = new InvoicesAdmin(ctx);
    ReportsAdmin reports = new ReportsAdmin(ctx);
    CallsAdmin calls = new CallsAdmin(ctx);
    NotificationsAdmin notifications = new NotificationsAdmin(ctx);
    Set<String> paged = Set.of("limit", "nextToken");
    this.routes =
        List.of(
            route("POST", "/products", 201, (p, r, q) -> products.create(body(r))),
            route("GET", "/products", paged, 200, (p, r, q) -> products.list(q)),
            route("GET", "/products/([^/]+)", 200, (p, r, q) -> products.get(p.group(1))),
            route(
                "PUT",
                "/products/([^/]+)/prices",
                200,
                (p, r, q) -> products.changePrices(p.group(1), body(r))),
            route(
                "POST",
                "/products/([^/]+)/keys/rotate",
                200,
                bodiless((p, r, q) -> products.rotateKey(p.group(1)))),
            route(
                "PUT",
                "/products/([^/]+)/notifications",
                200,
                (p, r, q) -> notifications.set(p.group(1), body(r))),
            route(
                "GET",
                "/products/([^/]+)/notifications",
                200,
                (p, r, q) -> notifications.get(p.group(1))),
            route(
                "DELETE",
                "/products/([^/]+)/notifications",
                200,
                bodiless((p, r, q) -> notifications.clear(p.group(1)))),
            route(
                "GET",
                "/notifications/deliveries",
                with(Set.of("limit"), "productCode"),
                200,
                (p, r, q) -> notifications.deliveries(q)),
            route("POST", "/buyers", 201, (p, r, q) -> accounts.createBuyer(body(r))),
            route("GET", "/buyers", paged, 200, (p, r, q) -> accounts.listBuyers(q)),
            route("GET", "/buyers/([^/]+)", 200, (p, r, q) -> accounts.getBuyer(p.group(1))),
            route("POST", "/access-keys", 201, (p, r, q) -> accounts.createAccessKey(body(r))),
            route("POST", "/subscriptions", 201, (p, r, q) -> subscriptions.create(body(r))),
            route(
                "GET",
                "/subscriptions",
                with(paged, "productCode", "awsAccountId", "status"),
                200,
                (p, r, q) -> subscriptions.list(q)),
            route("GET", "/subscriptions/([^/]+)", 200, (p, r, q) -> subscriptions.get(p.group(1))),
            route(
                "PUT",
                "/subscriptions/([^/]+)/contract",
                200,
                (p, r, q) -> subscriptions.amendContract(p.group(1), body(r))),
            route(
                "DELETE",
                "/subscriptions/([^/]+)",
                200,
                bodiless((p, r, q) -> subscriptions.end(p.group(1)))),
            route("POST", "/tasks", 201, (p, r, q) -> tasks.create(body(r))),
            route(
                "GET",
                "/tasks",
                with(paged, "awsAccountId", "productCode", "status"),
                200,
                (p, r, q) -> tasks.list(q)),
            route("GET", "/tasks/([^/]+)", 200, (p, r, q) -> tasks.get(p.group(1))),
            route("DELETE", "/tasks/([^/]+)", 200, bodiless((p, r, q) -> tasks.stop(p.group(1)))),
            route(
                "POST",
                "/tasks/([^/]+)/credentials",
                200,
                bodiless((p, r, q) -> tasks.refreshCredentials(p.group(1)))),
            route(
                "GET",
                "/usage",
                with(paged, "productCode", "awsAccountId", "from", "to"),
                200,
                (p, r, q) -> usage.query(q)),
            route(
                "GET",
                "/invoices",
                with(paged, "awsAccountId", "month", "format"),
                200,
                (p, r, q) -> invoices.get(r, q)),
            route(
                "GET",
                "/reports/daily-subscribers",
                Set.of("date", "sellerAccountId"),
                200,
                (p, r, q) -> reports.dailySubscribers(q)),
            route(
                "GET",
                "/reports/daily-usage",
                Set.of("date", "sellerAccountId"),
                200,
                (p, r, q) -> reports.dailyUsage(q)),
            route(
                "GET",
                "/reports/monthly-billed-revenue",
                Set.of("month", "sellerAccountId"),
                200,
                (p, r, q) -> reports.monthlyBilledRevenue(q)),
            route(
                "GET",
                "/calls",
                Set.of("productCode", "awsAccountId", "operation", "outcome", "limit"),
                200,
                (p, r, q) -> calls.list(q)),
            route(
                "GET",
                "/usage/summary",
                Set.of("productCode", "awsAccountId", "from", "to"),
                200,
                (p, r, q) -> usage.summary(q)),
            route("GET", "/faults", 200, (p, r, q) -> operations.faults()),
            route("PUT", "/faults", 200, (p, r, q) -> operations.setFault(body(r))),
            route("DELETE", "/faults", 200, bodiless((p, r, q) -> operations.clearFaults())),
            route("GET", "/clock", 200, (p, r, q) -> operations.clock()),
            route("PUT", "/clock", 200, (p, r, q) -> operations.setClock(body(r))),
            route("GET", "/endpoint-key", 200, (p, r, q) -> endpointKeyView(endpointKey)),
            route("GET", "/openapi.json", 200, (p, r, q) -> openApi));
  }

  /** The public half of the endpoint key, for the seller to ship inside its product. */
  private static Map<String, Object> endpointKeyView(EndpointKey key) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("algorithm", "Ed25519");
    view.put("keyId", key.keyId());
    view.put("publicKeyPem", key.publicKeyPem());
    view.put("source", key.source());
    return view;
  }

  private static Route route(String method, String path, int status, Action action) {
    return route(method, path, Set.of(), status, action);
  }

  private static Route route(
      String method, String path, Set<String> parameters, int status, Action action) {
    return new Route(
        method,
        PREFIX + path,
        Pattern.compile(Pattern.quote(PREFIX) + path),
        parameters,
        status,
        action);
  }

  private static Set<String> with(Set<String> some, String... more) {
    Set<String> all = new TreeSet<>(some);
    all.addAll(List.of(more));
    return Set.copyOf(all);
  }

  /**
   * Every route as "METHOD /admin/v1/path", path parameters written {@code {}}: what the OpenAPI
   * document must describe.
   */
  public List<String> describeRoutes() {
    return routes.stream()
        .map(r -> r.method() + " " + r.template().replace("([^/]+)", "{}"))
        .toList();
  }

  @Override
  public CompletableFuture<HttpReply> handle(HttpRequestView request) {
    String requestId = Ids.uuid();
    try {
      return CompletableFuture.supplyAsync(() -> answer(request, requestId), executor)
          .exceptionally(e -> internal(request, requestId, e));
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          error(
              503, "unavailable", "the admin API is at capacity; retry shortly", null, requestId));
    }
  }

  private HttpReply answer(HttpRequestView request, String requestId) {
    try {
      authorize(request);
      QueryStringDecoder uri = new QueryStringDecoder(request.rawPath() + "?" + request.rawQuery());
      String path = uri.path();
      boolean pathExists = false;
      for (Route route : routes) {
        Matcher m = route.path().matcher(path);
        if (!m.matches()) {
          continue;
        }
        pathExists = true;
        if (route.method().equals(request.method())) {
          requireKnown(route, uri.parameters().keySet());
          Object result = route.action().run(m, request, firstValues(uri));
          if (result instanceof Csv csv) {
            return HttpReply.of(
                route.status(),
                "text/csv; charset=utf-8",
                csv.text().getBytes(StandardCharsets.UTF_8),
                requestId);
          }
          return result instanceof byte[] bytes
              ? HttpReply.of(route.status(), HttpReply.JSON, bytes, requestId)
              : HttpReply.of(
                  route.status(), HttpReply.JSON, JSON.writeValueAsBytes(result), requestId);
        }
      }
      throw pathExists
          ? AdminException.methodNotAllowed(request.method() + " is not allowed on " + path)
          : AdminException.notFound(
              null, "no admin resource at " + path + "; see GET /admin/v1/openapi.json");
    } catch (AdminException e) {
      return error(e.status(), e.error(), e.getMessage(), e.field(), requestId);
    } catch (AdminContext.AdminBusyException e) {
      return error(503, "unavailable", e.getMessage(), null, requestId);
    } catch (JsonProcessingException | RuntimeException e) {
      return internal(request, requestId, e);
    }
  }

  private static HttpReply internal(HttpRequestView request, String requestId, Throwable e) {
    return error(
        500, "internal", Unexpected.report("admin", request, requestId, e), null, requestId);
  }

  private void authorize(HttpRequestView request) {
    String header = request.header("authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw AdminException.unauthorized(
          "send the admin token as 'Authorization: Bearer <token>' (" + tokenHint + ")");
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, token)) {
      throw AdminException.unauthorized("the admin token is wrong (" + tokenHint + ")");
    }
  }

  // A typo in a parameter must not pass silently as "no filter".
  private static void requireKnown(Route route, Set<String> names) {
    for (String name : names) {
      if (!route.parameters().contains(name)) {
        throw AdminException.badField(
            name,
            "unknown query parameter \""
                + Body.clip(name)
                + "\"; "
                + route.method()
                + " "
                + route.template().replace("([^/]+)", "{}")
                + (route.parameters().isEmpty()
                    ? " takes none"
                    : " takes " + String.join(", ", new TreeSet<>(route.parameters()))));
      }
    }
  }

  private static Body body(HttpRequestView request) {
    return Body.parse(request.body());
  }

  /** An action that takes no body: any member in one is refused, as in every other body. */
  private static Action bodiless(Action action) {
    return (path, request, query) -> {
      Body.parse(request.body()).only();
      return action.run(path, request, query);
    };
  }

  private static Map<String, String> firstValues(QueryStringDecoder uri) {
    Map<String, String> params = new LinkedHashMap<>();
    uri.parameters()
        .forEach(
            (k, v) -> {
              if (!v.isEmpty() && !v.get(0).isEmpty()) {
                params.put(k, v.get(0));
              }
            });
    return params;
  }

  private static HttpReply error(
      int status, String error, String message, String field, String requestId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("message", message);
    if (field != null) {
      body.put("field", field);
    }
    try {
      return HttpReply.of(status, HttpReply.JSON, JSON.writeValueAsBytes(body), requestId);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serializes", e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = AdminApi.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource missing: " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
