package io.meterline.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.meterline.server.ledger.TaskTime.Slice;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Task time: per second with a one-minute minimum, split into hour buckets (SPEC §2; facts §4.5
 * "prorated to the second, with a 1-minute minimum").
 */
class TaskTimeTest {
  private static final Instant TEN = Instant.parse("2026-03-01T10:00:00Z");

  private static Instant at(String time) {
    return Instant.parse("2026-03-01T" + time + "Z");
  }

  @Test
  void split_twoWholeHours_isTwoFullBuckets() {
    assertThat(TaskTime.split(TEN, at("12:00:00")))
        .containsExactly(new Slice(TEN, 3600), new Slice(at("11:00:00"), 3600));
  }

  @Test
  void split_startAtHalfPastRunningNinetyMinutes_isHalfAnHourThenAWholeHour() {
    assertThat(TaskTime.split(at("10:30:00"), at("12:00:00")))
        .containsExactly(new Slice(TEN, 1800), new Slice(at("11:00:00"), 3600));
  }

  @Test
  void split_insideOneHour_isOneBucketOfTheSeconds() {
    assertThat(TaskTime.split(at("10:05:00"), at("10:25:30")))
        .containsExactly(new Slice(TEN, 20 * 60 + 30));
  }

  @Test
  void split_stopInTheMiddleOfASecond_countsThatSecond() {
    assertThat(TaskTime.split(TEN, at("10:01:30.001"))).containsExactly(new Slice(TEN, 91));
  }

  @Test
  void split_fractionalStartAndStop_billsTheRunningTimeRoundedUpToTheSecond() {
    // 10:00:00.700 to 10:01:40.200 is 99.5 s: a started second counts, so 100 s, not 101.
    assertThat(TaskTime.split(at("10:00:00.700"), at("10:01:40.200")))
        .containsExactly(new Slice(TEN, 100));
  }

  @Test
  void split_exactlyFiveMinutesFromMidSecond_isThreeHundredSeconds() {
    // The service clock keeps milliseconds, so tasks start mid-second; five minutes are 300 s.
    assertThat(TaskTime.split(at("10:00:00.250"), at("10:05:00.250")))
        .containsExactly(new Slice(TEN, 300));
  }

  @Test
  void split_tenSeconds_isTheOneMinuteMinimum() {
    assertThat(TaskTime.split(at("10:20:00"), at("10:20:10"))).containsExactly(new Slice(TEN, 60));
  }

  @Test
  void split_zeroSeconds_isTheOneMinuteMinimum() {
    assertThat(TaskTime.split(at("10:20:00"), at("10:20:00"))).containsExactly(new Slice(TEN, 60));
  }

  @Test
  void split_minimumOfATaskStartedLateInTheHour_spillsIntoTheNextHour() {
    assertThat(TaskTime.split(at("10:59:30"), at("10:59:40")))
        .containsExactly(new Slice(TEN, 30), new Slice(at("11:00:00"), 30));
  }

  @Test
  void split_exactlyOneMinute_isNotRaised() {
    assertThat(TaskTime.split(at("10:59:00"), at("11:00:00"))).containsExactly(new Slice(TEN, 60));
  }

  @Test
  void split_stopBeforeStart_billsTheMinimumFromTheStart() {
    // A test clock set backwards can stop a task "before" it started; it ran, so the minimum.
    assertThat(TaskTime.split(at("10:30:00"), at("09:00:00"))).containsExactly(new Slice(TEN, 60));
  }

  @Test
  void split_acrossMidnightAndAMonthEnd_bucketsEachHour() {
    assertThat(
            TaskTime.split(
                Instant.parse("2026-03-31T23:15:00Z"), Instant.parse("2026-04-01T00:45:00Z")))
        .containsExactly(
            new Slice(Instant.parse("2026-03-31T23:00:00Z"), 2700),
            new Slice(Instant.parse("2026-04-01T00:00:00Z"), 2700));
  }

  @Test
  void split_aDay_hasTwentyFourBucketsSummingToTheDay() {
    var slices = TaskTime.split(TEN, TEN.plusSeconds(86_400));

    assertThat(slices).hasSize(24).allSatisfy(s -> assertThat(s.seconds()).isEqualTo(3600));
    assertThat(slices.get(23).hour()).isEqualTo(TEN.plusSeconds(23 * 3600));
  }
}
