package io.meterline.readme;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands of a README and the output it shows for each: every {@code ```console} block, where
 * a line starting with {@code $ } is a command and the lines after it, up to the next command, are
 * its output. Blank lines are layout, not output. Other blocks ({@code ```sh}) are not run.
 */
final class ReadmeSteps {
  private ReadmeSteps() {}

  /** One command as the README shows it. */
  record Step(int line, String section, String command, List<String> expected) {
    /** A command ending in {@code &} runs in the background; the shell does not wait for it. */
    boolean background() {
      String code = command.replaceAll("\\s+#.*$", "").strip();
      return code.endsWith("&") && !code.endsWith("&&");
    }

    @Override
    public String toString() {
      return "README.md:" + line + " (" + section + "): $ " + command;
    }
  }

  static List<Step> parse(String markdown) {
    List<Step> steps = new ArrayList<>();
    String section = "";
    String fenceIndent = null;
    String command = null;
    int commandLine = 0;
    List<String> expected = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String trimmed = line.strip();
      if (fenceIndent == null) {
        if (line.startsWith("#")) {
          section = line.replaceFirst("^#+\\s*", "");
        } else if (trimmed.equals("```console")) {
          fenceIndent = line.substring(0, line.indexOf('`'));
        }
        continue;
      }
      if (trimmed.equals("```")) {
        if (command != null) {
          steps.add(new Step(commandLine, section, command, List.copyOf(expected)));
        }
        fenceIndent = null;
        command = null;
        continue;
      }
      String content = line.startsWith(fenceIndent) ? line.substring(fenceIndent.length()) : line;
      if (content.startsWith("$ ")) {
        if (command != null) {
          steps.add(new Step(commandLine, section, command, List.copyOf(expected)));
        }
        command = content.substring(2);
        commandLine = i + 1;
        expected.clear();
      } else if (!content.isBlank()) {
        if (command == null) {
          throw new IllegalArgumentException(
              "README.md:" + (i + 1) + ": output before any command in a console block: " + line);
        }
        expected.add(content.stripTrailing());
      }
    }
    if (fenceIndent != null) {
      throw new IllegalArgumentException("README.md: a console block is never closed");
    }
    return steps;
  }
}
