package io.meterline.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.Meterline;
import io.meterline.server.MeterlineServer;
import io.meterline.server.config.ServerConfig;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClientBuilder;

/**
 * A real server on a random port, started through the same wiring function as {@code meterline
 * serve}, with a test clock and SQLite in a temporary directory unless configured otherwise. A test
 * class declares its server with {@link ServerExtension}; a test that decides itself when its
 * server stops (a shutdown, a restart) starts one here.
 */
public final class TestServer implements AutoCloseable {
  public static final String ADMIN_TOKEN = "test-admin-token";

  private final MeterlineServer server;
  private final AdminClient admin;
  private final Path dataDir;

  private TestServer(MeterlineServer server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
    this.admin = new AdminClient(server.endpoint(), ADMIN_TOKEN);
  }

  /** A server on SQLite with a test clock. */
  public static TestServer start() {
    return start(UnaryOperator.identity(), Clock.systemUTC());
  }

  /** A server whose configuration the caller adjusts, on the given real clock. */
  public static TestServer start(UnaryOperator<ServerConfig.Builder> adjust, Clock realClock) {
    try {
      Path dir = Files.createTempDirectory("meterline-test");
      ServerConfig config =
          adjust
              .apply(
                  ServerConfig.builder(dir)
                      .port(0)
                      .adminToken(ADMIN_TOKEN)
                      .testClock(true)
                      // A stalled fsync on a busy test machine must not turn requests away:
                      // shedding is tested where it is meant to happen.
                      .maxQueueWait(Duration.ofSeconds(30)))
              .build();
      return new TestServer(Meterline.start(config, realClock), dir);
    } catch (Exception e) {
      throw new IllegalStateException("the test server did not start", e);
    }
  }

  public URI endpoint() {
    return server.endpoint();
  }

  /** A plain socket to the server, for raw HTTP; reads time out after 5 s. */
  public Socket socket() throws IOException {
    Socket socket = new Socket(endpoint().getHost(), endpoint().getPort());
    socket.setSoTimeout(5_000);
    return socket;
  }

  public AdminClient admin() {
    return admin;
  }

  public MeterlineServer server() {
    return server;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** An SDK client with these credentials and region, retries off: errors show as they are. */
  public MarketplaceMeteringClient client(AwsCredentials credentials, String region) {
    return clientBuilder(credentials, region)
        .overrideConfiguration(
            o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
        .build();
  }

  /**
   * A builder of SDK clients pointed at this server with these credentials and region, and
   * otherwise the SDK's defaults (retries included), for tests that need another endpoint, retry
   * policy or an interceptor.
   */
  public MarketplaceMeteringClientBuilder clientBuilder(AwsCredentials credentials, String region) {
    return MarketplaceMeteringClient.builder()
        .endpointOverride(endpoint())
        .region(Region.of(region))
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClientBuilder(ApacheHttpClient.builder());
  }

  /** An SDK client signed with a task's temporary credentials, in the task's region. */
  public MarketplaceMeteringClient taskClient(JsonNode task) {
    return client(taskCredentials(task), task.get("region").asText());
  }

  /** The temporary credentials of a task created through the admin API. */
  public static AwsSessionCredentials taskCredentials(JsonNode task) {
    JsonNode c = task.get("credentials");
    return AwsSessionCredentials.create(
        c.get("accessKeyId").asText(),
        c.get("secretAccessKey").asText(),
        c.get("sessionToken").asText());
  }

  /** The credentials of an access key created through the admin API. */
  public static AwsBasicCredentials keyCredentials(JsonNode key) {
    return AwsBasicCredentials.create(
        key.get("accessKeyId").asText(), key.get("secretAccessKey").asText());
  }

  @Override
  public void close() {
    server.close();
  }
}
