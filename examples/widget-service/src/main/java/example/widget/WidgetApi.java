package example.widget;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.client.Entitlement;
import io.meterline.client.Meter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The widget service's HTTP API. Each call is metered: listing widgets counts one {@code Requests},
 * rendering one {@code Renders} — a paid feature the free listing does not unlock.
 */
final class WidgetApi implements AutoCloseable {
  // Instants (a meter's last success, when its entitlement was lost) as ISO-8601 strings.
  private static final ObjectMapper JSON =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  private final EventLoopGroup loops =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  // Metering waits for its fsync: handlers run here, off the network thread.
  private final EventExecutorGroup workers = new DefaultEventExecutorGroup(4);
  private final Channel channel;

  WidgetApi(int port, Entitlement entitlement, Meter meter) throws InterruptedException {
    this.channel =
        new ServerBootstrap()
            .group(loops)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        .addLast(workers, new Handler(entitlement, meter));
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", port))
            .sync()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    loops.shutdownGracefully().syncUninterruptibly();
    workers.shutdownGracefully().syncUninterruptibly();
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Entitlement entitlement;
    private final Meter meter;

    Handler(Entitlement entitlement, Meter meter) {
      this.entitlement = entitlement;
      this.meter = meter;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request)
        throws Exception {
      String route = request.method().name() + " " + request.uri();
      Object body;
      HttpResponseStatus status = HttpResponseStatus.OK;
      switch (route) {
        case "GET /health" -> body = Map.of("status", "ok");
        case "GET /widgets" -> {
          meter("Requests");
          body = Map.of("widgets", List.of("sprocket", "flange", "gizmo"));
        }
        case "POST /widgets/render" -> {
          if (!entitlement.isPaid()
              || (meter != null && !meter.entitlement().servesPaidFeatures())) {
            status = HttpResponseStatus.PAYMENT_REQUIRED;
            body = Map.of("error", "rendering needs the paid listing of the widget service");
          } else {
            meter("Renders");
            body = Map.of("rendered", "widget.png");
          }
        }
        case "GET /status" -> {
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("productCode", entitlement.productCode());
          s.put("tier", entitlement.tier().name());
          s.put("meter", meter == null ? null : meter.status());
          body = s;
        }
        default -> {
          status = HttpResponseStatus.NOT_FOUND;
          body = Map.of("error", "no route " + route);
        }
      }
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(JSON.writeValueAsBytes(body)));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      HttpUtil.setContentLength(response, response.content().readableBytes());
      ctx.writeAndFlush(response);
    }

    // The answer goes out only after the usage is on disk: a crash cannot lose a served call.
    private void meter(String dimension) {
      if (meter != null) {
        meter.add(dimension, 1);
      }
    }
  }
}
