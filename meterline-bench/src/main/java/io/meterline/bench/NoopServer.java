package io.meterline.bench;

import io.meterline.load.Transport;
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
 *
 * <p>The benchmark starts one in its own process; {@code meterline-bench.jar noop} runs one alone,
 * to be the baseline of a server in another process ({@code --noop-target}).
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
    return start(new InetSocketAddress("127.0.0.1", 0));
  }

  /** Starts on this address (port 0: a free one). */
  static NoopServer start(InetSocketAddress bind) throws InterruptedException {
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
            .bind(bind)
            .sync()
            .channel();
    return new NoopServer(boss, workers, channel);
  }

  /**
   * {@code noop [--port P] [--host H]}: runs a server until the process is killed, after printing
   * where it listens.
   */
  static void serve(String... args) throws InterruptedException {
    String host = "127.0.0.1";
    int port = 0;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--help") || name.equals("-h")) {
        throw new BenchOptions.HelpRequested();
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      String value = args[++i];
      switch (name) {
        case "--host" -> host = value;
        case "--port" -> port = port(value);
        default ->
            throw new IllegalArgumentException(
                "unknown option " + name + " of noop (it takes --port and --host)");
      }
    }
    NoopServer server = start(new InetSocketAddress(host, port));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "noop-shutdown"));
    System.out.println(
        "no-op server listening on http://" + host + ":" + server.address().getPort() + "/");
    System.out.flush();
    server.channel.closeFuture().sync();
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // the message below says what is wanted
    }
    throw new IllegalArgumentException("--port must be 0..65535, was '" + value + "'");
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
