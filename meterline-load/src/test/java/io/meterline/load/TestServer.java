package io.meterline.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server on a free port of 127.0.0.1 for the client's tests. For each request body it
 * answers as {@link #reply} says: the status is the body's number when it starts with one ("503
 * …"), else 200; the answer echoes the body and carries the request's number on its connection in
 * {@code x-seq}. A body of "close" closes the connection without an answer. With a batch above 1 it
 * holds its answers until that many requests have arrived on the connection.
 */
final class TestServer implements AutoCloseable {
  private final EventLoopGroup group = Transport.group("test-server", 1);
  private final Channel channel;
  private final AtomicInteger requests = new AtomicInteger();

  TestServer(int batch) throws InterruptedException {
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(Transport.serverChannel())
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(1 << 20))
                        .addLast(new Answers(batch));
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** Requests received so far, on all connections. */
  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Answers extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final int batch;
    private final List<FullHttpResponse> held = new ArrayList<>();
    private int seq;

    Answers(int batch) {
      this.batch = batch;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      requests.incrementAndGet();
      String body = request.content().toString(StandardCharsets.UTF_8);
      if (body.equals("close")) {
        ctx.close();
        return;
      }
      held.add(reply(body, seq++));
      if (held.size() >= batch) {
        held.forEach(ctx::write);
        held.clear();
        ctx.flush();
      }
    }

    private FullHttpResponse reply(String body, int seq) {
      int status = body.matches("\\d{3}( .*)?") ? Integer.parseInt(body.substring(0, 3)) : 200;
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(status),
              Unpooled.wrappedBuffer(bytes));
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
          .set("X-Seq", seq)
          .set("Content-Type", "text/plain");
      return response;
    }
  }
}
