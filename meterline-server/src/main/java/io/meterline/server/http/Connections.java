package io.meterline.server.http;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's open connections and requests in flight: what bounds the number of clients, bounds
 * the request bodies held at once (arriving, waiting their turn or being worked on: a parsed
 * BatchMeterUsage of 1 MB takes a few MB of heap until it is answered), and lets the server drain
 * before it stops.
 */
final class Connections {
  private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong bodyBytes = new AtomicLong();
  private final int maxConnections;
  private final long bodyBudgetBytes;
  private volatile boolean draining;

  /**
   * @param bodyBudgetBytes the most request-body bytes held at once; a request whose body would
   *     pass it is answered "busy" (a piece of a body is always let in when nothing else is held)
   */
  Connections(int maxConnections, long bodyBudgetBytes) {
    this.maxConnections = maxConnections;
    this.bodyBudgetBytes = bodyBudgetBytes;
  }

  /** Reserves room for request-body bytes; {@code false} when the bodies held fill the budget. */
  boolean reserveBody(long bytes) {
    while (true) {
      long now = bodyBytes.get();
      if (now > 0 && now + bytes > bodyBudgetBytes) {
        return false;
      }
      if (bodyBytes.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** Gives back what {@link #reserveBody} took, once the bytes are no longer held. */
  void releaseBody(long bytes) {
    if (bytes != 0) {
      bodyBytes.addAndGet(-bytes);
    }
  }

  int maxConnections() {
    return maxConnections;
  }

  long bodyBudgetBytes() {
    return bodyBudgetBytes;
  }

  /** Request-body bytes reserved now. */
  long bodyBytesHeld() {
    return bodyBytes.get();
  }

  /**
   * Admits a new connection; {@code false} when the server is at its connection limit. Every
   * network thread admits its own new connections: the check and the add are one step, or two
   * threads could both take the last place.
   */
  synchronized boolean admit(Channel channel) {
    if (draining || open.size() >= maxConnections) {
      return false;
    }
    open.add(channel);
    return true;
  }

  void requestStarted() {
    inFlight.incrementAndGet();
  }

  void requestFinished() {
    inFlight.decrementAndGet();
  }

  /** Whether the server is stopping: new requests are turned away. */
  boolean isDraining() {
    return draining;
  }

  /** Stops taking requests and waits, up to the deadline, for those in flight to be answered. */
  void drain(long timeoutMillis) throws InterruptedException {
    draining = true;
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** Closes every connection and waits for them to close. */
  void closeAll() {
    open.close().awaitUninterruptibly();
  }
}
