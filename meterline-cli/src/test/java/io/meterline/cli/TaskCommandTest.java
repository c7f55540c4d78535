package io.meterline.cli;

import static io.meterline.cli.TestServer.SUBSCRIBED_BUYER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.cli.ChildProcess.Finished;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meterline task env|stop} end to end, and how the commands find the server: {@code
 * --endpoint}, {@code METERLINE_ENDPOINT}/{@code METERLINE_ADMIN_TOKEN}, or the {@code server.json}
 * in {@code --data-dir} (SPEC §2).
 */
class TaskCommandTest {
  private static final Pattern HEADER = Pattern.compile("# meterline task (\\S+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path serverDir;
  @TempDir Path dir;

  private static TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.start(serverDir);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void taskEnv_eks_printsTheEnvironmentAndTokenFile_withWhichAnUnmodifiedProductRegisters()
      throws IOException {
    Path filesDir = dir.resolve("files");

    Finished run =
        meterline(
            List.of("task", "env", "--endpoint", server.endpoint(), "--admin-token", "t"),
            List.of("--product", server.hourlyProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--platform", "eks", "--files-dir", filesDir.toString()));

    assertThat(run.exit()).as("%s", run).isZero();
    List<String> lines = run.stdout().lines().toList();
    Matcher header = HEADER.matcher(lines.get(0));
    assertThat(header.matches()).as("first line %s", lines.get(0)).isTrue();
    String taskId = header.group(1);
    assertThat(lines.subList(1, lines.size())).allMatch(l -> l.matches("[A-Z][A-Z0-9_]*=.+"));
    Map<String, String> env = parseEnv(lines);
    Path tokenFile = filesDir.resolve("token").toAbsolutePath();
    assertThat(env)
        .containsEntry("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString())
        .containsEntry("AWS_ENDPOINT_URL_STS", server.endpoint())
        .containsEntry("AWS_ENDPOINT_URL_MARKETPLACE_METERING", server.endpoint())
        .containsEntry("AWS_REGION", "us-east-1")
        .containsKey("AWS_ROLE_ARN");
    byte[] token = Files.readAllBytes(tokenFile);
    // The Java SDK sends no request at all for a token file ending in a newline (GOLDEN §7).
    assertThat(token).isNotEmpty();
    assertThat(token[token.length - 1]).isNotEqualTo((byte) '\n');
    String[] jwt = new String(token, StandardCharsets.US_ASCII).split("\\.");
    assertThat(jwt).hasSize(3);
    assertThat(JSON.readTree(Base64.getUrlDecoder().decode(jwt[1])).path("sub").asText())
        .endsWith(taskId);
    assertThat(server.task(taskId).path("status").asText()).isEqualTo("RUNNING");

    Path result = dir.resolve("result.txt");
    Map<String, String> probeEnv = new LinkedHashMap<>(env);
    probeEnv.put("AWS_EC2_METADATA_DISABLED", "true");
    probeEnv.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
    probeEnv.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
    Finished probe =
        ChildProcess.run(
            dir,
            ChildProcess.probe(
                List.of("register", server.hourlyProduct, "--result-file", result.toString())),
            probeEnv);
    assertThat(probe.exit()).as("%s", probe).isZero();
    assertThat(Files.readString(result)).startsWith("OK RegisterUsage");
  }

  @Test
  void taskStop_stopsTheTask_andSaysInOneLineWhenItIsStoppedAlready() {
    String taskId = launchTask();

    Finished stop =
        meterline(
            List.of("task", "stop", "--endpoint", server.endpoint(), "--admin-token", "t"),
            List.of(taskId));

    assertThat(stop.exit()).as("%s", stop).isZero();
    assertThat(stop.stderr()).contains("meterline: task " + taskId + " stopped");
    assertThat(server.task(taskId).path("status").asText()).isEqualTo("STOPPED");

    Finished again =
        meterline(
            List.of("task", "stop", "--endpoint", server.endpoint(), "--admin-token", "t"),
            List.of(taskId));

    assertThat(again.exit()).as("%s", again).isEqualTo(1);
    assertThat(again.stderrLines())
        .singleElement()
        .asString()
        .startsWith("meterline: ")
        .contains(taskId, "stopped at");
  }

  @Test
  void taskEnv_unknownBuyer_failsInOneLineNamingTheField() {
    Finished run =
        meterline(
            List.of("task", "env", "--endpoint", server.endpoint(), "--admin-token", "t"),
            List.of("--product", server.hourlyProduct, "--buyer", "999988887777"),
            List.of("--files-dir", dir.toString()));

    assertThat(run.exit()).as("%s", run).isEqualTo(1);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderrLines())
        .singleElement()
        .asString()
        .startsWith("meterline: ")
        .contains("awsAccountId", "999988887777");
  }

  @Test
  void taskEnv_unknownProduct_failsInOneLineNamingTheField() {
    Finished run =
        meterline(
            List.of("task", "env", "--endpoint", server.endpoint(), "--admin-token", "t"),
            List.of("--product", "no-such-product", "--buyer", SUBSCRIBED_BUYER),
            List.of("--files-dir", dir.toString()));

    assertThat(run.exit()).as("%s", run).isEqualTo(1);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderrLines())
        .singleElement()
        .asString()
        .startsWith("meterline: ")
        .contains("productCode", "no-such-product");
  }

  @Test
  void taskEnv_noServerJsonAndNoEndpoint_saysWhereItLookedAndHowToNameAServer() throws IOException {
    Path emptyDataDir = Files.createDirectory(dir.resolve("data"));

    Finished run =
        meterline(
            List.of("task", "env", "--data-dir", emptyDataDir.toString()),
            List.of("--product", server.hourlyProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--files-dir", dir.toString()));

    assertThat(run.exit()).as("%s", run).isEqualTo(1);
    assertThat(run.stderrLines())
        .singleElement()
        .asString()
        .startsWith("meterline: no server found")
        .contains(emptyDataDir.resolve("server.json").toString(), "meterline serve", "--endpoint");
  }

  @Test
  void taskEnv_serverJsonOfAServerThatIsGone_saysItCannotReachIt() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String gone = "http://127.0.0.1:" + closedPort;
    Path dataDir = writeServerJson(gone, "t");

    Finished run =
        meterline(
            List.of("task", "env", "--data-dir", dataDir.toString()),
            List.of("--product", server.hourlyProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--files-dir", dir.toString()));

    assertThat(run.exit()).as("%s", run).isEqualTo(1);
    assertThat(run.stderrLines())
        .singleElement()
        .asString()
        .startsWith("meterline: cannot reach the server at " + gone);
  }

  @Test
  void taskEnv_serverJsonInTheDataDir_locatesTheServer() throws IOException {
    Path dataDir = writeServerJson(server.endpoint(), TestServer.ADMIN_TOKEN);

    Finished run =
        meterline(
            List.of("task", "env", "--data-dir", dataDir.toString()),
            List.of("--product", server.hourlyProduct, "--buyer", SUBSCRIBED_BUYER),
            List.of("--files-dir", dir.toString()));

    assertThat(run.exit()).as("%s", run).isZero();
    Matcher header = HEADER.matcher(run.stdout().lines().findFirst().orElse(""));
    assertThat(header.matches()).as("%s", run).isTrue();
    assertThat(server.task(header.group(1)).path("status").asText()).isEqualTo("RUNNING");
  }

  @Test
  void taskStop_meterlineEnvironmentVariables_locateTheServer() throws IOException {
    String taskId = launchTask();
    // Were the variables ignored, the empty data directory would end the command in an error.
    Path emptyDataDir = Files.createDirectory(dir.resolve("data"));

    Finished stop =
        ChildProcess.run(
            dir,
            ChildProcess.meterline(
                List.of("task", "stop", "--data-dir", emptyDataDir.toString(), taskId)),
            Map.of(
                "METERLINE_ENDPOINT",
                server.endpoint(),
                "METERLINE_ADMIN_TOKEN",
                TestServer.ADMIN_TOKEN));

    assertThat(stop.exit()).as("%s", stop).isZero();
    assertThat(server.task(taskId).path("status").asText()).isEqualTo("STOPPED");
  }

  @SafeVarargs
  private Finished meterline(List<String>... argGroups) {
    List<String> args = new ArrayList<>();
    for (List<String> group : argGroups) {
      args.addAll(group);
    }
    return ChildProcess.run(dir, ChildProcess.meterline(args), Map.of());
  }

  private static String launchTask() {
    return server
        .post(
            "/tasks",
            Map.of(
                "awsAccountId",
                SUBSCRIBED_BUYER,
                "region",
                "us-east-1",
                "platform",
                "FARGATE",
                "productCode",
                server.hourlyProduct))
        .path("taskId")
        .asText();
  }

  private Path writeServerJson(String endpoint, String adminToken) throws IOException {
    Path dataDir = Files.createDirectories(dir.resolve("data"));
    JsonNode info = JSON.createObjectNode().put("endpoint", endpoint).put("adminToken", adminToken);
    Files.write(dataDir.resolve("server.json"), JSON.writeValueAsBytes(info));
    return dataDir;
  }

  private static Map<String, String> parseEnv(List<String> lines) {
    Map<String, String> env = new LinkedHashMap<>();
    lines.stream()
        .filter(l -> !l.startsWith("#") && l.contains("="))
        .forEach(l -> env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
    return env;
  }
}
