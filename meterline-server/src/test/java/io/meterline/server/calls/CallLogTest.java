package io.meterline.server.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The call log's ring: bounded, newest first, filtered. */
class CallLogTest {
  private static CallLog log(int size) {
    return new CallLog(size, Clock.systemUTC(), Clock.systemUTC());
  }

  private static void add(CallLog log, String id, String outcome) {
    Call call = log.open(id, "MeterUsage");
    if (outcome.equals(CallRecord.OK)) {
      call.succeeded();
    } else {
      call.failed(outcome, "why");
    }
  }

  @Test
  void keepsTheNewestCalls_newestFirst_theOldestGivingWay() {
    CallLog log = log(3);
    for (int i = 1; i <= 5; i++) {
      add(log, "r" + i, CallRecord.OK);
    }

    assertThat(log.newest(r -> true, 10))
        .extracting(CallRecord::requestId)
        .containsExactly("r5", "r4", "r3");
    assertThat(log.newest(r -> true, 2))
        .extracting(CallRecord::requestId)
        .containsExactly("r5", "r4");
  }

  @Test
  void filter_selectsAmongTheKeptCalls() {
    CallLog log = log(10);
    add(log, "a", CallRecord.OK);
    add(log, "b", "DuplicateRequestException");
    add(log, "c", CallRecord.OK);

    assertThat(log.newest(r -> r.outcome().equals(CallRecord.OK), 10))
        .extracting(CallRecord::requestId)
        .containsExactly("c", "a");
  }

  @Test
  void sizeZero_keepsNothing() {
    CallLog log = log(0);
    add(log, "a", CallRecord.OK);

    assertThat(log.newest(r -> true, 10)).isEmpty();
  }

  @Test
  void whatTheCallLearnt_isInItsRecord() {
    CallLog log = log(5);
    Call call = log.open("req", "BatchMeterUsage");
    call.caller("111122223333", null);
    call.productCode("prod");
    call.meteringRecordIds(List.of("m1", "m2"));
    call.succeeded();

    CallRecord r = log.newest(x -> true, 1).get(0);
    assertThat(r.awsAccountId()).isEqualTo("111122223333");
    assertThat(r.productCode()).isEqualTo("prod");
    assertThat(r.meteringRecordIds()).containsExactly("m1", "m2");
    assertThat(r.operation()).isEqualTo("BatchMeterUsage");
    assertThat(r.outcome()).isEqualTo("OK");
  }

  @Test
  void manyWriters_neverMoreThanTheSize_andEveryKeptCallWhole() throws Exception {
    CallLog log = log(100);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch done = new CountDownLatch(4);
    for (int t = 0; t < 4; t++) {
      int thread = t;
      pool.execute(
          () -> {
            for (int i = 0; i < 10_000; i++) {
              add(log, thread + "-" + i, CallRecord.OK);
            }
            done.countDown();
          });
    }
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    pool.shutdown();

    List<CallRecord> kept = log.newest(r -> true, 1000);
    assertThat(kept).hasSize(100).allSatisfy(r -> assertThat(r.requestId()).contains("-"));
  }
}
