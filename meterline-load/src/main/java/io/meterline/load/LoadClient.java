package io.meterline.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 load client that should never be the bottleneck: it writes requests built ahead of
 * time or on demand over keep-alive connections opened before the clock starts, keeps a set number
 * in flight on each (one: a closed loop; more: pipelining), and reads of each answer only the
 * status line and {@code Content-Length}, unless asked for the whole answer.
 *
 * <pre>{@code
 * try (LoadClient client = new LoadClient("bench-client", 2);
 *     RequestSet requests = ...) {
 *   LoadResult r = client.run(LoadPlan.of("MeterUsage", target, 64, requests.inOrder(), warmup, measure));
 * }
 * }</pre>
 */
public final class LoadClient implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  // Connections are opened a few at a time, so that a server's accept backlog never overflows.
  private static final int CONNECTING_AT_ONCE = 64;

  private final EventLoopGroup group;
  private final Bootstrap bootstrap;

  /**
   * A client on {@code threads} event loops of the {@link Transport}, named {@code threadName-N}.
   */
  public LoadClient(String threadName, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, was " + threads);
    }
    this.group = Transport.group(threadName, threads);
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(Transport.clientChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
  }

  /** Opens the plan's connections, starts its clock, waits for the end; the result. */
  public LoadResult run(LoadPlan plan) throws InterruptedException {
    try (Load load = connect(plan)) {
      return load.start().await();
    }
  }

  /**
   * Opens the plan's connections; the run begins with {@link Load#start}.
   *
   * @throws IllegalStateException when a connection cannot be opened
   */
  public Load connect(LoadPlan plan) throws InterruptedException {
    Load load = new Load(plan);
    boolean connected = false;
    try {
      for (int from = 0; from < plan.connections(); from += CONNECTING_AT_ONCE) {
        int to = Math.min(plan.connections(), from + CONNECTING_AT_ONCE);
        List<ChannelFuture> pending = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
          pending.add(bootstrap.clone().handler(load.newHandler(i)).connect(plan.target()));
        }
        for (ChannelFuture f : pending) {
          f.await();
          if (!f.isSuccess()) {
            throw new IllegalStateException(
                "cannot connect to " + plan.target() + ": " + f.cause(), f.cause());
          }
        }
      }
      connected = true;
      return load;
    } finally {
      if (!connected) {
        load.close();
      }
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
