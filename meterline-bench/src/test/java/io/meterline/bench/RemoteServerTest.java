package io.meterline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.meterline.server.domain.UsageSource;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RemoteServerTest {
  private HttpServer http;

  @AfterEach
  void stop() {
    if (http != null) {
      http.stop(0);
    }
  }

  @Test
  void ledgerRows_followsNextTokenToTheLastPage_andCountsOnlyTheOperation() throws Exception {
    List<String> asked = new ArrayList<>();
    RemoteServer server =
        serve(
            query -> {
              asked.add(query);
              if (!query.contains("nextToken")) {
                return page(1000, "METER_USAGE", "t1");
              }
              return query.endsWith("nextToken=t1")
                  ? page(1000, "METER_USAGE", "t%2B2")
                  : page(7, "BATCH_METER_USAGE", null);
            });

    ServerUnderTest.LedgerRows rows = server.ledgerRows(UsageSource.METER_USAGE, List.of("prod-1"));

    assertThat(rows).isEqualTo(new ServerUnderTest.LedgerRows(2000, null));
    assertThat(asked)
        .containsExactly(
            "productCode=prod-1&limit=1000",
            "productCode=prod-1&limit=1000&nextToken=t1",
            "productCode=prod-1&limit=1000&nextToken=t%252B2");
  }

  @Test
  void ledgerRows_fullPageWithoutNextToken_saysTheCountMayStopThere() throws Exception {
    RemoteServer server = serve(query -> page(1000, "METER_USAGE", null));

    ServerUnderTest.LedgerRows rows = server.ledgerRows(UsageSource.METER_USAGE, List.of("p"));

    assertThat(rows.count()).isEqualTo(1000);
    assertThat(rows.caveat()).contains("without a nextToken");
  }

  @Test
  void batchSizes_readsCountAndSumOfTheCommitBatchSummary() {
    String metrics =
        """
        # HELP meterline_commit_batch_size jobs committed per transaction (group commit)
        # TYPE meterline_commit_batch_size summary
        meterline_commit_batch_size{quantile="0.5"} 16.0
        meterline_commit_batch_size_count 120.0
        meterline_commit_batch_size_sum 2400.0
        meterline_commit_batch_size_max 64.0
        """;

    assertThat(RemoteServer.batchSizes(metrics)).containsExactly(120.0, 2400.0);
  }

  /** A page of {@code n} records of one source, with a nextToken or none. */
  private static String page(int n, String source, String nextToken) {
    StringBuilder b = new StringBuilder("{\"records\":[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("{\"source\":\"").append(source).append("\"}");
    }
    b.append(']');
    if (nextToken != null) {
      b.append(",\"nextToken\":\"").append(nextToken).append('"');
    }
    return b.append('}').toString();
  }

  /** A fake admin API: the clock of a test-clock server, and usage pages by raw query. */
  private RemoteServer serve(Function<String, String> usage) throws Exception {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    Map<String, Function<String, String>> routes =
        Map.of(
            "/admin/v1/clock",
            q -> "{\"now\":\"2026-01-01T00:00:00Z\",\"testClock\":true}",
            "/admin/v1/usage",
            usage);
    http.createContext(
        "/",
        exchange -> {
          Function<String, String> route = routes.get(exchange.getRequestURI().getPath());
          byte[] body =
              (route == null ? "{}" : route.apply(exchange.getRequestURI().getRawQuery()))
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(route == null ? 404 : 200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    http.start();
    URI uri = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/");
    return RemoteServer.connect(uri, "token");
  }
}
