package io.meterline.cli;

import io.meterline.server.auth.EndpointKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code meterline endpoint-key}: the public key a seller ships inside its product so that the
 * seller library accepts this server as its metering endpoint (and no endpoint a buyer sets up).
 */
@Command(
    name = "endpoint-key",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the public half of the running server's endpoint key (PEM), to ship inside the "
          + "product: the seller library then accepts this server when an endpoint override "
          + "points at it, and refuses any other.",
      "With --generate FILE, writes a new private key to FILE (mode 0600) for 'meterline serve "
          + "--endpoint-key FILE' and prints its public half; keep the file as a secret of your "
          + "CI.",
    })
final class EndpointKeyCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ServerLocation server = new ServerLocation();

  @Option(
      names = "--generate",
      paramLabel = "FILE",
      description = "Write a new private key to FILE (which must not exist) instead.")
  Path generate;

  @Override
  public Integer call() {
    if (generate == null) {
      spec.commandLine()
          .getOut()
          .print(server.admin().get("/endpoint-key").get("publicKeyPem").asText());
      spec.commandLine().getOut().flush();
      return 0;
    }
    String pem = EndpointKey.generatePem();
    try {
      Files.createFile(generate);
      try {
        Files.setPosixFilePermissions(generate, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      Files.writeString(generate, pem, StandardCharsets.US_ASCII);
    } catch (FileAlreadyExistsException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--generate: " + generate + " exists already; choose a new file");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + generate, e);
    }
    spec.commandLine().getOut().print(EndpointKey.load(generate).publicKeyPem());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
