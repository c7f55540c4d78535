package io.meterline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.Meterline;
import io.meterline.server.MeterlineServer;
import io.meterline.server.config.ServerConfig;
import io.meterline.server.domain.DedupKey;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.LedgerEntry;
import io.meterline.server.domain.UsageSource;
import io.meterline.server.store.UsageRecordsTable;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * What comes on top of the data plane (SPEC §6, the last targets): a closed month of 1,000 buyers
 * with 1 M ledger rows on SQLite, and the time the admin API takes for every invoice of it, for one
 * buyer's, for list and usage pages at any depth, for the console's first page and for a month's
 * usage chart.
 *
 * <p>The buyers and their subscriptions are made through the admin API; the ledger rows are written
 * straight into the server's database (as BatchMeterUsage would write them, 1,000 per transaction),
 * since what is measured is reading them, not writing them. Every call is timed from this process
 * over HTTP, one at a time, after a warm-up of the same calls.
 */
final class BillingScenario {
  static final int BUYERS = 1_000;
  private static final int PRODUCTS = 8;
  private static final int DIMENSIONS = 5;
  // 1,000 buyers × 8 products × 5 dimensions × 25 hours = 1,000,000 rows.
  private static final int HOURS = 25;
  private static final int HOUR_STRIDE = 29;
  private static final int SAMPLES = 200;
  private static final int PARALLEL_CALLS = 8;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Consumer<String> log;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  BillingScenario(Consumer<String> log) {
    this.log = log;
  }

  /** Each figure beside its target. */
  record Outcome(List<Report.Absolute> absolutes, List<String> notes) {}

  /** Latencies of a kind of call, in milliseconds. */
  record Timings(String what, double[] millis) {
    double p50() {
      return percentile(0.50);
    }

    double p99() {
      return percentile(0.99);
    }

    double max() {
      return percentile(1.0);
    }

