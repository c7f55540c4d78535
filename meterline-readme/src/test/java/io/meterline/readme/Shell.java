package io.meterline.readme;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One bash, as in a terminal: commands are typed into it one after another, so variables, the
 * working directory and background jobs carry over; what it and its jobs print (stdout and stderr
 * together, as a terminal shows them) arrives line by line.
 */
final class Shell implements AutoCloseable {
  private static final String EOF = "\u0000eof";

  private final Process bash;
  private final Writer input;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  /**
   * Commands reach bash through a named pipe, not its standard input: what the commands run gets an
   * empty standard input, so nothing they start (a build plugin pumping its input to a child, say)
   * can read the next commands.
   */
  Shell(Path directory, Map<String, String> environment) throws IOException, InterruptedException {
    Path commands = Files.createTempDirectory("readme-shell").resolve("commands");
    Process mkfifo = new ProcessBuilder("mkfifo", commands.toString()).inheritIO().start();
    if (mkfifo.waitFor() != 0) {
      throw new IOException("mkfifo " + commands + " failed");
    }
    ProcessBuilder builder =
        new ProcessBuilder("bash", "--noprofile", "--norc", commands.toString())
            .directory(directory.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(environment);
    bash = builder.start();
    // Opening the pipe waits for bash to open its end, which it does first thing.
    input = new OutputStreamWriter(new FileOutputStream(commands.toFile()), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readOutput, "readme-shell-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Types a line into the shell. */
  void type(String line) throws IOException {
    input.write(line + "\n");
    input.flush();
  }

  /** The next line printed, or null if none came within the timeout or the shell is gone. */
  String nextLine(Duration timeout) throws InterruptedException {
    String line = lines.poll(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
    if (EOF.equals(line)) {
      lines.add(EOF);
      return null;
    }
    return line;
  }

  boolean alive() {
    return bash.isAlive();
  }

  private void readOutput() {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("(the shell's output could not be read: " + e + ")");
    } finally {
      lines.add(EOF);
    }
  }

  /** Stops the background jobs as a user would (SIGTERM), then the shell and anything left. */
  @Override
  public void close() throws IOException, InterruptedException {
    List<ProcessHandle> started = bash.descendants().toList();
    if (bash.isAlive()) {
      try {
        type("kill $(jobs -p) 2> /dev/null; wait; exit");
        input.close();
      } catch (IOException ignored) {
        // the shell is gone already
      }
      bash.waitFor(30, TimeUnit.SECONDS);
    }
    started.forEach(ProcessHandle::destroyForcibly);
    bash.destroyForcibly();
  }
}
