package io.meterline.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Aggregates a request's body up to a limit. A larger body is not buffered: as soon as its
 * Content-Length (or the bytes read so far) exceeds the limit, the request is passed on as {@link
 * Oversized}, which is answered 413 in its turn and closes the connection.
 */
final class BodyLimit extends HttpObjectAggregator {
  private final Oversized tooLarge;

  BodyLimit(int maxBytes) {
    super(maxBytes);
    this.tooLarge = new Oversized(maxBytes);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    ctx.fireChannelRead(tooLarge);
  }
}
