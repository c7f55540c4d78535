package io.meterline.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.MeterlineServer;
import io.meterline.server.config.ServerConfig;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClientBuilder;

/**
 * A test class's real server as a JUnit extension: a {@link TestServer} (same wiring function and
 * defaults) started before the class's first test and closed after its last, with the clients made
 * through it closed when the test, or the class, that made them ends.
 *
 * <pre>
 * &#64;RegisterExtension static final ServerExtension server = ServerExtension.withDefaults();
 * </pre>
 *
 * <p>A client made during a test (or its {@code @BeforeEach}) is closed after that test; one made
 * in {@code @BeforeAll} lives until the server closes. A {@code @Nested} class shares its outer
 * class's server. Outside JUnit, {@link #start()} and {@link #close()} give a server for a block of
 * code.
 */
public class ServerExtension
    implements BeforeAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        AfterAllCallback,
        AutoCloseable {
  private final UnaryOperator<ServerConfig.Builder> adjust;
  private final Clock realClock;
  private final List<AutoCloseable> perTest = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> perClass = new CopyOnWriteArrayList<>();
  private volatile TestServer server;
  private volatile boolean inTest;
  private Class<?> owner;

  /** A server configured by {@code adjust} on top of the test defaults, on this real clock. */
  protected ServerExtension(UnaryOperator<ServerConfig.Builder> adjust, Clock realClock) {
    this.adjust = adjust;
    this.realClock = realClock;
  }

  /** A server with the test defaults: SQLite, test clock, the system's real clock. */
  public static ServerExtension withDefaults() {
    return new ServerExtension(UnaryOperator.identity(), Clock.systemUTC());
  }

  /** A server whose configuration the test adjusts, on the system's real clock. */
  public static ServerExtension configured(UnaryOperator<ServerConfig.Builder> adjust) {
    return new ServerExtension(adjust, Clock.systemUTC());
  }

  /** A server with the test defaults on this real clock (for tests that move real time). */
  public static ServerExtension onRealClock(Clock realClock) {
    return new ServerExtension(UnaryOperator.identity(), realClock);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Starts the server; {@link #close()} stops it. */
  public ServerExtension start() {
    if (server != null) {
      throw new IllegalStateException("the server is already running at " + server.endpoint());
    }
    server = TestServer.start(adjust, realClock);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (server == null) {
      owner = context.getRequiredTestClass();
      start();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    inTest = true;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    inTest = false;
    closeAll(perTest);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getRequiredTestClass() == owner) {
      close();
    }
  }

  /** Closes the clients still open, then the server. */
  @Override
  public void close() {
    List<AutoCloseable> open = new ArrayList<>(perTest);
    open.addAll(perClass);
    perTest.clear();
    perClass.clear();
    try {
      closeAll(open);
    } finally {
      TestServer running = server;
      server = null;
      if (running != null) {
        running.close();
      }
    }
  }

  private static void closeAll(List<AutoCloseable> closeables) {
    IllegalStateException failure = null;
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing " + c + " failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    closeables.clear();
    if (failure != null) {
      throw failure;
    }
  }

  private TestServer running() {
    TestServer running = server;
    if (running == null) {
      throw new IllegalStateException(
          "the server is not running: register the extension on a static @RegisterExtension"
              + " field, or call start()");
    }
    return running;
  }

  // ---- the server ---------------------------------------------------------------------------

  /** The endpoint to point clients at, on a random port. */
  public URI endpoint() {
    return running().endpoint();
  }

  /** A plain socket to the server, for raw HTTP; reads time out after 5 s. */
  public Socket socket() throws IOException {
    return running().socket();
  }

  /** The admin API with the test token. */
  public AdminClient admin() {
    return running().admin();
  }

  /** The server itself, for what only its insides show (the service clock, the database). */
  public MeterlineServer server() {
    return running().server();
  }

  // ---- clients, closed when the test or class that made them ends ----------------------------

  /** Closes this when the test (or, outside a test, the class) that made it ends. */
  public <T extends AutoCloseable> T track(T closeable) {
    (inTest ? perTest : perClass).add(closeable);
    return closeable;
  }

  /** An SDK client with these credentials and region, retries off: errors show as they are. */
  public MarketplaceMeteringClient client(AwsCredentials credentials, String region) {
    return track(running().client(credentials, region));
  }

  /** An SDK client signed with a task's temporary credentials, in the task's region. */
  public MarketplaceMeteringClient taskClient(JsonNode task) {
    return track(running().taskClient(task));
  }

  /**
   * A builder of SDK clients pointed at the server with the SDK's defaults (retries included); the
   * test passes what it builds to {@link #track}.
   */
  public MarketplaceMeteringClientBuilder clientBuilder(AwsCredentials credentials, String region) {
    return running().clientBuilder(credentials, region);
  }

  // ---- accounts and the service clock -------------------------------------------------------

  /** A 12-digit account id nobody has used yet (the account is not created). */
  public static String newAccountId() {
    return String.format(
        "%012d", ThreadLocalRandom.current().nextLong(100_000_000_000L, 1_000_000_000_000L));
  }

  /** A new buyer account's id. */
  public String buyer() {
    return admin().buyer(newAccountId()).get("awsAccountId").asText();
  }

  /** The service time. */
  public Instant now() {
    return admin().now();
  }

  /**
   * Moves the service clock forward to half past the next hour and returns that time, so a test has
   * the whole half hour either side inside one hour bucket.
   */
  public Instant halfPastNextHour() {
    Instant target = now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(90));
    return Instant.parse(admin().setClock(target.toString()).get("now").asText());
  }
}
