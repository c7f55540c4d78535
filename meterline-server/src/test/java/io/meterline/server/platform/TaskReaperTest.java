package io.meterline.server.platform;

import static io.meterline.server.platform.PlatformFixtures.registerUsage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.config.Limits;
import io.meterline.server.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The sweep for tasks that died without a stop ({@link TaskReaper}): a running task's SDK fetches
 * new credentials before the old ones expire, so a task whose newest credentials expired (in real
 * time) is stopped at the sweep's service time, with its task time metered up to then.
 */
class TaskReaperTest {
  private static final Duration TTL = Duration.ofMinutes(2);
  private static final MutableClock REAL = new MutableClock();

  // Sweeps only when a test runs one: the timer's first sweep is an hour away.
  @RegisterExtension
  static final PlatformFixtures f =
      PlatformFixtures.configured(
          b ->
              b.limits(Limits.defaults().withCredentialTtl(TTL).withTaskSweep(Duration.ofHours(1))),
          REAL);

  @AfterEach
  void cleanUp() {
    REAL.reset();
  }

  /**
   * A subscribed buyer's Fargate task admitted for an HOURLY product by RegisterUsage, started at
   * half past an hour.
   */
  private record Admitted(String productCode, JsonNode task, Instant hour) {}

  private static Admitted admitted() {
    PlatformFixtures.Subscribed s = f.subscribed("HOURLY");
    // Half past an hour: on a whole second, so the task time shows the sweep and not TaskTime's
    // rounding, and with the half hour ahead for the minutes a test lets the task run, so its
    // task time is one row of that hour.
    Instant start = f.halfPastNextHour();
    JsonNode task = f.task(s.buyer(), "FARGATE");
    registerUsage(f.taskClient(task), s.productCode());
    return new Admitted(s.productCode(), task, start.truncatedTo(ChronoUnit.HOURS));
  }

  /** The one task time row the task of {@code a} left, in its hour; fails if there is another. */
  private static JsonNode onlyTaskTimeRow(Admitted a) {
    List<JsonNode> rows = f.taskTime(a.productCode());
    assertThat(rows).as("task time rows of %s", a.task().get("taskId").asText()).hasSize(1);
    JsonNode row = rows.get(0);
    assertThat(row.get("taskId").asText()).isEqualTo(a.task().get("taskId").asText());
    assertThat(Instant.parse(row.get("hour").asText())).isEqualTo(a.hour());
    return row;
  }

  private static Instant credentialsExpireAt(JsonNode task) {
    return Instant.parse(f.taskNow(task).get("credentialsExpireAt").asText());
  }

  /** Moves the real clock to this much after the instant. */
  private static void realClockTo(Instant instant, Duration after) {
    REAL.shift(Duration.between(REAL.instant(), instant.plus(after)));
  }

  private static int sweep() {
    return f.server().taskReaper().sweep();
  }

  private static String status(JsonNode task) {
    return f.taskNow(task).get("status").asText();
  }

  @Test
  void sweep_taskWhoseCredentialsExpired_isStoppedWithItsTaskTime() {
    Admitted a = admitted();
    Instant started = Instant.parse(a.task().get("startedAt").asText());
    Instant stopAt = Instant.parse(f.admin().advanceClock("PT5M").get("now").asText());
    realClockTo(credentialsExpireAt(a.task()), Duration.ofSeconds(1));

    int stopped = sweep();

    assertThat(stopped).isGreaterThanOrEqualTo(1);
    JsonNode task = f.taskNow(a.task());
    assertThat(task.get("status").asText()).isEqualTo("STOPPED");
    assertThat(Instant.parse(task.get("stoppedAt").asText()))
        .as("stopped at the sweep's service time")
        .isEqualTo(stopAt);
    assertThat(onlyTaskTimeRow(a).get("quantity").asLong())
        .isEqualTo(Duration.between(started, stopAt).toSeconds());
  }

  @Test
  void sweep_beforeTheCredentialsExpire_leavesTheTaskRunning() {
    Admitted a = admitted();
    realClockTo(credentialsExpireAt(a.task()), Duration.ofSeconds(-10));

    sweep();

    assertThat(status(a.task())).isEqualTo("RUNNING");
    assertThat(f.taskTime(a.productCode())).isEmpty();
  }

