package io.meterline.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpExpectationFailedEvent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Takes a request's body from the server-wide body budget ({@link Connections#reserveBody}) as soon
 * as its headers arrive, before a byte of the body is buffered, so that bodies still arriving count
 * as well as bodies being worked on. Sits in front of the {@link BodyLimit}, which buffers them.
 *
 * <ul>
 *   <li>A request declaring a Content-Length takes that many bytes; a chunked one takes the body
 *       limit (the {@link RequestHandler} gives back what it did not use when the body is whole);
 *       one declaring more than the limit takes nothing: the body limit refuses it unread.
 *   <li>A request that does not fit is not buffered: its body is read and dropped, and in its place
 *       an {@link OverBudget} goes on, answered "busy" in its turn. The connection stays open
 *       (unless the client asked to send the body only after a go-ahead: it is answered at once and
 *       the connection closes after the answer).
 *   <li>When the whole request reaches the {@link RequestHandler}, it {@linkplain #claim claims}
 *       the reservation and gives it back once the request is answered. A reservation nobody
 *       claimed when the request's last content has passed (the body limit answered or dropped the
 *       request itself) or when an expectation is refused (417: the body is not read) is given back
 *       then; one still held when the connection closes, at close.
 * </ul>
 *
 * <p>Used on the connection's network thread only.
 */
final class BodyBudget extends ChannelInboundHandlerAdapter {
  private final Connections connections;
  private final int maxBodyBytes;
  // Bytes reserved for the request being received, until the request handler claims them.
  private long pending;
  // The request being received did not fit: its body is dropped.
  private boolean refusing;
  // What goes on in its place once its body has passed; null when it already has.
  private OverBudget owed;

  BodyBudget(Connections connections, int maxBodyBytes) {
    this.connections = connections;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      begin(request);
      if (refusing && HttpUtil.is100ContinueExpected(request)) {
        // The client waits for a go-ahead before sending the body: it gets its answer now, and the
        // connection closes after it, as the body may follow anyway.
        owed = null;
        ctx.fireChannelRead(new OverBudget(false));
      }
    }
    boolean last = msg instanceof LastHttpContent;
    if (refusing) {
      ReferenceCountUtil.release(msg);
      if (last) {
        refusing = false;
        if (owed != null) {
          ctx.fireChannelRead(owed);
          owed = null;
        }
      }
      return;
    }
    ctx.fireChannelRead(msg);
    if (last) {
      givePendingBack();
    }
  }

  /**
   * The bytes reserved for the request whose last content is passing: from now on the caller gives
   * them back.
   */
  long claim() {
    long claimed = pending;
    pending = 0;
    return claimed;
  }

  private void begin(HttpRequest request) {
    givePendingBack();
    refusing = false;
    owed = null;
    if (request.decoderResult().isFailure()) {
      return; // answered 400 and closed
    }
    long wanted = wanted(request);
    if (wanted == 0) {
      return;
    }
    if (connections.reserveBody(wanted)) {
      pending = wanted;
    } else {
      refusing = true;
      owed = new OverBudget(HttpUtil.isKeepAlive(request));
    }
  }

  private long wanted(HttpRequest request) {
    if (HttpUtil.isTransferEncodingChunked(request)) {
      return maxBodyBytes;
    }
    long declared;
    try {
      declared = HttpUtil.getContentLength(request, 0L);
    } catch (NumberFormatException e) {
      return 0; // the codec fails such a request
    }
    return declared > maxBodyBytes ? 0 : Math.max(0, declared);
  }

  private void givePendingBack() {
    connections.releaseBody(pending);
    pending = 0;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof HttpExpectationFailedEvent) {
      // The body limit refused an expectation (417) and the codec dropped the body unread.
      givePendingBack();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    givePendingBack();
    refusing = false;
    owed = null;
    ctx.fireChannelInactive();
  }
}
