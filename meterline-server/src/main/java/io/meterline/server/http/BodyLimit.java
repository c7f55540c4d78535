package io.meterline.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import java.util.function.BooleanSupplier;

/**
 * Aggregates a request's body up to a limit. A larger body is not buffered: as soon as its
 * Content-Length (or the bytes read so far) exceeds the limit, the request is passed on as {@link
 * Oversized}, which is answered 413 in its turn and closes the connection.
 *
 * <p>A request with an {@code Expect} header gets its interim answer (100 Continue, or 417 or 413
 * at once) only when no earlier request of its connection is still to be answered: written now,
 * that answer would go out before the earlier one's. Behind another request it gets none; it is
 * read whole (or refused as too large) and answered in its turn.
 */
final class BodyLimit extends HttpObjectAggregator {
  private final Oversized tooLarge;
  private final BooleanSupplier nothingAhead;

  /**
   * @param nothingAhead whether every earlier request of the connection has been answered
   */
  BodyLimit(int maxBytes, BooleanSupplier nothingAhead) {
    super(maxBytes);
    this.tooLarge = new Oversized(maxBytes);
    this.nothingAhead = nothingAhead;
  }

  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    return nothingAhead.getAsBoolean()
        ? super.newContinueResponse(start, maxContentLength, pipeline)
        : null;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    ctx.fireChannelRead(tooLarge);
  }
}
