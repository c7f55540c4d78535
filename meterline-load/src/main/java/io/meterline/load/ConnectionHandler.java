package io.meterline.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * One connection of a {@link Load}: sends its conversation's requests, keeping up to the plan's
 * number in flight, and reads the answers. Runs on the connection's event loop only.
 */
final class ConnectionHandler extends ByteToMessageDecoder {
  private final Load load;
  private final Conversation conversation;
  private final boolean readAnswers;
  private final long[] sentAt;
  private int oldest;
  private int inFlight;
  private long lastAnswerAt;
  private Load.Tally tally;
  private ChannelHandlerContext ctx;
  private boolean stopped;
  private boolean finished;
  private boolean abandoned;

  ConnectionHandler(Load load, Conversation conversation, int window) {
    this.load = load;
    this.conversation = conversation;
    this.readAnswers = load.plan().readAnswers();
    this.sentAt = new long[window];
  }

  /** Whether the handler is on a channel (it is, unless the channel could not be registered). */
  boolean attached() {
    return ctx != null;
  }

  Channel channel() {
    return ctx.channel();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.tally = load.tally(ctx.channel().eventLoop());
  }

  /** The clock has started: the first requests leave. */
  void begin() {
    if (finished || abandoned) {
      return;
    }
    lastAnswerAt = System.nanoTime();
    try {
      fill();
    } catch (RuntimeException e) {
      exceptionCaught(ctx, e);
    }
  }

  /** Sends requests until the window is full, the measured period is over or none are left. */
  private void fill() {
    boolean wrote = false;
    while (!stopped && inFlight < sentAt.length) {
      long now = System.nanoTime();
      if (now >= load.measureEnd()) {
        stopped = true;
        break;
      }
      ByteBuf request = conversation.next();
      if (request == null) {
        stopped = true;
        load.ranOut();
        break;
      }
      sentAt[(oldest + inFlight) % sentAt.length] = now;
      inFlight++;
      ctx.write(request, ctx.voidPromise());
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
    if (stopped && inFlight == 0) {
      finish();
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (finished || abandoned) {
      in.skipBytes(in.readableBytes());
      return;
    }
    ResponseParser.Response response = ResponseParser.parse(in, readAnswers);
    if (response == null) {
      return;
    }
    long now = System.nanoTime();
    if (inFlight == 0) {
      throw new IllegalStateException("an answer to no request (status " + response.status() + ")");
    }
    long sent = sentAt[oldest];
    oldest = (oldest + 1) % sentAt.length;
    inFlight--;
    long head = Math.max(sent, lastAnswerAt);
    lastAnswerAt = now;
    count(response, sent, now);
    if (readAnswers) {
      conversation.answered(
          new Answer(response.status(), response.headers(), response.body(), sent, head, now));
    }
    if (response.close()) {
      lose("the server closed a connection (Connection: close)");
      return;
    }
    fill();
  }

  private void count(ResponseParser.Response response, long sent, long now) {
    if (response.status() == 200) {
      tally.ok++;
    } else {
      tally.errors.merge(response.status(), 1L, Long::sum);
      load.sample("HTTP " + response.status() + ": " + response.errorBody());
    }
    if (now >= load.measureStart() && now < load.measureEnd()) {
      tally.measured++;
      tally.lastMeasuredAt = Math.max(tally.lastMeasuredAt, now);
      tally.latency.recordValue(Math.min(Load.HIGHEST_MICROS, (now - sent) / 1000));
    }
  }

  /** The connection is gone while it still had work: it and its requests in flight are lost. */
  private void lose(String why) {
    if (finished || abandoned) {
      return;
    }
    tally.connectionsLost++;
    tally.requestsLost += inFlight;
    inFlight = 0;
    stopped = true;
    load.sample(why);
    finish();
  }

  /** The run is over: what is still in flight goes unanswered, and the connection closes. */
  void abandon() {
    if (!finished && !abandoned) {
      tally.unanswered += inFlight;
    }
    abandoned = true;
    inFlight = 0;
    ctx.close();
  }

  private void finish() {
    if (!finished) {
      finished = true;
      load.connectionDone();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    lose(
        inFlight > 0
            ? "a connection closed while waiting for an answer"
            : "a connection closed between requests");
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    lose("connection failed: " + cause);
    ctx.close();
  }
}
