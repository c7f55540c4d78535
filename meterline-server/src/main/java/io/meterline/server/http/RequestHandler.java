package io.meterline.server.http;

import io.meterline.server.auth.Ids;
import io.meterline.wire.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's requests: hands each to the {@link Handler} and writes its reply. Replies leave
 * in request order, so a client that pipelines gets them in the order it asked; the next request of
 * a connection starts when the reply to the previous one is written.
 */
final class RequestHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);

  private final Handler handler;
  private final DateHeader date;
  private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
  private boolean busy;

  RequestHandler(Handler handler, DateHeader date) {
    this.handler = handler;
    this.date = date;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (busy) {
      waiting.add(request);
    } else {
      start(ctx, request);
    }
  }

  private void start(ChannelHandlerContext ctx, FullHttpRequest request) {
    busy = true;
    boolean keepAlive;
    CompletableFuture<HttpReply> reply;
    try {
      if (request.decoderResult().isFailure()) {
        keepAlive = false;
        reply = CompletableFuture.completedFuture(malformed(request.decoderResult().cause()));
      } else {
        keepAlive = HttpUtil.isKeepAlive(request);
        reply = handler.handle(HttpRequestView.of(request));
      }
    } catch (RuntimeException e) {
      keepAlive = false;
      reply = CompletableFuture.completedFuture(ErrorReplies.of(e, Ids.uuid()));
    } finally {
      request.release();
    }
    boolean close = !keepAlive;
    CompletableFuture<HttpReply> pending = reply;
    if (pending.isDone()) {
      finish(ctx, pending, close);
    } else {
      pending.whenComplete((r, e) -> ctx.executor().execute(() -> finish(ctx, pending, close)));
    }
  }

  private void finish(
      ChannelHandlerContext ctx, CompletableFuture<HttpReply> reply, boolean close) {
    HttpReply r = reply.handle((ok, e) -> e == null ? ok : ErrorReplies.of(e, Ids.uuid())).join();
    if (!ctx.channel().isActive()) {
      releaseWaiting();
      return;
    }
    var written = ctx.writeAndFlush(response(r, close));
    busy = false;
    if (close) {
      written.addListener(ChannelFutureListener.CLOSE);
      releaseWaiting();
      return;
    }
    FullHttpRequest next = waiting.poll();
    if (next != null) {
      start(ctx, next);
    }
  }

  private FullHttpResponse response(HttpReply r, boolean close) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(r.status()),
            Unpooled.wrappedBuffer(r.body()));
    HttpHeaders h = response.headers();
    h.set("x-amzn-RequestId", r.requestId());
    h.set(HttpHeaderNames.DATE, date.now());
    h.set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    r.headers().forEach(h::set);
    if (close) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  private static HttpReply malformed(Throwable cause) {
    String message =
        cause instanceof TooLongFrameException
            ? "The request line or headers are too long: " + cause.getMessage()
            : "The request is not valid HTTP/1.1: " + cause.getMessage();
    int status = cause instanceof TooLongFrameException ? 431 : 400;
    HttpReply error = ErrorReplies.of(ErrorCode.VALIDATION, message, Ids.uuid());
    return new HttpReply(
        status, error.contentType(), error.body(), error.headers(), error.requestId());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseWaiting();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("connection {} failed", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }

  private void releaseWaiting() {
    FullHttpRequest r;
    while ((r = waiting.poll()) != null) {
      r.release();
    }
  }
}
