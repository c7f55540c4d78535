package io.meterline.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process the tests start — {@code meterline}, the SDK probe or a shell — with its output in
 * files: a child that inherited the test JVM's streams would write into surefire's channel.
 */
final class ChildProcess {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final Pattern STOPPED = Pattern.compile("meterline: task (\\S+) stopped");
  private static final Pattern STARTED = Pattern.compile("meterline: task (\\S+) \\(.*\\) started");

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private ChildProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** The command line of a JVM running {@code mainClass} on the test class path. */
  static List<String> java(String mainClass, List<String> args) {
    return java(List.of(), mainClass, args);
  }

  /** The command line of a JVM with these options running {@code mainClass}. */
  static List<String> java(List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Short-lived JVMs: C1 only and a serial collector start up fastest.
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(args);
    return command;
  }

  /** The {@code meterline} command with these arguments. */
  static List<String> meterline(List<String> args) {
    return java(Main.class.getName(), args);
  }

  /** The SDK probe, a program with no Meterline code, with these arguments. */
  static List<String> probe(List<String> args) {
    return java("example.probe.Probe", args);
  }

  /**
   * Starts {@code command} with the test JVM's environment minus every {@code AWS_*} and {@code
   * METERLINE_*} variable (a developer's machine or CI may hold some), plus {@code env}.
   */
  static ChildProcess start(Path dir, List<String> command, Map<String, String> env) {
    int n = SEQUENCE.incrementAndGet();
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(dir.resolve("stdout-" + n + ".txt").toFile())
            .redirectError(dir.resolve("stderr-" + n + ".txt").toFile());
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("AWS_") || k.startsWith("METERLINE_"));
    builder.environment().putAll(env);
    try {
      return new ChildProcess(
          builder.start(),
          dir.resolve("stdout-" + n + ".txt"),
          dir.resolve("stderr-" + n + ".txt"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code command} to its end. */
  static Finished run(Path dir, List<String> command, Map<String, String> env) {
    return start(dir, command, env).waitFor();
  }

  Process process() {
    return process;
  }

  String stdout() {
    return read(stdout);
  }

  String stderr() {
    return read(stderr);
  }

  /** The id of the task run-task said it started, once it said so. */
  String startedTaskId() {
    Matcher m = STARTED.matcher(stderr());
    if (!m.find()) {
      return null;
    }
    String arn = m.group(1);
    return arn.substring(arn.lastIndexOf('/') + 1);
  }

  /** Waits for the end (at most a minute: a hung child fails the test instead of the build). */
  Finished waitFor() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        fail("still running after 60 s:%nstdout:%n%s%nstderr:%n%s", stdout(), stderr());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new Finished(process.exitValue(), stdout(), stderr());
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A process that ended: its exit code and output. */
  record Finished(int exit, String stdout, String stderr) {
    /** The id of the task run-task reported stopped. */
    String stoppedTaskId() {
      Matcher m = STOPPED.matcher(stderr);
      if (!m.find()) {
        throw new AssertionError("run-task reported no stopped task:\n" + this);
      }
      return m.group(1);
    }

    /** stderr without the lines of SLF4J's own start-up notices (the test class path has two). */
    List<String> stderrLines() {
      return stderr.lines().filter(l -> !l.startsWith("SLF4J")).toList();
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
    }
  }
}
