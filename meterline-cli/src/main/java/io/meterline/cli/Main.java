package io.meterline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code meterline} command. */
@Command(
    name = "meterline",
    mixinStandardHelpOptions = true,
    version = "meterline 0.1.0",
    description = "The AWS Marketplace Metering Service as software you run yourself.",
    subcommands = {
      ServeCommand.class,
      RunTaskCommand.class,
      TaskCommand.class,
      ProductCommand.class,
      BuyerCommand.class,
      SubscriptionCommand.class,
      UsageCommand.class,
      InvoiceCommand.class,
      ReportCommand.class,
      CallsCommand.class,
      EndpointKeyCommand.class,
      io.meterline.agent.AgentCommand.class
    })
public final class Main implements java.util.concurrent.Callable<Integer> {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  /** No command given: the usage, on stderr, and the exit code of a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, with errors reported in one line and a pointer to --help. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine failed = e.getCommandLine();
          failed.getErr().println("meterline: " + e.getMessage());
          failed
              .getErr()
              .println(
                  "Run '" + failed.getCommandSpec().qualifiedName() + " --help' for the options.");
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (e, failed, parseResult) -> {
          // Failures the commands describe themselves are one line; anything else is a bug,
          // reported with its stack.
          if (e instanceof IllegalStateException
              || e instanceof IllegalArgumentException
              || e instanceof java.io.UncheckedIOException) {
            failed.getErr().println("meterline: " + e.getMessage());
          } else {
            e.printStackTrace(failed.getErr());
          }
          return 1;
        });
    return cli;
  }
}
