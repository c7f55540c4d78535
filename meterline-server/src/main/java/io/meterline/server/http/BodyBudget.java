package io.meterline.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Takes request bodies from the server-wide body budget ({@link Connections#reserveBody}) as their
 * bytes arrive, before they are buffered, so that bodies still arriving count as well as bodies
 * waiting or being worked on. Sits in front of the {@link BodyLimit}, which buffers them.
 *
 * <ul>
 *   <li>Each piece of a body takes its size as it passes. A client holds only what it has sent, so
 *       stalling a large declared body costs it as much as it costs the server, and the request
 *       deadline cuts it off. A body the body limit refuses unread (its declared length is over the
 *       limit) takes nothing.
 *   <li>A piece that does not fit ends the request there: the body limit is handed a last piece
 *       that failed with {@link Exceeded}, which the {@link RequestHandler} answers "busy" in its
 *       turn. The rest of the body is read and dropped, under the request deadline like any
 *       request's bytes, and the connection goes on with the next request (unless the rest turns
 *       out malformed: the connection is closed, as the codec would read nothing more).
 *   <li>When the whole request reaches the {@link RequestHandler}, it {@linkplain #claim claims}
 *       what the body holds and gives it back once the request is answered. What nobody claimed
 *       when the request's last piece has passed (the body limit answered or dropped the request
 *       itself) is given back then; what is still held when the connection closes, at close.
 * </ul>
 *
 * <p>Used on the connection's network thread only.
 */
final class BodyBudget extends ChannelInboundHandlerAdapter {
  /** Why a request's body was cut short: the body budget was full. */
  static final class Exceeded extends RuntimeException {
    private static final Exceeded INSTANCE = new Exceeded();

    private Exceeded() {
      super("the body budget is full", null, false, false);
    }
  }

  private final Connections connections;
  private final int maxBodyBytes;
  // Bytes held for the request being received, until the request handler claims them.
  private long pending;
  // The request being received declares a body over the limit: the body limit drops it unread.
  private boolean unbuffered;
  // The request being received was cut short: the rest of its body is dropped here.
  private boolean dropping;

  BodyBudget(Connections connections, int maxBodyBytes) {
    this.connections = connections;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      begin(request);
    }
    boolean last = msg instanceof LastHttpContent;
    if (dropping) {
      boolean malformed = msg instanceof DecoderResultProvider p && p.decoderResult().isFailure();
      ReferenceCountUtil.release(msg);
      dropping = !last;
      if (malformed) {
        // The codec reads nothing more from this connection: its requests would go unanswered.
        ctx.close();
      }
      return;
    }
    if (msg instanceof HttpContent content
        && !(msg instanceof FullHttpRequest) // the codec sends none that is whole and valid
        && !unbuffered
        && !take(content.content().readableBytes())) {
      content.release();
      // The body limit finishes the request as failed: its handler answers "busy".
      DefaultLastHttpContent cut = new DefaultLastHttpContent();
      cut.setDecoderResult(DecoderResult.failure(Exceeded.INSTANCE));
      dropping = !last;
      ctx.fireChannelRead(cut);
      givePendingBack();
      return;
    }
    ctx.fireChannelRead(msg);
    if (last) {
      givePendingBack();
    }
  }

  /**
   * The bytes held for the request whose last piece is passing: from now on the caller gives them
   * back.
   */
  long claim() {
    long claimed = pending;
    pending = 0;
    return claimed;
  }

  private void begin(HttpRequest request) {
    givePendingBack();
    dropping = false;
    unbuffered = declaredOverLimit(request);
  }

  private boolean declaredOverLimit(HttpRequest request) {
    try {
      return HttpUtil.getContentLength(request, 0L) > maxBodyBytes;
    } catch (NumberFormatException e) {
      return false; // the codec fails such a request
    }
  }

  private boolean take(int bytes) {
    if (bytes == 0) {
      return true;
    }
    if (!connections.reserveBody(bytes)) {
      return false;
    }
    pending += bytes;
    return true;
  }

  private void givePendingBack() {
    connections.releaseBody(pending);
    pending = 0;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    givePendingBack();
    dropping = false;
    ctx.fireChannelInactive();
  }
}
