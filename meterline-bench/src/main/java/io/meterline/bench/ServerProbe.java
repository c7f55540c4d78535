package io.meterline.bench;

import io.meterline.server.store.Committer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Watches the server's write path during a measured run: how deep the group-commit queue is
 * (sampled every few milliseconds: a queue that stays full means the writer is the bottleneck), how
 * many transactions commit, and how many bytes this process writes to storage ({@code
 * /proc/self/io}, Linux only; for SQLite that is the WAL and checkpoints).
 */
final class ServerProbe implements AutoCloseable {
  private static final long SAMPLE_MILLIS = 5;

  private final Committer committer;
  private final Thread sampler;
  private final long jobsBefore;
  private final long batchesBefore;
  private final long applyBefore;
  private final long commitBefore;
  private final long storageBefore;
  private volatile boolean running = true;
  private long samples;
  private long depthSum;
  private int depthMax;
  private String summary;

  ServerProbe(Committer committer) {
    this.committer = committer;
    this.jobsBefore = committer.jobsCommitted();
    this.batchesBefore = committer.batchesCommitted();
    this.applyBefore = committer.applyNanos();
    this.commitBefore = committer.commitNanos();
    this.storageBefore = storageWriteBytes();
    this.sampler = new Thread(this::sample, "bench-probe");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void sample() {
    while (running) {
      int depth = committer.queueDepth();
      synchronized (this) {
        samples++;
        depthSum += depth;
        depthMax = Math.max(depthMax, depth);
      }
      try {
        Thread.sleep(SAMPLE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops sampling and sums up; closing again does nothing. */
  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    try {
      sampler.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long jobs = committer.jobsCommitted() - jobsBefore;
    long batches = committer.batchesCommitted() - batchesBefore;
    long storage = storageWriteBytes() - storageBefore;
    double applyMillis = (committer.applyNanos() - applyBefore) / 1e6;
    double commitMillis = (committer.commitNanos() - commitBefore) / 1e6;
    synchronized (this) {
      summary =
          String.format(
              Locale.ROOT,
              "write path during the measured run (with its ramp): "
                  + "%,d jobs in %,d transactions (%.1f per commit; per transaction %.2f ms of "
                  + "statements, %.2f ms of commit); commit queue depth mean %.1f, "
                  + "max %d (sampled every %d ms)%s",
              jobs,
              batches,
              batches == 0 ? 0.0 : (double) jobs / batches,
              batches == 0 ? 0.0 : applyMillis / batches,
              batches == 0 ? 0.0 : commitMillis / batches,
              samples == 0 ? 0.0 : (double) depthSum / samples,
              depthMax,
              SAMPLE_MILLIS,
              storage < (1 << 20) || jobs == 0
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      "; this JVM wrote %,d MB to storage, %.1f KB per " + "committed job",
                      storage >> 20,
                      storage / 1024.0 / jobs));
    }
  }

  /** One line describing the run; call after {@link #close}. */
  synchronized String summary() {
    return summary;
  }

  /** Bytes this process caused to be written to storage, or -1 where it cannot be read. */
  private static long storageWriteBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
        if (line.startsWith("write_bytes:")) {
          return Long.parseLong(line.substring("write_bytes:".length()).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