    private double percentile(double p) {
      double[] sorted = millis.clone();
      Arrays.sort(sorted);
      return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "%s: %d calls, p50 %.1f ms, p99 %.1f ms, max %.1f ms",
          what,
          millis.length,
          p50(),
          p99(),
          max());
    }
  }

  Outcome run(Path dataDir) throws Exception {
    YearMonth month = YearMonth.now(ZoneOffset.UTC).minusMonths(1);
    Instant monthStart = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant monthEnd = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    ServerConfig config =
        ServerConfig.builder(dataDir)
            .port(0)
            .adminToken("bench-admin-token")
            .testClock(true)
            .build();
    try (MeterlineServer server = Meterline.start(config)) {
      Admin admin = new Admin(server.endpoint(), server.adminToken());
      long t0 = System.nanoTime();
      // Everything exists before the month begins, so every hour of it is billed.
      admin.put("/admin/v1/clock", Map.of("now", monthStart.minus(Duration.ofDays(1)).toString()));
      List<String> products = products(admin);
      List<String> buyers = buyers(admin, products);
      long t1 = System.nanoTime();
      long rows = fill(server, buyers, products, monthStart);
      long t2 = System.nanoTime();
      // The month is over and its late windows closed: the invoices are final.
      admin.put("/admin/v1/clock", Map.of("now", monthEnd.plus(Duration.ofDays(1)).toString()));
      log.accept(
          String.format(
              Locale.ROOT,
              "  %,d buyers subscribed to %d products in %.1f s; %,d ledger rows written in %.1f s",
              buyers.size(),
              products.size(),
              (t1 - t0) / 1e9,
              rows,
              (t2 - t1) / 1e9));

      URI base = server.endpoint();
      String token = server.adminToken();
      List<Report.Absolute> absolutes = new ArrayList<>();
      List<String> notes = new ArrayList<>();

      String allInvoices = "/admin/v1/invoices?month=" + month + "&limit=1000";
      get(base, token, allInvoices); // warm-up
      Timings all =
          times(
              "every invoice of the month (1 call)",
              base,
              token,
              List.of(allInvoices, allInvoices, allInvoices));
      JsonNode page = JSON.readTree(get(base, token, allInvoices));
      boolean complete = page.path("items").size() == BUYERS && !page.has("nextToken");
      absolutes.add(
          new Report.Absolute(
              "invoices: all 1,000 of a 1 M-row month (worst of 3)",
              ms(all.max()),
              "<= 5,000 ms",
              all.max() <= 5_000,
              complete));

      List<String> one = new ArrayList<>();
      for (int i = 0; i < SAMPLES; i++) {
        one.add(
            "/admin/v1/invoices?month="
                + month
                + "&awsAccountId="
                + buyers.get(ThreadLocalRandom.current().nextInt(buyers.size())));
      }
      times("warm-up", base, token, one.subList(0, 50));
      Timings buyer = times("one buyer's invoice", base, token, one);
      absolutes.add(
          new Report.Absolute(
              "invoices: one buyer's (p99 of " + SAMPLES + ")",
              ms(buyer.p99()),
              "<= 50 ms",
              buyer.p99() <= 50,
              true));

      Timings usagePages = walk(base, token, "/admin/v1/usage?limit=1000", "records");
      Timings subscriptionPages = walk(base, token, "/admin/v1/subscriptions?limit=1000", "items");
      Timings buyerPages = walk(base, token, "/admin/v1/buyers?limit=100", "items");
      double worstPage =
          Math.max(usagePages.max(), Math.max(subscriptionPages.max(), buyerPages.max()));
      absolutes.add(
          new Report.Absolute(
              "list and usage pages at any depth (worst page)",
              ms(worstPage),
              "<= 50 ms",
              worstPage <= 50,
              usagePages.millis().length >= 1_000));

      Timings firstPage = firstPage(base, token);
      absolutes.add(
          new Report.Absolute(
              "console: first page ready (worst of " + firstPage.millis().length + ")",
              ms(firstPage.max()),
              "<= 1,000 ms",
              firstPage.max() <= 1_000,
              true));

      List<String> charts = new ArrayList<>();
      for (String p : products) {
        charts.add(
            "/admin/v1/usage/summary?productCode=" + p + "&from=" + monthStart + "&to=" + monthEnd);
      }
      times("warm-up", base, token, charts);
      Timings chart = times("a product's usage chart for the month", base, token, charts);
      String everything = "/admin/v1/usage/summary?from=" + monthStart + "&to=" + monthEnd;
      Timings chartAll =
          times(
              "the usage chart of every product (1 M rows)",
              base,
              token,
              List.of(everything, everything, everything));
      absolutes.add(
          new Report.Absolute(
              "console: a product's usage chart for a month (worst of " + PRODUCTS + ")",
              ms(chart.max()),
              "<= 300 ms",
              chart.max() <= 300,
              true));

      for (Timings t :
          List.of(
              all, buyer, usagePages, subscriptionPages, buyerPages, firstPage, chart, chartAll)) {
        notes.add(t.describe());
      }
      return new Outcome(absolutes, notes);
    }
  }

  /** SaaS products (BatchMeterUsage's), each with {@value #DIMENSIONS} priced dimensions. */
  private static List<String> products(Admin admin) throws Exception {
    List<String> codes = new ArrayList<>();
    for (int p = 0; p < PRODUCTS; p++) {
      List<Map<String, Object>> dims = new ArrayList<>();
      for (int d = 0; d < DIMENSIONS; d++) {
        dims.add(Map.of("name", "Dim" + d, "price", "0.0" + (d + 1)));
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", "meterline-bench billing " + p);
      body.put("pricing", "CUSTOM");
      body.put("saas", true);
      body.put("sellerAccountId", Fixtures.SELLER);
      body.put("dimensions", dims);
      codes.add(admin.post("/admin/v1/products", body).path("productCode").asText());
    }
    return codes;
  }

  /** The buyers, each subscribed to every product, {@value #PARALLEL_CALLS} calls at a time. */
  private static List<String> buyers(Admin admin, List<String> products) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_CALLS);
    try {
      List<Future<String>> pending = new ArrayList<>();
      for (int i = 0; i < BUYERS; i++) {
        String account = String.format("5%011d", i);
        pending.add(
            pool.submit(
                () -> {
                  admin.post("/admin/v1/buyers", Map.of("awsAccountId", account));
                  for (String p : products) {
                    admin.post(
                        "/admin/v1/subscriptions",
                        Map.of("productCode", p, "awsAccountId", account));
                  }
                  return account;
                }));
      }
      List<String> accounts = new ArrayList<>();
      for (Future<String> f : pending) {
        accounts.add(f.get());
      }
      return accounts;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The month's ledger: for every buyer, product and dimension, {@value #HOURS} hours spread over
   * the month; written as BatchMeterUsage writes them.
   */
  private static long fill(
      MeterlineServer server, List<String> buyers, List<String> products, Instant monthStart) {
    UsageRecordsTable usage = new UsageRecordsTable();
    List<LedgerEntry> batch = new ArrayList<>(1_000);
    long written = 0;
    for (String buyer : buyers) {
      for (String product : products) {
        for (int d = 0; d < DIMENSIONS; d++) {
          for (int h = 0; h < HOURS; h++) {
            Instant hour = monthStart.plus(Duration.ofHours((long) h * HOUR_STRIDE));
            long quantity = 1 + ThreadLocalRandom.current().nextInt(100);
            batch.add(
                new LedgerEntry(
                    Ids.recordId(),
                    new DedupKey("customer/" + buyer, product, "Dim" + d, hour),
                    buyer,
                    quantity,
                    "q" + quantity,
                    null,
                    UsageSource.BATCH_METER_USAGE,
                    null,
                    hour.plusSeconds(60),
                    hour.plusSeconds(120)));
            if (batch.size() == 1_000) {
              written += write(server, usage, batch);
              batch = new ArrayList<>(1_000);
            }
          }
        }
      }
    }
    return written + write(server, usage, batch);
  }

  private static long write(
      MeterlineServer server, UsageRecordsTable usage, List<LedgerEntry> rows) {
    if (rows.isEmpty()) {
      return 0;
    }
    server.database().write(c -> usage.insertOrFind(c, rows)).join();
    return rows.size();
  }

  /** Every page of a list, following its tokens, twice; one timing per page of the second walk. */
  private Timings walk(URI base, String token, String first, String field) throws Exception {
    walkOnce(base, token, first, field); // warm-up
    return walkOnce(base, token, first, field);
  }

  private Timings walkOnce(URI base, String token, String first, String field) throws Exception {
    List<Double> millis = new ArrayList<>();
    String next = null;
    int items = 0;
    do {
      String path =
          first
              + (next == null
                  ? ""
                  : "&nextToken=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
      long t = System.nanoTime();
      JsonNode page = JSON.readTree(get(base, token, path));
      millis.add((System.nanoTime() - t) / 1e6);
      items += page.path(field).size();
      next = page.path("nextToken").asText(null);
    } while (next != null);
    return new Timings(
        String.format(Locale.ROOT, "%s (%,d items)", first, items),
        millis.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * The console's first page as a browser loads it: the page, then its script, styles and charting
   * library, then the overview's calls to the admin API, all at once as the page makes them; ten
   * times.
   */
  private Timings firstPage(URI base, String token) throws Exception {
    List<String> files =
        List.of(
            "/console/console.js",
            "/console/console.css",
            "/console/vendor/uPlot.iife.min.js",
            "/console/vendor/uPlot.min.css");
    List<String> overview =
        List.of(
            "/admin/v1/clock",
            "/admin/v1/products?limit=1000",
            "/admin/v1/buyers?limit=1000",
            "/admin/v1/subscriptions?status=ACTIVE&limit=1000",
            "/admin/v1/tasks?status=RUNNING&limit=1000",
            "/admin/v1/calls?limit=1000");
    double[] millis = new double[10];
    for (int i = 0; i < 12; i++) {
      long t = System.nanoTime();
      get(base, null, "/console");
      all(base, null, files);
      all(base, token, overview);
      if (i >= 2) {
        millis[i - 2] = (System.nanoTime() - t) / 1e6;
      }
    }
    return new Timings("console first page (page, 4 files, 6 API calls)", millis);
  }

  private void all(URI base, String token, List<String> paths) throws Exception {
    List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    for (String p : paths) {
      pending.add(http.sendAsync(request(base, token, p), HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> f : pending) {
      check(f.get());
    }
  }

  private Timings times(String what, URI base, String token, List<String> paths) throws Exception {
    double[] millis = new double[paths.size()];
    for (int i = 0; i < paths.size(); i++) {
      long t = System.nanoTime();
      get(base, token, paths.get(i));
      millis[i] = (System.nanoTime() - t) / 1e6;
    }
    return new Timings(what, millis);
  }

  private String get(URI base, String token, String path) throws Exception {
    return check(http.send(request(base, token, path), HttpResponse.BodyHandlers.ofString()))
        .body();
  }

  private static HttpRequest request(URI base, String token, String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  private static HttpResponse<String> check(HttpResponse<String> r) {
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          r.request().uri() + " answered " + r.statusCode() + ": " + r.body());
    }
    return r;
  }

  private static String ms(double millis) {
    return String.format(Locale.ROOT, "%,.1f ms", millis);
  }
}
