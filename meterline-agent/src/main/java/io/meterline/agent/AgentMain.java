package io.meterline.agent;

import picocli.CommandLine;

/** {@code java -jar meterline-agent.jar}: the agent on its own, for a sidecar image. */
public final class AgentMain {
  private AgentMain() {}

  /** Runs the agent with these options ({@code --help} lists them) and exits with its code. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentCommand()).execute(args));
  }
}
