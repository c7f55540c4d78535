package io.meterline.server.http;

import io.meterline.server.domain.Ids;
import io.meterline.server.exchange.Handler;
import io.meterline.server.exchange.HttpReply;
import io.meterline.server.exchange.HttpRequestView;
import io.meterline.wire.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
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
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's requests: hands each to the {@link Handler} and writes its reply.
 *
 * <p>Replies leave in request order, so a client that pipelines gets them in the order it asked:
 * the next request of a connection starts when the reply to the previous one is written. While
 * requests wait their turn the connection stops reading, so a pipelining client cannot make the
 * server buffer without limit; nor can one that does not read its replies: while the connection's
 * outbound buffer is above its high-water mark, no further request is started or read. Once a reply
 * closes the connection, nothing more is read.
 *
 * <p>A request's body holds its place in the server's body budget (taken by the {@link BodyBudget}
 * as it arrived) until the request is answered, or dropped when the connection closes.
 */
final class RequestHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);

  /** How long a refused body is drained before its connection closes. */
  static final java.time.Duration LINGER = java.time.Duration.ofSeconds(2);

  private final Handler handler;
  private final DateHeader date;
  private final Connections connections;
  private final BodyBudget budget;
  private final Executor largeBodies;
  private final int largeBodyBytes;
  private final ArrayDeque<Received> waiting = new ArrayDeque<>();
  private boolean busy;
  private boolean closing;
  // The request being answered was refused before its body was read (too large, over the body
  // budget): its connection closes lingering, so that the client still sending reads the answer.
  private boolean lingerOnClose;
  // The client is not reading its replies: nothing more is read or started until it does.
  private boolean awaitingWritable;
  // Body bytes reserved with the connections for the request being worked on.
  private long reserved;

  /** A request (or what stands in for it) and the body bytes it holds in the budget. */
  private record Received(Object message, long reservedBytes) {}

  RequestHandler(
      Handler handler,
      DateHeader date,
      Connections connections,
      BodyBudget budget,
      Executor largeBodies,
      int largeBodyBytes) {
    this.handler = handler;
    this.date = date;
    this.connections = connections;
    this.budget = budget;
    this.largeBodies = largeBodies;
    this.largeBodyBytes = largeBodyBytes;
  }

  /** Whether every request this connection has sent so far has been answered. */
  boolean nothingAhead() {
    return !busy && waiting.isEmpty();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    // What its body holds in the budget is this handler's to give back from now on.
    long held = msg instanceof FullHttpRequest ? budget.claim() : 0;
    if (closing || !(msg instanceof FullHttpRequest || msg instanceof Oversized)) {
      connections.releaseBody(held);
      ReferenceCountUtil.release(msg);
      return;
    }
    SlowRequestGuard.requestComplete(ctx);
    Received received = new Received(msg, held);
    if (busy || awaitingWritable) {
      waiting.add(received);
      ctx.channel().config().setAutoRead(false);
    } else {
      start(ctx, received);
    }
  }

  private void start(ChannelHandlerContext ctx, Received received) {
    busy = true;
    connections.requestStarted();
    reserved = received.reservedBytes();
    Object msg = received.message();
    boolean close = true;
    lingerOnClose = false;
    CompletableFuture<HttpReply> reply;
    try {
      if (msg instanceof Oversized o) {
        lingerOnClose = true;
        reply = completed(oversized(o.limitBytes()));
      } else {
        FullHttpRequest request = (FullHttpRequest) msg;
        try {
          if (request.decoderResult().cause() instanceof BodyBudget.Exceeded) {
            // Cut short: the rest of its body is dropped as it arrives.
            close = !HttpUtil.isKeepAlive(request);
            lingerOnClose = true;
            reply = completed(atCapacity());
          } else if (request.decoderResult().isFailure()) {
            reply = completed(malformed(request.decoderResult().cause()));
          } else if (connections.isDraining()) {
            reply =
                completed(
                    ErrorReplies.of(
                        ErrorCode.SERVICE_UNAVAILABLE,
                        "The server is shutting down; retry",
                        Ids.uuid()));
          } else {
            close = !HttpUtil.isKeepAlive(request);
            HttpRequestView view = HttpRequestView.of(request);
            reply =
                view.body().length >= largeBodyBytes ? handleElsewhere(view) : handler.handle(view);
          }
        } finally {
          request.release();
        }
      }
    } catch (RuntimeException | Error e) {
      // Even out of memory, the request gets its answer and gives back what it reserved.
      close = true;
      reply = completed(ErrorReplies.of(e, Ids.uuid()));
    }
    boolean closeAfter = close;
    CompletableFuture<HttpReply> pending = reply;
    if (pending.isDone()) {
      finish(ctx, pending, closeAfter);
    } else {
      pending.whenComplete(
          (r, e) -> ctx.executor().execute(() -> finish(ctx, pending, closeAfter)));
    }
  }

  /**
   * Handles a large request on the large-body threads, so that hashing and parsing it does not hold
   * up the other connections of this network thread; "busy" when their queue is full.
   */
  private CompletableFuture<HttpReply> handleElsewhere(HttpRequestView view) {
    CompletableFuture<HttpReply> reply = new CompletableFuture<>();
    try {
      largeBodies.execute(
          () -> {
            try {
              handler
                  .handle(view)
                  .whenComplete(
                      (r, e) -> {
                        if (e != null) {
                          reply.completeExceptionally(e);
                        } else {
                          reply.complete(r);
                        }
                      });
            } catch (RuntimeException | Error e) {
              reply.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      reply.complete(atCapacity());
    }
    return reply;
  }

  private static HttpReply atCapacity() {
    return ErrorReplies.of(
        ErrorCode.SERVICE_UNAVAILABLE, "The server is at capacity; retry with backoff", Ids.uuid());
  }

  private void finish(
      ChannelHandlerContext ctx, CompletableFuture<HttpReply> reply, boolean close) {
    connections.requestFinished();
    connections.releaseBody(reserved);
    reserved = 0;
    HttpReply r = reply.handle((ok, e) -> e == null ? ok : ErrorReplies.of(e, Ids.uuid())).join();
    busy = false;
    if (!ctx.channel().isActive()) {
      releaseWaiting();
      return;
    }
    var written = ctx.writeAndFlush(response(r, close));
    if (close) {
      closing = true;
      written.addListener(lingerOnClose ? f -> linger(ctx) : ChannelFutureListener.CLOSE);
      releaseWaiting();
      return;
    }
    if (!ctx.channel().isWritable()) {
      awaitingWritable = true;
      ctx.channel().config().setAutoRead(false);
      return;
    }
    startNextOrRead(ctx);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (awaitingWritable && ctx.channel().isWritable()) {
      awaitingWritable = false;
      startNextOrRead(ctx);
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void startNextOrRead(ChannelHandlerContext ctx) {
    Received next = waiting.poll();
    if (next != null) {
      start(ctx, next);
    } else if (!ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
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

  private static HttpReply oversized(int limitBytes) {
    return ErrorReplies.of(
        ErrorCode.REQUEST_TOO_LARGE,
        "The request body exceeds the limit of " + limitBytes + " bytes",
        Ids.uuid());
  }

  private static HttpReply malformed(Throwable cause) {
    boolean tooLong = cause instanceof TooLongFrameException;
    String message =
        tooLong
            ? "The request line or headers are too long: " + cause.getMessage()
            : "The request is not valid HTTP/1.1: " + cause.getMessage();
    return ErrorReplies.withStatus(
        tooLong ? 431 : 400, ErrorReplies.of(ErrorCode.VALIDATION, message, Ids.uuid()));
  }

  private static CompletableFuture<HttpReply> completed(HttpReply reply) {
    return CompletableFuture.completedFuture(reply);
  }

  /**
   * Closes after a reply that refused a body still arriving: a close with unread bytes would reset
   * the connection, and a client still writing its body would see the reset instead of the reply.
   * So the server stops writing (the client sees the reply end), reads and drops what still comes,
   * and closes when the client does or after {@link #LINGER}.
   */
  private void linger(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    if (!channel.isActive()) {
      return;
    }
    if (!(channel instanceof DuplexChannel duplex)) {
      channel.close(); // no socket under it (a test's channel): nothing to linger for
      return;
    }
    channel.config().setAutoRead(true); // what arrives now is dropped: closing is set
    duplex.shutdownOutput();
    ctx.executor().schedule(() -> channel.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
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
    Received r;
    while ((r = waiting.poll()) != null) {
      ReferenceCountUtil.release(r.message());
      connections.releaseBody(r.reservedBytes());
    }
  }
}
