package io.meterline.server.platform;

import static io.meterline.server.platform.PlatformFixtures.meterUsage;
import static io.meterline.server.platform.PlatformFixtures.registerUsage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Task time in the ledger (SPEC §2 "Task time is metered from start to stop, per second with a
 * one-minute minimum, split into hour buckets, for products priced hourly or monthly"): what a task
 * leaves behind when it stops, on the test clock.
 */
class TaskTimeLedgerTest {
  @RegisterExtension static final PlatformFixtures f = PlatformFixtures.withDefaults();

  /** A task of the product's buyer, started at half past an hour and admitted by RegisterUsage. */
  private record Admitted(String productCode, JsonNode task, Instant startedAt) {}

  private static Admitted admittedAtHalfPast(String pricing, String platform) {
    PlatformFixtures.Subscribed s = f.subscribed(pricing);
    Instant start = f.halfPastNextHour();
    JsonNode task = f.task(s.buyer(), platform);
    registerUsage(f.taskClient(task), s.productCode());
    return new Admitted(s.productCode(), task, start);
  }

  private static JsonNode stop(JsonNode task) {
    return f.admin().stopTask(task.get("taskId").asText());
  }

  private static void assertRow(JsonNode row, Admitted a, Instant hour, long seconds) {
    assertThat(row.get("source").asText()).isEqualTo("TASK_TIME");
    assertThat(row.get("dimension").asText()).isEqualTo("TaskTime");
    assertThat(row.get("productCode").asText()).isEqualTo(a.productCode());
    assertThat(row.get("awsAccountId").asText()).isEqualTo(a.task().get("awsAccountId").asText());
    assertThat(row.get("taskId").asText()).isEqualTo(a.task().get("taskId").asText());
    assertThat(Instant.parse(row.get("hour").asText())).isEqualTo(hour);
    assertThat(row.get("quantity").asLong()).isEqualTo(seconds);
  }

  @ParameterizedTest
  @ValueSource(strings = {"HOURLY", "MONTHLY"})
  void stop_afterNinetyMinutesFromHalfPast_recordsHalfAnHourThenAWholeHour(String pricing) {
    Admitted a = admittedAtHalfPast(pricing, "FARGATE");
    Instant hour = a.startedAt().truncatedTo(ChronoUnit.HOURS);
    f.admin().advanceClock("PT90M");

    JsonNode stopped = stop(a.task());

    assertThat(stopped.get("status").asText()).isEqualTo("STOPPED");
    List<JsonNode> rows = f.taskTime(a.productCode());
    assertThat(rows).hasSize(2);
    assertRow(rows.get(0), a, hour, 1800);
    assertRow(rows.get(1), a, hour.plus(Duration.ofHours(1)), 3600);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ECS", "EKS"})
  void stop_ofAnAdmittedTaskOnOtherPlatforms_recordsTaskTime(String platform) {
    Admitted a = admittedAtHalfPast("HOURLY", platform);
    f.admin().advanceClock("PT20M");

    stop(a.task());

    List<JsonNode> rows = f.taskTime(a.productCode());
    assertThat(rows).hasSize(1);
    assertRow(rows.get(0), a, a.startedAt().truncatedTo(ChronoUnit.HOURS), 1200);
  }

  @Test
  void runningTask_hasNoTaskTimeUntilItStops() {
    Admitted a = admittedAtHalfPast("HOURLY", "FARGATE");
    f.admin().advanceClock("PT90M");

    assertThat(f.taskTime(a.productCode())).isEmpty();
  }

  @Test
  void stop_ofATaskOfACustomProductAdmittedByMeterUsage_recordsNoTaskTime() {
    PlatformFixtures.Subscribed s = f.subscribed("CUSTOM");
    f.halfPastNextHour();
    JsonNode task = f.task(s.buyer(), "FARGATE");
    meterUsage(f.taskClient(task), s.productCode(), f.now(), 4);
    f.admin().advanceClock("PT90M");

    stop(task);

    List<JsonNode> rows = f.usage(s.productCode());
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("source").asText()).isNotEqualTo("TASK_TIME");
    assertThat(f.taskTime(s.productCode())).isEmpty();
  }

  @Test
  void stop_ofATaskNeverAdmitted_recordsNoTaskTime() {
    PlatformFixtures.Subscribed s = f.subscribed("HOURLY");
    f.halfPastNextHour();
    JsonNode task = f.task(s.buyer(), "FARGATE");
    f.admin().advanceClock("PT90M");

    stop(task);

    assertThat(f.usage(s.productCode())).isEmpty();
  }

  @Test
  void stop_ofATaskLaunchedForTheProductButNeverAdmitted_recordsNoTaskTime() {
    PlatformFixtures.Subscribed s = f.subscribed("HOURLY");
    f.halfPastNextHour();
    var body = PlatformFixtures.taskBody(s.buyer(), PlatformFixtures.REGION, "FARGATE");
    body.put("productCode", s.productCode());
    JsonNode task = f.task(body);
    f.admin().advanceClock("PT90M");

    stop(task);

    assertThat(f.usage(s.productCode())).isEmpty();
  }

  @Test
  void stop_afterTenSeconds_recordsTheOneMinuteMinimum() {
    Admitted a = admittedAtHalfPast("HOURLY", "FARGATE");
    f.admin().advanceClock("PT10S");

    stop(a.task());

    List<JsonNode> rows = f.taskTime(a.productCode());
    assertThat(rows).hasSize(1);
    assertRow(rows.get(0), a, a.startedAt().truncatedTo(ChronoUnit.HOURS), 60);
  }

  @Test
  void stop_ofATaskStartedMidSecond_recordsExactlyItsRunningTime() {
    PlatformFixtures.Subscribed s = f.subscribed("HOURLY");
    Instant start = f.halfPastNextHour().plusMillis(250);
    f.admin().setClock(start.toString());
    JsonNode task = f.task(s.buyer(), "FARGATE");
    registerUsage(f.taskClient(task), s.productCode());
    f.admin().advanceClock("PT5M");

    stop(task);

    assertThat(f.taskTime(s.productCode()))
        .singleElement()
        .satisfies(r -> assertThat(r.get("quantity").asLong()).isEqualTo(300));
  }

  @Test
  void stop_twice_isConflictAndRecordsNothingMore() {
    Admitted a = admittedAtHalfPast("HOURLY", "FARGATE");
    f.admin().advanceClock("PT90M");
    JsonNode first = stop(a.task());
    List<JsonNode> rows = f.taskTime(a.productCode());
    f.admin().advanceClock("PT1H");

    var again = f.admin().send("DELETE", "/tasks/" + a.task().get("taskId").asText(), null);

    assertThat(again.status()).isEqualTo(409);
    assertThat(f.taskTime(a.productCode())).isEqualTo(rows);
    assertThat(f.taskNow(a.task()).get("stoppedAt").asText())
        .isEqualTo(first.get("stoppedAt").asText());
  }

  @Test
  void stop_ofATaskAdmittedForTwoProducts_recordsTaskTimeForEach() {
    PlatformFixtures.Subscribed hourly = f.subscribed("HOURLY");
    String monthly = f.product("MONTHLY");
    f.admin().subscribe(monthly, hourly.buyer());
    f.halfPastNextHour();
    JsonNode task = f.task(hourly.buyer(), "FARGATE");
    registerUsage(f.taskClient(task), hourly.productCode());
    registerUsage(f.taskClient(task), monthly);
    f.admin().advanceClock("PT15M");

    stop(task);

    assertThat(f.taskTime(hourly.productCode()))
        .singleElement()
        .satisfies(r -> assertThat(r.get("quantity").asLong()).isEqualTo(900));
    assertThat(f.taskTime(monthly))
        .singleElement()
        .satisfies(r -> assertThat(r.get("quantity").asLong()).isEqualTo(900));
  }

  @Test
  void stop_ofAnUnknownTask_is404() {
    assertThat(f.admin().send("DELETE", "/tasks/" + "0".repeat(32), null).status()).isEqualTo(404);
  }
}
