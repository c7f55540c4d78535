package io.meterline.server.testing;

import io.meterline.server.Meterline;
import io.meterline.server.MeterlineServer;
import io.meterline.server.config.ServerConfig;
import io.meterline.server.config.StoreKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A server in its own JVM, for tests of several servers on one PostgreSQL database and of crashes.
 * {@link #main} is what the child JVM runs.
 */
public final class ServerProcess implements AutoCloseable {
  private static final String READY = "ready ";
  private static final String MAX_QUEUE_WAIT = "meterline.test.maxQueueWait";

  private final Process process;
  private final URI endpoint;

  private ServerProcess(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  /** Starts a server JVM on the database, sharing the master key file, and waits until ready. */
  public static ServerProcess start(String jdbcUrl, Path masterKeyFile) throws Exception {
    return start(Files.createTempDirectory("meterline-proc"), jdbcUrl, masterKeyFile);
  }

  /** A server JVM on SQLite in the given data directory (its master key lives there too). */
  public static ServerProcess startSqlite(Path dataDir) throws Exception {
    return start(dataDir, "-", dataDir.resolve("master.key"));
  }

  /**
   * A server JVM on SQLite in the given data directory, started with extra JVM options (placed
   * after the default {@code -Xmx256m}, so a later {@code -Xmx} wins), whose output lines also go
   * to the listener (on the thread that reads them, in order; the lines are still printed as well).
   */
  public static ServerProcess startSqlite(
      Path dataDir, List<String> jvmOptions, Consumer<String> output) throws Exception {
    return start(dataDir, "-", dataDir.resolve("master.key"), jvmOptions, output);
  }

  private static ServerProcess start(Path dir, String jdbcUrl, Path masterKeyFile)
      throws Exception {
    // As TestServer: a stalled fsync on a busy test machine must not turn requests away. The
    // variant with JVM options (the overload test) keeps the server's default.
    return start(
        dir, jdbcUrl, masterKeyFile, List.of("-D" + MAX_QUEUE_WAIT + "=PT30S"), line -> {});
  }

  private static ServerProcess start(
      Path dir,
      String jdbcUrl,
      Path masterKeyFile,
      List<String> jvmOptions,
      Consumer<String> output)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            ServerProcess.class.getName(),
            dir.toString(),
            jdbcUrl,
            masterKeyFile.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // A test JVM that ends (or is killed by its runner) takes its servers with it.
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    CountDownLatch ready = new CountDownLatch(1);
    URI[] endpoint = new URI[1];
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  if (line.startsWith(READY)) {
                    endpoint[0] = URI.create(line.substring(READY.length()).trim());
                    ready.countDown();
                  } else {
                    System.err.println("[server " + process.pid() + "] " + line);
                    output.accept(line);
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "server-process-output");
    reader.setDaemon(true);
    reader.start();
    if (!ready.await(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the server process did not become ready");
    }
    return new ServerProcess(process, endpoint[0]);
  }

  public URI endpoint() {
    return endpoint;
  }

  public AdminClient admin() {
    return new AdminClient(endpoint, TestServer.ADMIN_TOKEN);
  }

  /** The server JVM's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the server JVM is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the server at once (SIGKILL), as a crash would. */
  public void kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** The child JVM: args are the data directory, the JDBC URL and the master key file. */
  public static void main(String[] args) throws Exception {
    ServerConfig.Builder config =
        ServerConfig.builder(Path.of(args[0]))
            .port(0)
            .adminToken(TestServer.ADMIN_TOKEN)
            .masterKeyFile(Path.of(args[2]));
    if (!args[1].equals("-")) {
      config.store(StoreKind.POSTGRES).jdbcUrl(args[1]);
    }
    String maxQueueWait = System.getProperty(MAX_QUEUE_WAIT);
    if (maxQueueWait != null) {
      config.maxQueueWait(java.time.Duration.parse(maxQueueWait));
    }
    MeterlineServer server = Meterline.start(config.build());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println(READY + server.endpoint());
    System.out.flush();
    Thread.currentThread().join();
  }
}