  @Test
  void sweep_taskThatRefetchedItsCredentials_runsUntilTheNewestSetExpires() {
    Admitted a = admitted();
    Instant firstExpiry = credentialsExpireAt(a.task());
    REAL.shift(Duration.ofSeconds(90));
    Instant newestExpiry =
        Instant.parse(f.fetchCredentials(a.task()).json().get("Expiration").asText());
    assertThat(newestExpiry).isAfter(firstExpiry.plusSeconds(60));

    realClockTo(firstExpiry, Duration.ofSeconds(10));
    sweep();
    assertThat(status(a.task())).as("past the first set's expiry").isEqualTo("RUNNING");

    realClockTo(newestExpiry, Duration.ofSeconds(1));
    sweep();
    assertThat(status(a.task())).as("past the newest set's expiry").isEqualTo("STOPPED");
    assertThat(f.taskTime(a.productCode())).isNotEmpty();
  }

  @Test
  void sweep_podThatRefreshedThroughSts_runsUntilTheNewestSetExpires() {
    PlatformFixtures.Subscribed s = f.subscribed("HOURLY");
    JsonNode pod = f.task(s.buyer(), "EKS");
    registerUsage(f.taskClient(pod), s.productCode());
    Instant firstExpiry = credentialsExpireAt(pod);
    REAL.shift(Duration.ofSeconds(90));
    String token =
        pod.get("files").get(PlatformFixtures.env(pod, "AWS_WEB_IDENTITY_TOKEN_FILE")).asText();
    StsClient sts =
        f.track(
            StsClient.builder()
                .endpointOverride(URI.create(PlatformFixtures.env(pod, "AWS_ENDPOINT_URL_STS")))
                .region(Region.of(PlatformFixtures.env(pod, "AWS_REGION")))
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .httpClientBuilder(ApacheHttpClient.builder())
                .build());
    Instant newestExpiry =
        sts.assumeRoleWithWebIdentity(
                b ->
                    b.roleArn(PlatformFixtures.env(pod, "AWS_ROLE_ARN"))
                        .roleSessionName("reaper-test")
                        .webIdentityToken(token))
            .credentials()
            .expiration();

    realClockTo(firstExpiry, Duration.ofSeconds(10));
    sweep();
    assertThat(status(pod)).as("past the first set's expiry").isEqualTo("RUNNING");

    realClockTo(newestExpiry, Duration.ofSeconds(1));
    sweep();
    assertThat(status(pod)).as("past the newest set's expiry").isEqualTo("STOPPED");
  }

  @Test
  void sweep_again_leavesStoppedTasksAsTheyWere() {
    Admitted a = admitted();
    f.admin().advanceClock("PT3M");
    realClockTo(credentialsExpireAt(a.task()), Duration.ofSeconds(1));
    sweep();
    JsonNode stopped = f.taskNow(a.task());
    List<JsonNode> rows = f.taskTime(a.productCode());

    int again = sweep();
    f.admin().advanceClock("PT1H");
    REAL.shift(Duration.ofMinutes(5));
    sweep();

    assertThat(again).as("nothing left to stop at the same real time").isZero();
    assertThat(f.taskNow(a.task()).get("stoppedAt").asText())
        .isEqualTo(stopped.get("stoppedAt").asText());
    assertThat(f.taskTime(a.productCode())).isEqualTo(rows);
  }

  @Test
  void sweep_taskStoppedByItsOwner_isNotStoppedAgain() {
    Admitted a = admitted();
    f.admin().advanceClock("PT10M");
    JsonNode stopped = f.admin().stopTask(a.task().get("taskId").asText());
    List<JsonNode> rows = f.taskTime(a.productCode());
    f.admin().advanceClock("PT10M");
    realClockTo(credentialsExpireAt(a.task()), Duration.ofMinutes(1));

    sweep();

    assertThat(f.taskNow(a.task()).get("stoppedAt").asText())
        .isEqualTo(stopped.get("stoppedAt").asText());
    assertThat(onlyTaskTimeRow(a).get("quantity").asLong())
        .as("the owner's stop metered the task's ten minutes")
        .isEqualTo(600);
    assertThat(f.taskTime(a.productCode())).isEqualTo(rows);
  }

  @Test
  void sweep_stoppedTasksCredentials_noLongerSignRequests() {
    Admitted a = admitted();
    realClockTo(credentialsExpireAt(a.task()), Duration.ofSeconds(1));
    sweep();
    REAL.reset();

    assertThat(f.fetchCredentials(a.task()).status())
        .as("the container endpoint of a reaped task")
        .isEqualTo(403);
  }
}
