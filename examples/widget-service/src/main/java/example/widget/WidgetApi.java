package example.widget;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.client.EntitlementState;
import io.meterline.client.LicenseTerms;
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
import java.util.List;
import java.util.Map;

/**
 * The widget service's HTTP API. Listing widgets (the {@code widgets} feature) counts one {@code
 * Requests}, rendering (the {@code render} feature) one {@code Renders} — a paid feature the free
 * listing, and a license's lower tier, do not unlock. The {@link Plan} says what is allowed and
 * accounts for each call.
 */
final class WidgetApi implements AutoCloseable {
  // Instants (a meter's last success, when its entitlement was lost) as ISO-8601 strings; a
  // meter's entitlement state has no license terms, and shows none.
  private static final ObjectMapper JSON =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .addMixIn(EntitlementState.class, LicenseTermsWhenPresent.class)
          .build();

  private abstract static class LicenseTermsWhenPresent {
    @JsonInclude(JsonInclude.Include.NON_NULL)
    abstract LicenseTerms license();
  }

  private static final List<String> WIDGETS = List.of("sprocket", "flange", "gizmo");

  private final EventLoopGroup loops =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  // Metering waits for its fsync: handlers run here, off the network thread.
  private final EventExecutorGroup workers = new DefaultEventExecutorGroup(4);
  private final Channel channel;

  WidgetApi(int port, Plan plan) throws InterruptedException {
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
                        .addLast(workers, new Handler(plan));
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
    private final Plan plan;

    Handler(Plan plan) {
      this.plan = plan;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request)
        throws Exception {
      String route = request.method().name() + " " + request.uri();
      Object body;
      HttpResponseStatus status = HttpResponseStatus.OK;
      switch (route) {
        case "GET /health" -> body = Map.of("status", "ok");
        case "GET /widgets" -> body = serve("widgets", "Requests", Map.of("widgets", WIDGETS));
        case "POST /widgets/render" ->
            body = serve("render", "Renders", Map.of("rendered", "widget.png"));
        case "GET /status" -> body = plan.status();
        default -> {
          status = HttpResponseStatus.NOT_FOUND;
          body = Map.of("error", "no route " + route);
        }
      }
      if (body instanceof Refused) {
        status = HttpResponseStatus.PAYMENT_REQUIRED;
      }
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(JSON.writeValueAsBytes(body)));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      HttpUtil.setContentLength(response, response.content().readableBytes());
      ctx.writeAndFlush(response);
    }

    // The answer goes out only after the usage is on disk: a crash cannot lose a served call.
    private Object serve(String feature, String dimension, Object answer) {
      if (!plan.allows(feature)) {
        return new Refused(plan.refusal(feature));
      }
      plan.served(dimension);
      return answer;
    }
  }

  /** A 402 answer's body. */
  private record Refused(String error) {}
}
