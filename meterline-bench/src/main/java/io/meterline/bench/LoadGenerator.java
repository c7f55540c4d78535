package io.meterline.bench;

import io.meterline.load.Load;
import io.meterline.load.LoadClient;
import io.meterline.load.LoadPlan;
import io.meterline.load.LoadResult;
import io.meterline.load.RequestSet;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The benchmark's load: the {@link LoadClient} in a closed loop (one request in flight per
 * connection) over pre-built requests, with the machine's CPU read over the measured period.
 */
final class LoadGenerator implements AutoCloseable {
  private final LoadClient client;

  LoadGenerator(int threads) {
    this.client = new LoadClient("bench-client", threads);
  }

  /**
   * Replays {@code requests} against {@code target}.
   *
   * @param cycle whether to reuse requests round and round (only for servers that ignore them)
   */
  RunResult run(
      String name,
      InetSocketAddress target,
      RequestSet requests,
      boolean cycle,
      int connections,
      Duration warmup,
      Duration measure)
      throws InterruptedException {
    LoadPlan plan =
        LoadPlan.of(
            name,
            target,
            connections,
            cycle ? requests.cycling() : requests.inOrder(),
            warmup,
            measure);
    try (Load load = client.connect(plan)) {
      load.start();
      // The machine's CPU over the measured period (a run that ends early is reported without).
      CpuUse cpu = CpuUse.UNMEASURED;
      if (!load.awaitUntil(load.measureStartNanos())) {
        MachineCpu.Reading from = MachineCpu.reading();
        if (!load.awaitUntil(load.measureEndNanos())) {
          cpu = MachineCpu.between(from, MachineCpu.reading());
        }
      }
      LoadResult result = load.await();
      return RunResult.of(result, "req", "request", result.exhausted() ? CpuUse.UNMEASURED : cpu);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
