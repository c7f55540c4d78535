package io.meterline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the server is and its admin token: {@code --endpoint} and {@code --admin-token}, else
 * {@code METERLINE_ENDPOINT} and {@code METERLINE_ADMIN_TOKEN}, else the {@code server.json} that
 * {@code serve} writes into its data directory (SPEC §2).
 */
final class ServerLocation {
  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description = "The server (default: $METERLINE_ENDPOINT, else server.json in --data-dir).")
  URI endpoint;

  @Option(
      names = "--admin-token",
      paramLabel = "TOKEN",
      description = "Its admin token (default: $METERLINE_ADMIN_TOKEN, else server.json).")
  String adminToken;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "The data directory of a server started on this machine, whose server.json tells where "
              + "it is (default: $METERLINE_DATA_DIR, else ~/.meterline).")
  Path dataDir;

  /** The admin client of the server found, or an error saying how to name one. */
  AdminHttp admin() {
    URI url = endpoint != null ? endpoint : envUri("METERLINE_ENDPOINT");
    String token = adminToken != null ? adminToken : System.getenv("METERLINE_ADMIN_TOKEN");
    if (url == null || token == null) {
      Path file =
          (dataDir != null ? dataDir : ServeCommand.defaultDataDir()).resolve("server.json");
      if (url != null && !Files.exists(file)) {
        throw new IllegalStateException(
            "no admin token for " + url + ": give --admin-token or METERLINE_ADMIN_TOKEN");
      }
      JsonNode info = read(file);
      if (url == null) {
        url = URI.create(info.path("endpoint").asText());
      }
      if (token == null) {
        token = info.path("adminToken").asText();
      }
    }
    return new AdminHttp(url, token);
  }

  private static URI envUri(String name) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? null : URI.create(value.strip());
  }

  private static JsonNode read(Path file) {
    if (!Files.exists(file)) {
      throw new IllegalStateException(
          "no server found: "
              + file
              + " does not exist. Start one with 'meterline serve', or give --endpoint and "
              + "--admin-token (or METERLINE_ENDPOINT and METERLINE_ADMIN_TOKEN)");
    }
    JsonNode info;
    try {
      info = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
    long pid = info.path("pid").asLong(-1);
    if (pid > 0 && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      throw new IllegalStateException(
          file
              + " was written by a meterline serve that is no longer running (pid "
              + pid
              + "); start it again with 'meterline serve --data-dir "
              + file.getParent()
              + "'");
    }
    return info;
  }
}
