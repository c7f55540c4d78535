package io.meterline.server.config;

import java.time.Duration;

/**
 * What one HTTP server lets its clients hold, so that no number of clients can run it out of memory
 * or threads.
 *
 * @param maxBodyBytes the largest request body accepted
 * @param bodyBudgetBytes the most request-body bytes held at once over all connections (arriving,
 *     waiting or being worked on); a request whose body would pass it is answered "busy" and its
 *     connection closed. 0 means an eighth of the heap; otherwise at least {@code maxBodyBytes}
 * @param maxConnections the most connections open at once; 0 means as many as a quarter of the heap
 *     holds at {@value #CONNECTION_BYTES} bytes each, at most {@value #MAX_CONNECTIONS}
 * @param requestDeadline how long a request may take to arrive once its first byte has
 */
public record HttpLimits(
    int maxBodyBytes, long bodyBudgetBytes, int maxConnections, Duration requestDeadline) {

  /**
   * The heap one connection may take before its request is whole: a request line and headers at
   * their limits (4 KiB and 16 KiB) take about 20 KiB once read, plus the connection's own state
   * (measured in docs/performance.md).
   */
  public static final int CONNECTION_BYTES = 24 * 1024;

  /** The most connections the server takes, however large its heap. */
  public static final int MAX_CONNECTIONS = 10_000;

  // Unless configured, request bodies held at once may take up to an eighth of the heap (parsed, a
  // few times that), and connections a quarter.
  private static final long BODY_SHARE_OF_HEAP = 8;
  private static final long CONNECTION_SHARE_OF_HEAP = 4;

  public HttpLimits {
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 1024, was " + maxBodyBytes);
    }
    if (bodyBudgetBytes < 0) {
      throw new IllegalArgumentException(
          "bodyBudgetBytes must be >= 0 (0: an eighth of the heap), was " + bodyBudgetBytes);
    }
    if (bodyBudgetBytes > 0 && bodyBudgetBytes < maxBodyBytes) {
      throw new IllegalArgumentException(
          "bodyBudgetBytes must be 0 or at least maxBodyBytes ("
              + maxBodyBytes
              + "), was "
              + bodyBudgetBytes);
    }
    if (maxConnections < 0) {
      throw new IllegalArgumentException(
          "maxConnections must be >= 0 (0: as many as a quarter of the heap holds), was "
              + maxConnections);
    }
    if (requestDeadline == null || requestDeadline.isNegative() || requestDeadline.isZero()) {
      throw new IllegalArgumentException(
          "requestDeadline must be positive, was " + requestDeadline);
    }
  }

  /** The body budget in effect on a heap of this size. */
  public long effectiveBodyBudget(long heapBytes) {
    return bodyBudgetBytes > 0 ? bodyBudgetBytes : heapBytes / BODY_SHARE_OF_HEAP;
  }

  /** The connection limit in effect on a heap of this size. */
  public int effectiveMaxConnections(long heapBytes) {
    if (maxConnections > 0) {
      return maxConnections;
    }
    long fits = heapBytes / CONNECTION_SHARE_OF_HEAP / CONNECTION_BYTES;
    return (int) Math.max(1, Math.min(MAX_CONNECTIONS, fits));
  }
}
