package io.meterline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.bench.MeterUsageRequests.TaskCredentials;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Creates what the benchmark meters against through the server's admin API: one custom-pricing
 * product with the most dimensions AWS allows, a few subscribed buyers, and tasks with their
 * temporary credentials. Products and tasks are new in every run; buyer accounts that a server kept
 * from an earlier run are reused as they are.
 */
final class Fixtures {
  static final int DIMENSIONS = 24;
  static final String SELLER = "111122223333";
  private static final int BUYERS = 8;
  private static final int PARALLEL_CALLS = 8;

  private final Admin admin;
  private final List<String> buyers = new ArrayList<>();

  Fixtures(Admin admin) {
    this.admin = admin;
  }

  /** The dimension names: Dim01 … Dim24. */
  static List<String> dimensions() {
    List<String> names = new ArrayList<>(DIMENSIONS);
    for (int i = 1; i <= DIMENSIONS; i++) {
      names.add(String.format("Dim%02d", i));
    }
    return names;
  }

  /** Creates the product and the subscribed buyers; returns the product code. */
  String createProductAndBuyers() throws IOException, InterruptedException {
    return subscribeBuyers(createCustomProduct());
  }

  /** Creates a custom-pricing container product with {@link #dimensions()}; returns its code. */
  String createCustomProduct() throws IOException, InterruptedException {
    return createCustomProduct(false);
  }

  /**
   * Creates a custom-pricing product with {@link #dimensions()}, a SaaS one (metered with
   * BatchMeterUsage) or a container one; returns its code.
   */
  String createCustomProduct(boolean saas) throws IOException, InterruptedException {
    List<Map<String, Object>> dims = new ArrayList<>();
    for (String name : dimensions()) {
      dims.add(Map.of("name", name, "price", "0.01"));
    }
    Map<String, Object> product = new LinkedHashMap<>();
    product.put("name", "meterline-bench");
    product.put("pricing", "CUSTOM");
    product.put("dimensions", dims);
    product.put("sellerAccountId", SELLER);
    product.put("saas", saas);
    return post("/admin/v1/products", product).path("productCode").asText();
  }

  /**
   * Creates an hourly-priced container product and the subscribed buyers; returns the product code.
   * Tasks created afterwards run for those buyers.
   */
  String createHourlyProductAndBuyers() throws IOException, InterruptedException {
    return subscribeBuyers(
        post(
                "/admin/v1/products",
                Map.of(
                    "name",
                    "meterline-bench-hourly",
                    "pricing",
                    "HOURLY",
                    "hourlyPrice",
                    "0.50",
                    "sellerAccountId",
                    SELLER))
            .path("productCode")
            .asText());
  }

  /** Creates the buyers and subscribes them to the product; returns its code. */
  private String subscribeBuyers(String productCode) throws IOException, InterruptedException {
    for (int i = 0; i < BUYERS; i++) {
      String account = String.format("2000000000%02d", i);
      createBuyer(account);
      post("/admin/v1/subscriptions", Map.of("productCode", productCode, "awsAccountId", account));
      buyers.add(account);
    }
    return productCode;
  }

  /**
   * Creates {@code count} buyer accounts (3…, numbered from {@code from}), each subscribed to every
   * product, {@value #PARALLEL_CALLS} calls at a time; returns the account ids.
   */
  List<String> createCustomers(List<String> productCodes, int from, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_CALLS);
    try {
      List<Future<String>> pending = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String account = String.format("3%011d", from + i);
        pending.add(
            pool.submit(
                () -> {
                  createBuyer(account);
                  for (String code : productCodes) {
                    post(
                        "/admin/v1/subscriptions",
                        Map.of("productCode", code, "awsAccountId", account));
                  }
                  return account;
                }));
      }
      List<String> accounts = new ArrayList<>(count);
      for (Future<String> f : pending) {
        accounts.add(f.get());
      }
      return accounts;
    } finally {
      pool.shutdownNow();
    }
  }

  /** A long-term SELLER access key of the products' seller, as BatchMeterUsage is signed with. */
  TaskCredentials sellerKey() throws IOException, InterruptedException {
    JsonNode key = post("/admin/v1/access-keys", Map.of("awsAccountId", SELLER, "kind", "SELLER"));
    return new TaskCredentials(
        "seller", key.path("accessKeyId").asText(), key.path("secretAccessKey").asText(), null);
  }

  /**
   * Sets the service clock of a server started with a test clock.
   *
   * @throws Admin.Refused with status 409 when the server's clock follows real time
   */
  void setClock(Instant now) throws IOException, InterruptedException {
    admin.put("/admin/v1/clock", Map.of("now", now.toString()));
  }

  /** Creates a buyer account, or leaves one the server has already as it is. */
  private void createBuyer(String account) throws IOException, InterruptedException {
    try {
      post("/admin/v1/buyers", Map.of("awsAccountId", account));
    } catch (Admin.Refused e) {
      if (e.status() != 409) {
        throw e;
      }
    }
  }

  /**
   * Starts {@code count} Fargate tasks spread over the buyers, {@value #PARALLEL_CALLS} calls at a
   * time.
   */
  List<TaskCredentials> createTasks(int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_CALLS);
    try {
      List<Future<TaskCredentials>> pending = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String account = buyers.get(i % buyers.size());
        pending.add(pool.submit(() -> createTask(account)));
      }
      List<TaskCredentials> tasks = new ArrayList<>(count);
      for (Future<TaskCredentials> f : pending) {
        tasks.add(f.get());
      }
      return tasks;
    } finally {
      pool.shutdownNow();
    }
  }

  private TaskCredentials createTask(String account) throws IOException, InterruptedException {
    JsonNode task =
        post(
            "/admin/v1/tasks",
            Map.of(
                "awsAccountId",
                account,
                "region",
                MeterUsageRequests.REGION,
                "platform",
                "FARGATE"));
    JsonNode c = task.path("credentials");
    return new TaskCredentials(
        task.path("taskId").asText(),
        c.path("accessKeyId").asText(),
        c.path("secretAccessKey").asText(),
        c.path("sessionToken").asText());
  }

  private JsonNode post(String path, Object body) throws IOException, InterruptedException {
    return admin.post(path, body);
  }
}
