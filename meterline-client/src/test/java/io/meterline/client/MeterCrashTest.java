package io.meterline.client;

import static io.meterline.client.Fixtures.REGION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a product that meters (SPEC §4 "a durable local spool (survives a crash)"): the
 * product ({@link CrashingProduct}, its own JVM, configured only by its task's environment) is
 * killed at random points while adding, restarted on the same spool in the same task, as a
 * container restarts in its pod, and finally closed; the ledger then holds every acknowledged unit
 * exactly once. The server runs on real time, as the product's clock does, except where a test
 * stands the product's clock still at its task's start to keep its usage in one hour.
 *
 * <p>{@code -Dmeterline.spool.kills=N} sets the number of kills (default 3, for a bounded build).
 */
class MeterCrashTest {
  private static final int KILLS = Integer.getInteger("meterline.spool.kills", 3);
  private static final String DIMENSION = "Units";
  private static final long TIMEOUT_SECONDS = 60;

  private static TestServer server;
  private static String code;
  private static String buyer;

  @TempDir Path spoolDir;
  @TempDir Path logs;
  private final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = TestServer.start(b -> b.testClock(false), Clock.systemUTC());
    code =
        server
            .admin()
            .customProduct(Fixtures.newAccountId(), DIMENSION)
            .get("productCode")
            .asText();
    buyer = Fixtures.newBuyer(server);
    server.admin().subscribe(code, buyer);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** A running product and the lines it printed. */
  private final class Product {
    private static final String EOF = "\u0000eof";
    final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private long lastAcked;

    Product(Map<String, String> taskEnvironment, String... mode) throws IOException {
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx128m",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrashingProduct.class.getName(),
                  spoolDir.toString(),
                  code,
                  DIMENSION));
      command.addAll(List.of(mode));
      ProcessBuilder pb = new ProcessBuilder(command);
      // The product sees only what its platform gives it, not this machine's AWS settings.
      pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("ECS_"));
      pb.environment().putAll(taskEnvironment);
      pb.redirectError(logs.resolve("product-" + started.size() + ".err").toFile());
      process = pb.start();
      started.add(process);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  // the process is gone
                } finally {
                  lines.add(EOF);
                }
              },
              "crashing-product-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    /** The next line printed, failing the test if none comes in time or the output ended. */
    String next() throws Exception {
      String line = lines.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (line == null || line.equals(EOF)) {
        throw new AssertionError("the product printed nothing more; its stderr: " + stderr());
      }
      noteAcked(line);
      return line;
    }

    private void noteAcked(String line) {
      if (line.startsWith("acked ")) {
        lastAcked = Math.max(lastAcked, Long.parseLong(line.substring(6)));
      }
    }

    /** Reads until {@code acked n} with n at least the target; returns n. */
    long ackedAtLeast(long target) throws Exception {
      while (true) {
        String line = next();
        if (line.startsWith("acked ") && Long.parseLong(line.substring(6)) >= target) {
          return Long.parseLong(line.substring(6));
        }
      }
    }

    /** kill -9 (if still running), then the highest acknowledged count it printed. */
    long killAndCountAcknowledged() throws Exception {
      // SIGKILL through the handle: Process.destroyForcibly() would also close our end of its
      // stdout and lose the lines still in the pipe.
      process.toHandle().destroyForcibly();
      assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
      for (String line = lines.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          line != null && !line.equals(EOF);
          line = lines.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        noteAcked(line);
      }
      return lastAcked;
    }

    private String stderr() throws IOException {
      Path err = logs.resolve("product-" + started.indexOf(process) + ".err");
      return Files.exists(err) ? Files.readString(err) : "(none)";
    }
  }

  private static Map<String, String> launchTask() {
    JsonNode task = server.admin().task(buyer, REGION, "FARGATE");
    Map<String, String> env = new java.util.HashMap<>();
    task.get("environment")
        .fields()
        .forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
    env.put("METERLINE_TASK_ID", task.get("taskId").asText());
    env.put(
        CrashingProduct.ENDPOINT_KEY_VARIABLE,
        server.admin().get("/endpoint-key").get("publicKeyPem").asText());
    return env;
  }

  /** When the task of this environment started, as the server recorded it. */
  private static String startedAt(Map<String, String> taskEnvironment) {
    return server
        .admin()
        .get("/tasks/" + taskEnvironment.get("METERLINE_TASK_ID"))
        .get("startedAt")
        .asText();
  }

  /** Every unit the spool holds, read by opening it here while no product runs. */
  private long unitsInTheSpool() throws IOException {
    try (Spool spool =
        Spool.open(spoolDir, "meter-" + code, Set.of(DIMENSION), Clock.systemUTC())) {
      long now = Spool.hourOf(Clock.systemUTC().instant());
      long units = 0;
      for (long hour = spool.startHour(); hour <= now; hour += 3600) {
        units += spool.total(new Spool.Slot(hour, DIMENSION));
      }
      return units;
    }
  }

  private static long ledgerUnits(String taskId) {
    long units = 0;
    for (JsonNode r : server.admin().usage("productCode=" + code).get("records")) {
      if (r.get("taskId").asText().equals(taskId)) {
        assertThat(r.get("dimension").asText()).isEqualTo(DIMENSION);
        units += r.get("quantity").asLong();
      }
    }
    return units;
  }

  @Test
  void killedWhileAddingAndWhileClosing_ledgerHoldsEveryAcknowledgedUnitExactlyOnce()
      throws Exception {
    Map<String, String> env = launchTask();
    long acknowledged = 0;
    long durable = 0;
    for (int kill = 1; kill <= KILLS; kill++) {
      Product product = new Product(env, "forever");
      assertThat(product.next()).isEqualTo("ready");
      product.ackedAtLeast(ThreadLocalRandom.current().nextLong(1, 400));

      long acked = product.killAndCountAcknowledged();

      long inSpool = unitsInTheSpool();
      // One unit at a time: at most the add in flight at the kill is durable but unacknowledged.
      assertThat(inSpool - durable)
          .as("units of run %d in the spool, %d acknowledged", kill, acked)
          .isBetween(acked, acked + 1);
      acknowledged += acked;
      durable = inSpool;
    }
    assertThat(ledgerUnits(env.get("METERLINE_TASK_ID")))
        .as("nothing is sent before an hour completes or the meter closes")
        .isZero();

    // A fourth kill, while close sends the hour: the record may have reached the service with
    // its answer lost. The next run, adding nothing, sends it again and must not double it.
    Product closing = new Product(env, "close-after", "25");
    while (!closing.next().equals("closing")) {
      // the adds
    }
    closing.process.waitFor(ThreadLocalRandom.current().nextLong(0, 1000), TimeUnit.MILLISECONDS);
    assertThat(closing.killAndCountAcknowledged()).isEqualTo(25);
    acknowledged += 25;
    durable += 25;
    assertThat(unitsInTheSpool()).isEqualTo(durable);

    Product last = new Product(env, "close-after", "0");
    assertThat(last.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(last.process.exitValue()).as("stderr: %s", last.stderr()).isZero();
    last.killAndCountAcknowledged();

    assertThat(unitsInTheSpool()).isEqualTo(durable);
    assertThat(ledgerUnits(env.get("METERLINE_TASK_ID")))
        .as("%d acknowledged over five runs", acknowledged)
        .isEqualTo(durable)
        .isBetween(acknowledged, acknowledged + 3);
  }

  @Test
  void
      killedAfterTheServiceStoredARecordButBeforeTheSpoolNotedIt_restartSendsItAgainWithoutDoubling()
          throws Exception {
    Map<String, String> env = launchTask();
    // Both runs on a clock standing at the task's start: on the system clock an hour could turn
    // between the first run's adds and the second run's close (the last seconds of an hour), and
    // the second run would then also send that next hour's record (a zero), or the first run's
    // seven units would be split over two hours and it would halt after sending the first part.
    String clock = "clock=" + startedAt(env);
    Product dying = new Product(env, "close-after", "7", "die-on-answer", clock);
    assertThat(dying.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(dying.process.exitValue()).as("stderr: %s", dying.stderr()).isEqualTo(137);
    assertThat(dying.killAndCountAcknowledged()).isEqualTo(7);
    assertThat(ledgerUnits(env.get("METERLINE_TASK_ID")))
        .as("the service has the record")
        .isEqualTo(7);

    Product restarted = new Product(env, "close-after", "0", clock);
    assertThat(restarted.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(restarted.process.exitValue()).as("stderr: %s", restarted.stderr()).isZero();
    String closed = "";
    for (String line = restarted.next(); ; line = restarted.next()) {
      if (line.startsWith("closed ")) {
        closed = line;
        break;
      }
    }

    assertThat(closed).contains("delivered=1").contains("conflicts=0");
    assertThat(server.admin().usage("productCode=" + code).get("records"))
        .filteredOn(r -> r.get("taskId").asText().equals(env.get("METERLINE_TASK_ID")))
        .singleElement()
        .satisfies(r -> assertThat(r.get("quantity").asLong()).isEqualTo(7));
  }

  @Test
  void
      sigtermWhileTheServiceIsSlow_productExitsWithinThePlatformsStopTimeout_andTheNextStartSendsTheHourOnce()
          throws Exception {
    Map<String, String> env = launchTask();
    String clock = "clock=" + startedAt(env);
    Product product = new Product(env, "add-then-wait", "12", "close-on-shutdown=20", clock);
    assertThat(product.next()).isEqualTo("ready");
    product.ackedAtLeast(12);
    assertThat(product.next()).isEqualTo("waiting");
    server.admin().fault("MeterUsage", null, 1.0, 120_000);
    try {
      long stopped = System.nanoTime();
      product.process.destroy(); // SIGTERM, as ECS and Kubernetes stop a container

      // The platform kills 30 s after SIGTERM; the library's hook must be done before that.
      boolean exited = product.process.waitFor(30, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - stopped);
      assertThat(exited)
          .as("exited by itself within 30 s of SIGTERM; stderr: %s", product.stderr())
          .isTrue();
      assertThat(took).isGreaterThan(Duration.ofSeconds(15)).isLessThan(Duration.ofSeconds(25));
      assertThat(product.killAndCountAcknowledged()).isEqualTo(12);
    } finally {
      server.admin().clearFaults();
    }
    assertThat(unitsInTheSpool()).isEqualTo(12);

    Product next = new Product(env, "close-after", "0", clock);
    assertThat(next.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(next.process.exitValue()).as("stderr: %s", next.stderr()).isZero();

    assertThat(server.admin().usage("productCode=" + code).get("records"))
        .filteredOn(r -> r.get("taskId").asText().equals(env.get("METERLINE_TASK_ID")))
        .singleElement()
        .satisfies(r -> assertThat(r.get("quantity").asLong()).isEqualTo(12));
  }

  @Test
  void spoolOfARunningProduct_cannotBeOpenedByAnotherProcess_untilThatOneDies() throws Exception {
    Product holder = new Product(launchTask(), "hold");
    assertThat(holder.next()).isEqualTo("ready");

    assertThatThrownBy(this::unitsInTheSpool)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("in use by another process");

    holder.killAndCountAcknowledged();
    assertThat(unitsInTheSpool()).isZero();
  }
}
