package io.meterline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.domain.UsageSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A Meterline server running in another process or on another machine ({@code --target}). What the
 * benchmark sees of it is what any client sees: the admin API, which creates the fixtures and pages
 * through the ledger, and {@code /metrics}, which tells how many jobs each transaction committed.
 */
final class RemoteServer implements ServerUnderTest {
  /** The largest page of {@code GET /admin/v1/usage}. */
  static final int PAGE = 1000;

  private static final String BATCH_SIZE = "meterline_commit_batch_size";

  private final InetSocketAddress address;
  private final String host;
  private final Admin admin;
  private final boolean testClock;

  private RemoteServer(URI target, Admin admin, boolean testClock) {
    this.address = new InetSocketAddress(target.getHost(), target.getPort());
    this.host = target.getHost() + ":" + target.getPort();
    this.admin = admin;
    this.testClock = testClock;
  }

  /**
   * Checks that the server answers its admin API with this token, and whether it runs on a test
   * clock.
   *
   * @throws BenchAbort when it cannot be reached or refuses the token
   */
  static RemoteServer connect(URI target, String adminToken) throws InterruptedException {
    Admin admin = new Admin(target, adminToken);
    try {
      JsonNode clock = admin.get("/admin/v1/clock");
      return new RemoteServer(target, admin, clock.path("testClock").asBoolean());
    } catch (Admin.Refused e) {
      throw new BenchAbort(
          e.status() == 401
              ? "the server at " + target + " refused --admin-token: " + e.getMessage()
              : "the server at " + target + " is not a Meterline server? " + e.getMessage());
    } catch (IOException e) {
      throw new BenchAbort("cannot reach the server at " + target + " (--target): " + e);
    }
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public Admin admin() {
    return admin;
  }

  @Override
  public boolean testClock() {
    return testClock;
  }

  /**
   * Jobs and transactions from {@code meterline_commit_batch_size} in {@code /metrics} before and
   * after; the queue depth, the time per transaction and the bytes written are visible only in
   * process.
   */
  @Override
  public WritePathWatch watchWritePath() {
    double[] before = batchSizes();
    return answered -> {
      double[] after = batchSizes();
      if (before == null || after == null) {
        return "write path: not watched, /metrics could not be read";
      }
      long transactions = Math.round(after[0] - before[0]);
      long jobs = Math.round(after[1] - before[1]);
      return String.format(
          Locale.ROOT,
          "write path during the measured run (with its ramp), from /metrics: %,d jobs in %,d"
              + " transactions (%.1f per commit); the queue depth, the time per transaction and"
              + " the bytes written are measured only with the server in this process",
          jobs,
          transactions,
          transactions == 0 ? 0.0 : (double) jobs / transactions);
    };
  }

  /** Count and sum of the commit batch sizes, or {@code null} when /metrics cannot be read. */
  private double[] batchSizes() {
    try {
      return batchSizes(admin.metrics());
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Count and sum of {@value #BATCH_SIZE} in a Prometheus text page; zeros when absent. */
  static double[] batchSizes(String metrics) {
    double[] countAndSum = new double[2];
    for (String line : metrics.split("\n")) {
      if (line.startsWith(BATCH_SIZE + "_count")) {
        countAndSum[0] += value(line);
      } else if (line.startsWith(BATCH_SIZE + "_sum")) {
        countAndSum[1] += value(line);
      }
    }
    return countAndSum;
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  /**
   * Pages through {@code GET /admin/v1/usage} for each product ({@value #PAGE} records a page,
   * following {@code nextToken} until a page comes without one) and counts the records of the
   * operation.
   */
  @Override
  public LedgerRows ledgerRows(UsageSource source, List<String> productCodes)
      throws IOException, InterruptedException {
    long rows = 0;
    String caveat = null;
    for (String product : productCodes) {
      String token = null;
      do {
        String query =
            "/admin/v1/usage?productCode="
                + encode(product)
                + "&limit="
                + PAGE
                + (token == null ? "" : "&nextToken=" + encode(token));
        JsonNode page = admin.get(query);
        JsonNode records = page.path("records");
        for (JsonNode r : records) {
          if (source.name().equals(r.path("source").asText())) {
            rows++;
          }
        }
        String next = page.path("nextToken").asText(null);
        if (next != null && next.equals(token)) {
          throw new IllegalStateException(
              "GET /admin/v1/usage answered the nextToken it was given: " + next);
        }
        if (next == null && records.size() >= PAGE) {
          caveat =
              "the server answered a full page of "
                  + records.size()
                  + " records without a nextToken: if it does not page GET /admin/v1/usage, the"
                  + " count stops at its first page";
        }
        token = next;
      } while (token != null);
    }
    return new LedgerRows(rows, caveat);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
