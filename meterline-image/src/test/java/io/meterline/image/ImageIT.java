package io.meterline.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image tarball as a container runtime reads it: its config (entrypoint, port, user, volume)
 * and its layers, unpacked into a directory and started there as the image's user, the way a
 * runtime would (a root directory of its own, /proc mounted), with no Docker engine.
 */
class ImageIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Map<String, byte[]> files;
  private static JsonNode config;

  @BeforeAll
  static void readTarball() throws IOException {
    files = entries(Files.newInputStream(Path.of(System.getProperty("image.tar"))));
    JsonNode manifest = JSON.readTree(files.get("manifest.json")).get(0);
    config = JSON.readTree(files.get(manifest.get("Config").asText())).get("config");
  }

  @Test
  void config_startsTheServerAsANonRootUser_withTheDataDirectoryAsAVolume() {
    assertThat(texts(config.get("Entrypoint")))
        .containsExactly(
            "/opt/java/bin/java",
            "-XX:MaxRAMPercentage=75",
            "-cp",
            "@/app/jib-classpath-file",
            "io.meterline.cli.Main");
    assertThat(texts(config.get("Cmd")))
        .containsExactly("serve", "--host", "0.0.0.0", "--data-dir", "/data");
    assertThat(config.get("ExposedPorts").has("6387/tcp")).isTrue();
    assertThat(config.get("Volumes").has("/data")).isTrue();
    assertThat(config.get("User").asText()).isEqualTo("10001:10001");
    assertThat(texts(config.get("Env"))).contains("PATH=/opt/java/bin", "HOME=/data");
  }

  @Test
  void layers_holdTheRuntimeTheLibrariesAndTheApplication() throws IOException {
    Map<String, TarArchiveEntry> paths = layerEntries();
    assertThat(paths)
        .containsKeys(
            "opt/java/bin/java",
            "lib/x86_64-linux-gnu/libc.so.6",
            "lib64/ld-linux-x86-64.so.2",
            "app/jib-classpath-file",
            "etc/passwd",
            "data",
            "tmp");
    // The meterline command's jar: meterline.jar from the reactor, the versioned name from ~/.m2.
    assertThat(paths.keySet()).anyMatch(p -> p.matches("app/libs/meterline(-cli-.*)?\\.jar"));
    assertThat(paths.get("opt/java/bin/java").getMode() & 0111).isNotZero();
    assertThat(paths.get("data").getMode() & 0777).isEqualTo(0777);
  }

  /**
   * The layers unpacked into a directory, the entrypoint and command run there as user 10001
   * through chroot with /proc mounted (as root, which CI is), and the server answers /ready.
   */
  @Test
  void theImage_runsTheServer_asItsUser() throws Exception {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")) || "true".equals(System.getenv("CI")),
        "running the image's file system needs root (chroot, mount)");
    Path root =
        Files.createTempDirectory(
            "meterline-image",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    unpackLayers(root);
    Files.createDirectories(root.resolve("proc"));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> command = new ArrayList<>(texts(config.get("Entrypoint")));
    command.addAll(texts(config.get("Cmd")));
    command.addAll(List.of("--port", String.valueOf(port)));
    String inChroot =
        "/usr/bin/mount -t proc proc \"$1/proc\" && shift"
            + " && exec /usr/sbin/chroot --userspec=\"$USERSPEC\" \"$@\"";
    List<String> argv =
        new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--fork", "/bin/sh", "-c"));
    argv.add(inChroot);
    argv.add("sh");
    argv.add(root.toString());
    argv.add(root.toString());
    argv.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    builder.environment().clear();
    texts(config.get("Env"))
        .forEach(
            e ->
                builder
                    .environment()
                    .put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1)));
    builder.environment().put("USERSPEC", config.get("User").asText());
    Path log = root.resolve("server.log");
    Process server = builder.redirectOutput(log.toFile()).start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      Instant deadline = Instant.now().plusSeconds(60);
      int status = 0;
      while (status != 200 && server.isAlive() && Instant.now().isBefore(deadline)) {
        try {
          status =
              http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode();
        } catch (IOException notYet) {
          TimeUnit.MILLISECONDS.sleep(200);
        }
      }
      String output = Files.readString(log);
      assertThat(status)
          .as("GET /ready of the server in the image; it printed:%n%s", output)
          .isEqualTo(200);
      assertThat(output).contains("Admin token:", "(kept in /data/admin.token)");
      String token = output.replaceAll("(?s).*Admin token: (\\S+).*", "$1");
      HttpResponse<String> product =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/v1/products"))
                  .header("Authorization", "Bearer " + token)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"name\":\"Image\",\"pricing\":\"CUSTOM\",\"sellerAccountId\":"
                              + "\"111122223333\",\"dimensions\":[{\"name\":\"Hosts\",\"price\":\"0.10\"}]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(product.statusCode()).as(product.body()).isEqualTo(201);
      assertThat(product.body()).contains("\"publicKeyPem\"");
      assertThat(root.resolve("data/meterline.db")).exists();
      assertThat(Files.getOwner(root.resolve("data/meterline.db")).getName())
          .as("the database belongs to the image's user")
          .isIn("10001", "meterline");
    } finally {
      // SIGTERM to the server itself (unshare does not pass it on), as a runtime's stop does.
      List<ProcessHandle> tree = server.descendants().toList();
      tree.forEach(ProcessHandle::destroy);
      server.waitFor(30, TimeUnit.SECONDS);
      tree.forEach(ProcessHandle::destroyForcibly);
      server.destroyForcibly();
    }
    assertThat(Files.readString(log)).contains("meterline serve: stopped");
  }

  private static Map<String, TarArchiveEntry> layerEntries() throws IOException {
    Map<String, TarArchiveEntry> all = new HashMap<>();
    for (String layer : layers()) {
      try (TarArchiveInputStream tar = layerStream(layer)) {
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
          all.put(
              e.getName().replaceFirst("^\\./", "").replaceFirst("^/", "").replaceFirst("/$", ""),
              e);
        }
      }
    }
    return all;
  }

  private static void unpackLayers(Path root) throws IOException {
    for (String layer : layers()) {
      try (TarArchiveInputStream tar = layerStream(layer)) {
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
          Path target = root.resolve(e.getName().replaceFirst("^/", "")).normalize();
          assertThat(target.startsWith(root)).as("%s stays in the image", e.getName()).isTrue();
          if (e.isDirectory()) {
            Files.createDirectories(target);
          } else {
            Files.createDirectories(target.getParent());
            Files.copy(tar, target);
          }
          Files.setPosixFilePermissions(
              target, PosixFilePermissions.fromString(rwx(e.getMode() & 0777)));
        }
      }
    }
  }

  private static List<String> layers() {
    JsonNode manifest;
    try {
      manifest = JSON.readTree(files.get("manifest.json")).get(0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return texts(manifest.get("Layers"));
  }

  private static TarArchiveInputStream layerStream(String layer) throws IOException {
    return new TarArchiveInputStream(
        new GzipCompressorInputStream(new ByteArrayInputStream(files.get(layer))));
  }

  private static Map<String, byte[]> entries(InputStream in) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (!e.isDirectory()) {
          out.put(e.getName(), tar.readAllBytes());
        }
      }
    }
    return out;
  }

  private static String rwx(int mode) {
    StringBuilder s = new StringBuilder();
    for (int shift = 6; shift >= 0; shift -= 3) {
      int bits = mode >> shift;
      s.append((bits & 4) != 0 ? 'r' : '-')
          .append((bits & 2) != 0 ? 'w' : '-')
          .append((bits & 1) != 0 ? 'x' : '-');
    }
    return s.toString();
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
