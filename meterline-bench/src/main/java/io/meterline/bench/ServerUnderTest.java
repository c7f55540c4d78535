package io.meterline.bench;

import io.meterline.server.domain.UsageSource;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The Meterline server a scenario drives: one this process starts ({@link LocalServer}), or one
 * running in another process or on another machine ({@link RemoteServer}, {@code --target}). They
 * differ in how much of the write path can be watched and in how the ledger is counted.
 */
sealed interface ServerUnderTest permits LocalServer, RemoteServer {
  /** Where its metering API listens. */
  InetSocketAddress address();

  /** The {@code Host} header that requests carry and sign. */
  default String host() {
    return address().getHostString() + ":" + address().getPort();
  }

  /** Its admin API. */
  Admin admin();

  /** Whether its service clock is a test clock, which {@code PUT /admin/v1/clock} sets. */
  boolean testClock();

  /** Starts watching the write path over one measured run. */
  WritePathWatch watchWritePath();

  /** The ledger rows of these products that this operation wrote. */
  LedgerRows ledgerRows(UsageSource source, List<String> productCodes) throws Exception;

  /** Watches a server's write path over a measured run. */
  interface WritePathWatch {
    /** Stops watching; one line on what the write path did for {@code answered} 200s. */
    String stop(long answered);
  }

  /**
   * A count of ledger rows.
   *
   * @param count the rows counted
   * @param caveat why the count may fall short of the ledger, or {@code null}
   */
  record LedgerRows(long count, String caveat) {}
}
