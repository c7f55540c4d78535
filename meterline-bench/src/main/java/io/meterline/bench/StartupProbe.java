package io.meterline.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Start-up to ready of {@code meterline serve} as a user starts it: a new JVM running the CLI jar
 * on the embedded store, timed from process launch to its "listening" line, when it answers
 * requests. First starts run on an empty data directory (master key created, schema migrated);
 * restarts run on the directory the first start left.
 */
final class StartupProbe {
  private static final String READY = "Meterline listening on ";
  private static final long TIMEOUT_SECONDS = 60;

  /** Milliseconds to ready of each start. */
  record Figures(List<Long> firstStarts, List<Long> restarts) {
    long worst() {
      return Math.max(Collections.max(firstStarts), Collections.max(restarts));
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "first start (empty data dir) median %d ms, max %d ms; restart median %d ms, "
              + "max %d ms (%d each, new JVM per start, default JVM options)",
          median(firstStarts),
          Collections.max(firstStarts),
          median(restarts),
          Collections.max(restarts),
          firstStarts.size());
    }

    private static long median(List<Long> values) {
      List<Long> sorted = new ArrayList<>(values);
      Collections.sort(sorted);
      return sorted.get(sorted.size() / 2);
    }
  }

  private StartupProbe() {}

  static Figures run(Path cliJar, Path dataDir, int rounds) throws Exception {
    List<Long> first = new ArrayList<>();
    List<Long> again = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      Path dir = dataDir.resolve("startup-" + i);
      Files.createDirectories(dir);
      first.add(startAndStop(cliJar, dir));
      again.add(startAndStop(cliJar, dir));
    }
    return new Figures(first, again);
  }

  private static long startAndStop(Path cliJar, Path dir) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
                java.toString(),
                "-jar",
                cliJar.toString(),
                "serve",
                "--port",
                "0",
                "--data-dir",
                dir.toString(),
                "--admin-token",
                "bench-admin-token")
            .redirectErrorStream(true);
    long start = System.nanoTime();
    Process process = builder.start();
    // A server that never gets ready is killed, which ends the read below.
    Thread watchdog =
        new Thread(
            () -> {
              try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                  process.destroyForcibly();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "startup-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    List<String> output = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith(READY)) {
          return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        output.add(line);
      }
      throw new IllegalStateException(
          "meterline serve exited with " + process.waitFor() + " before ready: " + output);
    } finally {
      process.destroy();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** The CLI jar beside this module, where {@code ./bench} builds it. */
  static Path defaultCliJar() throws IOException {
    for (Path candidate :
        List.of(
            Path.of("..", "meterline-cli", "target", "meterline.jar"),
            Path.of("meterline-cli", "target", "meterline.jar"))) {
      if (Files.isRegularFile(candidate)) {
        return candidate.toRealPath();
      }
    }
    return null;
  }
}
