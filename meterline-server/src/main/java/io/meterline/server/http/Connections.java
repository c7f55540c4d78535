package io.meterline.server.http;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's open connections and requests in flight: what bounds the number of clients and lets
 * the server drain before it stops.
 */
final class Connections {
  private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final int maxConnections;
  private volatile boolean draining;

  Connections(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  /** Admits a new connection; {@code false} when the server is at its connection limit. */
  boolean admit(Channel channel) {
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
