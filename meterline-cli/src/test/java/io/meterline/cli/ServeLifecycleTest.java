package io.meterline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meterline serve} as a well-kept server: it owns its data directory (a second server on it
 * is refused, naming the first), keeps its admin token there across restarts, removes {@code
 * server.json} when it stops and says so in one line, creates nothing when it cannot start and says
 * what is wrong with the port or the path; {@code run-task} recognises a {@code server.json} left
 * by a server that is gone.
 */
class ServeLifecycleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final List<ChildProcess> started = new ArrayList<>();

  @AfterEach
  void stopServers() {
    for (ChildProcess p : started) {
      p.process().destroyForcibly();
    }
  }

  private ChildProcess serve(Path dataDir, String... more) {
    List<String> args =
        new ArrayList<>(List.of("serve", "--data-dir", dataDir.toString(), "--port", "0"));
    args.addAll(List.of(more));
    ChildProcess p = ChildProcess.start(dir, ChildProcess.meterline(args), Map.of());
    started.add(p);
    return p;
  }

  /** Waits until the server wrote server.json; its content. */
  private static JsonNode ready(ChildProcess server, Path dataDir) {
    Path json = dataDir.resolve("server.json");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(json) || !server.process().isAlive());
    assertThat(server.process().isAlive()).as("stderr: %s", server.stderr()).isTrue();
    try {
      return JSON.readTree(json.toFile());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void stop(ChildProcess server) throws InterruptedException {
    server.process().destroy(); // SIGTERM
    assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void secondServerOnTheSameDataDirectory_isRefused_namingTheFirstsPidAndEndpoint()
      throws Exception {
    Path data = dir.resolve("data");
    ChildProcess first = serve(data);
    JsonNode info = ready(first, data);

    ChildProcess.Finished second = serve(data).waitFor();

    assertThat(second.exit()).isEqualTo(1);
    assertThat(second.stderr())
        .contains("in use by another meterline serve")
        .contains("pid " + info.get("pid").asLong())
        .contains(info.get("endpoint").asText());
    assertThat(JSON.readTree(data.resolve("server.json").toFile()).get("pid").asLong())
        .as("the first server's server.json is untouched")
        .isEqualTo(info.get("pid").asLong());
    assertThat(first.process().isAlive()).isTrue();
  }

  @Test
  void cleanStop_removesServerJson_andSaysSoInOneLine() throws Exception {
    Path data = dir.resolve("data");
    ChildProcess server = serve(data);
    ready(server, data);

    stop(server);

    assertThat(data.resolve("server.json")).doesNotExist();
    assertThat(server.stderr().lines().filter(l -> l.startsWith("meterline serve: stopped")))
        .hasSize(1);
  }

  @Test
  void adminToken_isKeptInTheDataDirectory_ownerOnly_theSameAcrossRestarts_andA401SaysWhere()
      throws Exception {
    Path data = dir.resolve("data");
    ChildProcess first = serve(data);
    String token = ready(first, data).get("adminToken").asText();
    stop(first);

    Path file = data.resolve("admin.token");
    assertThat(Files.readString(file).strip()).isEqualTo(token);
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    ChildProcess second = serve(data);
    JsonNode info = ready(second, data);
    assertThat(info.get("adminToken").asText()).isEqualTo(token);
    HttpResponse<String> wrong =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(info.get("endpoint").asText() + "/admin/v1/products"))
                    .header("Authorization", "Bearer not-the-token")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains(file.toString());
  }

  @Test
  void portInUse_namesThePort_andCreatesNothing() throws Exception {
    Path data = dir.resolve("fresh");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<String> args =
          List.of(
              "serve",
              "--data-dir",
              data.toString(),
              "--port",
              String.valueOf(taken.getLocalPort()));
      ChildProcess.Finished run = ChildProcess.run(dir, ChildProcess.meterline(args), Map.of());

      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.stderr()).contains("port " + taken.getLocalPort()).contains("in use");
    }
    assertThat(data).as("nothing created on disk").doesNotExist();
  }

  @Test
  void dataDirectoryThatIsAFile_isNamedWithWhatIsWrong_andNothingIsCreated() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

    ChildProcess.Finished run = serve(file).waitFor();

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.stderr()).contains(file.toString()).contains("not a directory");
    try (Stream<Path> siblings = Files.list(dir)) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains("master") || n.endsWith(".db"));
    }
  }

  @Test
  void runTask_withAServerJsonLeftByAServerThatIsGone_saysSo() throws Exception {
    Path data = dir.resolve("data");
    ChildProcess server = serve(data);
    JsonNode info = ready(server, data);
    String json = Files.readString(data.resolve("server.json"));
    server.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS); // no clean stop
    Files.writeString(data.resolve("server.json"), json); // as a kill -9 leaves it

    ChildProcess.Finished run =
        ChildProcess.run(
            dir,
            ChildProcess.meterline(
                List.of(
                    "task",
                    "env",
                    "--data-dir",
                    data.toString(),
                    "--product",
                    "p",
                    "--buyer",
                    "444455556666")),
            Map.of());

    assertThat(run.exit()).isNotZero();
    assertThat(run.stderr())
        .contains("pid " + info.get("pid").asLong())
        .contains("no longer running")
        .contains("meterline serve");
  }

  @Test
  void bareMeterline_printsItsUsage_andExits2() {
    ChildProcess.Finished run = ChildProcess.run(dir, ChildProcess.meterline(List.of()), Map.of());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stdout() + run.stderr()).contains("Usage: meterline").contains("serve");
  }
}
