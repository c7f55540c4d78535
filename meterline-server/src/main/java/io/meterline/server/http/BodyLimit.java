package io.meterline.server.http;

import io.meterline.server.auth.Ids;
import io.meterline.wire.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Aggregates a request's body up to a limit. A larger body is answered 413 with a JSON error, as
 * soon as its Content-Length (or the bytes read so far) says so, without buffering the rest; the
 * connection is then closed.
 */
final class BodyLimit extends HttpObjectAggregator {
  private final int maxBytes;
  private final DateHeader date;

  BodyLimit(int maxBytes, DateHeader date) {
    super(maxBytes);
    this.maxBytes = maxBytes;
    this.date = date;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    HttpReply error =
        ErrorReplies.of(
            ErrorCode.REQUEST_TOO_LARGE,
            "The request body exceeds " + "the limit of " + maxBytes + " bytes",
            Ids.uuid());
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            Unpooled.wrappedBuffer(error.body()));
    response
        .headers()
        .set("x-amzn-RequestId", error.requestId())
        .set(HttpHeaderNames.DATE, date.now())
        .set(HttpHeaderNames.CONTENT_TYPE, error.contentType())
        .setInt(HttpHeaderNames.CONTENT_LENGTH, error.body().length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    error.headers().forEach(response.headers()::set);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
