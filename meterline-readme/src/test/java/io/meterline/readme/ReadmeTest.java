package io.meterline.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The README, followed literally: every command of its console blocks is typed into one shell, in
 * order, from a directory that looks like a fresh clone (the repository's files, linked), with an
 * empty home directory (so the server's data directory, ~/.meterline, is new) and an empty /tmp of
 * its own (every "/tmp/" in a command means that one). Each command's output must be what the
 * README shows, line for line in any order (background jobs interleave), allowing for ids and times
 * ({@link ExpectedLine}), with nothing more. A README that no longer runs fails the build.
 *
 * <p>It needs what the README's reader needs: bash, curl, jq, python3 and the AWS CLI (v1 or v2),
 * and the ports the README uses. Without a tool it is skipped with a loud notice, except on CI
 * ({@code CI=true}), where {@code .ci/run} installs them and a missing one fails the build.
 */
class ReadmeTest {
  private static final List<String> TOOLS = List.of("bash", "curl", "jq", "python3", "aws");
  private static final List<Integer> PORTS = List.of(6387, 8080, 8081, 8090, 9181, 9182, 9999);
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration SETTLE = Duration.ofMillis(400);
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration BACKGROUND_GRACE = Duration.ofSeconds(20);

  /**
   * {@code -Dreadme.record=true} runs every command without comparing, for a new README's outputs:
   * the transcript in target/readme-transcript.txt has what each printed.
   */
  private static final boolean RECORD = Boolean.getBoolean("readme.record");

  private static final Duration RECORD_BACKGROUND = Duration.ofSeconds(15);

  @Test
  void theReadmeRunsAsWritten() throws Exception {
    Path repository = Path.of("").toAbsolutePath().getParent();
    List<ReadmeSteps.Step> steps =
        ReadmeSteps.parse(Files.readString(repository.resolve("README.md")));
    assertThat(steps).as("console blocks in README.md").hasSizeGreaterThan(40);
    requireTools();
    requireFreePorts();

    Path root = Files.createTempDirectory("meterline-readme");
    Path clone = cloneOf(repository, root.resolve("meterline"));
    Path home = Files.createDirectories(root.resolve("home"));
    Path tmp = Files.createDirectories(root.resolve("tmp"));
    StringBuilder transcript = new StringBuilder();
    try (Shell shell = new Shell(clone, environment(home))) {
      for (int i = 0; i < steps.size(); i++) {
        ReadmeSteps.Step step = steps.get(i);
        Instant started = Instant.now();
        List<String> output = run(shell, step, i, tmp, home);
        transcript.append("$ ").append(step.command()).append('\n');
        output.forEach(line -> transcript.append(line).append('\n'));
        transcript.append(
            String.format(
                "(README.md:%d, %s, %.1f s)%n%n",
                step.line(), started, Duration.between(started, Instant.now()).toMillis() / 1e3));
        Files.writeString(
            Path.of("target", "readme-transcript.txt"), transcript, StandardCharsets.UTF_8);
      }
    }
  }

  /** Types the step's command and waits until its output is all there; fails when it is not. */
  private static List<String> run(
      Shell shell, ReadmeSteps.Step step, int index, Path tmp, Path home)
      throws IOException, InterruptedException {
    String done = "@@readme step " + index + " done@@";
    shell.type(step.command().replace("/tmp/", tmp + "/"));
    shell.type("echo; echo '" + done + "'");
    List<ExpectedLine> expected = step.expected().stream().map(ExpectedLine::new).toList();
    List<String> output = new ArrayList<>();
    boolean finished = false;
    Instant finishedAt = Instant.MAX;
    Instant deadline = Instant.now().plus(STEP_TIMEOUT);
    while (true) {
      boolean complete =
          finished
              && (Matching.of(expected, output).unmatchedExpected().isEmpty()
                  || RECORD
                      && (!step.background()
                          || Instant.now().isAfter(finishedAt.plus(RECORD_BACKGROUND))));
      Duration wait = complete ? SETTLE : POLL;
      String line = shell.nextLine(wait);
      if (line == null) {
        if (complete || !shell.alive() || Instant.now().isAfter(deadline)) {
          break;
        }
        continue;
      }
      if (line.equals(done)) {
        finished = true;
        finishedAt = Instant.now();
        if (!step.background()) {
          // What is still missing can only come from a background job by now.
          deadline = min(deadline, finishedAt.plus(BACKGROUND_GRACE));
        }
      } else if (!line.isBlank()) {
        output.add(
            line.replace(tmp.toString(), "/tmp").replace(home.toString(), "~").stripTrailing());
      }
    }
    Matching matching = Matching.of(expected, output);
    if (RECORD) {
      return output;
    }
    assertThat(finished && matching.exact())
        .as(
            "%s%n%s%nREADME shows:%n  %s%nit printed:%n  %s",
            step,
            finished ? matching.describe() : "it did not finish within " + STEP_TIMEOUT,
            String.join("\n  ", step.expected()),
            String.join("\n  ", output))
        .isTrue();
    return output;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** Which shown lines found a printed line and which printed lines were never shown. */
  record Matching(List<ExpectedLine> unmatchedExpected, List<String> unmatchedOutput) {
    static Matching of(List<ExpectedLine> expected, List<String> output) {
      List<String> left = new ArrayList<>(output);
      List<ExpectedLine> missing = new ArrayList<>();
      for (ExpectedLine line : expected) {
        int found = -1;
        for (int i = 0; i < left.size() && found < 0; i++) {
          if (line.matches(left.get(i))) {
            found = i;
          }
        }
        if (found < 0) {
          missing.add(line);
        } else {
          left.remove(found);
        }
      }
      return new Matching(missing, left);
    }

    boolean exact() {
      return unmatchedExpected.isEmpty() && unmatchedOutput.isEmpty();
    }

    String describe() {
      return "shown but not printed: "
          + unmatchedExpected
          + "; printed but not shown: "
          + unmatchedOutput;
    }
  }

  /** A directory that looks like a fresh clone: the repository's files, linked. */
  private static Path cloneOf(Path repository, Path clone) throws IOException {
    Files.createDirectories(clone);
    try (Stream<Path> entries = Files.list(repository)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.equals(".git") && !name.equals("target")) {
          Files.createSymbolicLink(clone.resolve(name), entry);
        }
      }
    }
    return clone;
  }

  /** A terminal's environment, without the developer's AWS or Meterline settings. */
  private static Map<String, String> environment(Path home) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", home.toString());
    env.put("LANG", "C.UTF-8");
    env.put("TERM", "dumb");
    // Maven's wrapper keeps Maven itself under ~/.m2; the new home would fetch it again.
    env.put("MAVEN_USER_HOME", Path.of(System.getProperty("user.home"), ".m2").toString());
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null) {
      env.put("JAVA_HOME", javaHome);
    }
    return env;
  }

  private static void requireTools() throws IOException, InterruptedException {
    List<String> missing = new ArrayList<>();
    for (String tool : TOOLS) {
      Process which = new ProcessBuilder("bash", "-c", "command -v " + tool).start();
      if (which.waitFor() != 0) {
        missing.add(tool);
      }
    }
    if (!missing.isEmpty()) {
      String why = "the README's commands need " + missing + " (.ci/run installs them)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CANNOT RUN the README on CI: " + why);
      }
      System.err.println("\n*** README TEST SKIPPED: " + why + " ***\n");
      Assumptions.abort(why);
    }
  }

  private static void requireFreePorts() {
    for (int port : PORTS) {
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
      } catch (IOException e) {
        throw new IllegalStateException(
            "the README uses port " + port + " on 127.0.0.1, which is taken: stop what holds it",
            e);
      }
    }
  }
}
