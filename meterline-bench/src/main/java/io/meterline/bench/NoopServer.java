package io.meterline.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: a Netty HTTP/1.1 server on the same stack as Meterline's edge (same transport, one
 * acceptor and one event loop per core, codec, aggregation of the whole request) that answers every
 * request with a fixed small JSON 200, the size of a MeterUsage answer.
 */
final class NoopServer implements AutoCloseable {
  static final byte[] BODY =
      "{\"MeteringRecordId\":\"00000000-0000-4000-8000-000000000000\"}"
          .getBytes(StandardCharsets.UTF_8);

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;

  private NoopServer(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
    this.boss = boss;
    this.workers = workers;
    this.channel = channel;
  }

  /** Starts on a free port of 127.0.0.1. */
  static NoopServer start() throws InterruptedException {
    EventLoopGroup boss = Transport.group("noop-boss", 1);
    EventLoopGroup workers =
        Transport.group("noop-worker", Runtime.getRuntime().availableProcessors());
    ByteBuf body = Unpooled.unreleasableBuffer(Unpooled.directBuffer(BODY.length).writeBytes(BODY));
    Channel channel =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(Transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(1024 * 1024))
                        .addLast(new Answer(body));
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    return new NoopServer(boss, workers, channel);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final ByteBuf body;

    Answer(ByteBuf body) {
      this.body = body;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body.duplicate());
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "application/x-amz-json-1.1")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
      ctx.writeAndFlush(response, ctx.voidPromise());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
