package io.meterline.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cuts off a client that trickles a request (slow-loris): once the first byte of a request has
 * arrived, the whole request must arrive within the deadline, or the connection is closed. The
 * {@link RequestHandler} calls {@link #requestComplete} when a request is whole. An idle connection
 * between requests is left to the idle timeout.
 */
final class SlowRequestGuard extends ChannelInboundHandlerAdapter {
  private static final AttributeKey<ScheduledFuture<?>> DEADLINE =
      AttributeKey.valueOf("meterline.request.deadline");

  private final long deadlineMillis;

  SlowRequestGuard(long deadlineMillis) {
    this.deadlineMillis = deadlineMillis;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ScheduledFuture<?> pending = ctx.channel().attr(DEADLINE).get();
    if (pending == null || pending.isDone()) {
      ctx.channel()
          .attr(DEADLINE)
          .set(
              ctx.executor()
                  .schedule(
                      () -> {
                        ctx.close();
                      },
                      deadlineMillis,
                      TimeUnit.MILLISECONDS));
    }
    ctx.fireChannelRead(msg);
  }

  /** The request being read is whole: its deadline no longer applies. */
  static void requestComplete(ChannelHandlerContext ctx) {
    ScheduledFuture<?> pending = ctx.channel().attr(DEADLINE).getAndSet(null);
    if (pending != null) {
      pending.cancel(false);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    requestComplete(ctx);
    ctx.fireChannelInactive();
  }
}
