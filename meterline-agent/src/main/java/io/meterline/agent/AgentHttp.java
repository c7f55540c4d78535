package io.meterline.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.client.Entitlement;
import io.meterline.client.Meter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The agent's HTTP API, on 127.0.0.1 only (the product's containers share the task's or pod's
 * network; nothing outside it may add usage):
 *
 * <ul>
 *   <li>{@code POST /v1/usage {"dimension": "Requests", "quantity": 1, "tags": {"team": "a"}}}
 *       ({@code tags}, a usage allocation, optional): 200 {@code {"accepted":true}} once the usage
 *       is durable; 400 naming the field that is wrong; 503 when the spool cannot be written (the
 *       disk is full) or the agent is stopping — the usage was not recorded, send it again.
 *   <li>{@code GET /v1/status}: the product code, its tier and the meter's state, including whether
 *       the service still accepts the product's usage and what the grace policy says.
 *   <li>{@code GET /metrics}: Prometheus text. {@code GET /health}: 200 while the agent runs.
 * </ul>
 *
 * Adds wait for an fsync, so they run on a small pool of their own, not on the network thread.
 */
final class AgentHttp implements AutoCloseable {
  // Instants (a meter's last success, when its entitlement was lost) as ISO-8601 strings.
  static final ObjectMapper JSON =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private final EventLoopGroup group;
  private final ExecutorService adds;
  private final Channel channel;

  private AgentHttp(EventLoopGroup group, ExecutorService adds, Channel channel) {
    this.group = group;
    this.adds = adds;
    this.channel = channel;
  }

  static AgentHttp start(
      int port, Entitlement entitlement, Meter meter, PrometheusMeterRegistry registry)
      throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ExecutorService adds =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "meterline-agent-add");
              t.setDaemon(true);
              return t;
            });
    try {
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
                          .addLast(new Handler(entitlement, meter, registry, adds));
                    }
                  })
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
              .sync()
              .channel();
      return new AgentHttp(group, adds, channel);
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      adds.shutdownNow();
      throw e;
    }
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Stops taking usage: the listener closes, adds in progress finish. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    adds.shutdown();
    try {
      adds.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Entitlement entitlement;
    private final Meter meter;
    private final PrometheusMeterRegistry registry;
    private final ExecutorService adds;

    Handler(
        Entitlement entitlement,
        Meter meter,
        PrometheusMeterRegistry registry,
        ExecutorService adds) {
      this.entitlement = entitlement;
      this.meter = meter;
      this.registry = registry;
      this.adds = adds;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (request.decoderResult().isFailure()) {
        send(ctx, false, error(400, "BadRequest", null, "not an HTTP/1.1 request"));
        return;
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      String path = request.uri();
      int query = path.indexOf('?');
      if (query >= 0) {
        path = path.substring(0, query);
      }
      String method = request.method().name();
      switch (path) {
        case "/v1/usage" -> {
          if (!method.equals("POST")) {
            send(ctx, keepAlive, error(405, "MethodNotAllowed", null, "use POST"));
            return;
          }
          byte[] body = ByteBufUtil.getBytes(request.content());
          // No next request is read until this one is answered: answers keep the requests' order.
          ctx.channel().config().setAutoRead(false);
          try {
            adds.execute(
                () -> {
                  FullHttpResponse answer;
                  try {
                    answer = add(body);
                  } catch (RuntimeException e) {
                    answer = error(500, "InternalError", null, String.valueOf(e));
                  }
                  send(ctx, keepAlive, answer)
                      .addListener(f -> ctx.channel().config().setAutoRead(true));
                });
          } catch (RejectedExecutionException e) {
            ctx.channel().config().setAutoRead(true);
            send(ctx, keepAlive, error(503, "ShuttingDown", null, "the agent is stopping"));
          }
        }
        case "/v1/status" -> send(ctx, keepAlive, method.equals("GET") ? status() : getOnly());
        case "/metrics" ->
            send(
                ctx,
                keepAlive,
                method.equals("GET")
                    ? reply(200, "text/plain; version=0.0.4", registry.scrape())
                    : getOnly());
        case "/health" ->
            send(
                ctx,
                keepAlive,
                method.equals("GET") ? json(200, Map.of("status", "ok")) : getOnly());
        default -> send(ctx, keepAlive, error(404, "NotFound", null, "nothing at " + path));
      }
    }

    private FullHttpResponse add(byte[] body) {
      JsonNode usage;
      try {
        usage = JSON.readTree(body);
      } catch (IOException e) {
        usage = null;
      }
      if (usage == null || !usage.isObject()) {
        return error(
            400, "ValidationException", null, "the body must be {\"dimension\", \"quantity\"}");
      }
      for (Iterator<String> names = usage.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!name.equals("dimension") && !name.equals("quantity") && !name.equals("tags")) {
          return error(400, "ValidationException", name, "unknown member '" + name + "'");
        }
      }
      Map<String, String> tags = new LinkedHashMap<>();
      JsonNode tagsNode = usage.get("tags");
      if (tagsNode != null && !tagsNode.isNull()) {
        if (!tagsNode.isObject()) {
          return error(400, "ValidationException", "tags", "tags: an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> t = tagsNode.fields(); t.hasNext(); ) {
          Map.Entry<String, JsonNode> tag = t.next();
          if (!tag.getValue().isTextual()) {
            return error(400, "ValidationException", "tags", "tags." + tag.getKey() + ": a string");
          }
          tags.put(tag.getKey(), tag.getValue().asText());
        }
      }
      JsonNode dimension = usage.get("dimension");
      if (dimension == null || !dimension.isTextual() || dimension.asText().isEmpty()) {
        return error(400, "ValidationException", "dimension", "dimension: a string is required");
      }
      JsonNode quantity = usage.get("quantity");
      if (quantity == null || !quantity.isIntegralNumber() || !quantity.canConvertToLong()) {
        return error(400, "ValidationException", "quantity", "quantity: an integer is required");
      }
      try {
        meter.add(dimension.asText(), quantity.asLong(), tags);
        return json(200, Map.of("accepted", true));
      } catch (IllegalArgumentException e) {
        String message = e.getMessage();
        String field =
            message.startsWith("dimension")
                ? "dimension"
                : message.startsWith("quantity") ? "quantity" : "tags";
        return error(400, "ValidationException", field, message);
      } catch (IllegalStateException e) {
        return error(503, "ShuttingDown", null, e.getMessage());
      } catch (UncheckedIOException e) {
        return error(503, "SpoolUnavailable", null, e.getMessage() + "; send it again");
      }
    }

    private FullHttpResponse status() {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("productCode", entitlement.productCode());
      s.put("tier", entitlement.tier().name());
      s.put("meter", meter.status());
      return json(200, s);
    }

    private static FullHttpResponse getOnly() {
      return error(405, "MethodNotAllowed", null, "use GET");
    }

    private static FullHttpResponse error(int status, String code, String field, String message) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", code);
      if (field != null) {
        body.put("field", field);
      }
      body.put("message", message);
      return json(status, body);
    }

    private static FullHttpResponse json(int status, Object body) {
      try {
        return reply(status, "application/json", JSON.writeValueAsString(body));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("the agent's replies always serialize", e);
      }
    }

    private static FullHttpResponse reply(int status, String type, String body) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(status),
              Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      HttpUtil.setContentLength(response, response.content().readableBytes());
      return response;
    }

    private static io.netty.channel.ChannelFuture send(
        ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse r) {
      HttpUtil.setKeepAlive(r, keepAlive);
      io.netty.channel.ChannelFuture written = ctx.writeAndFlush(r);
      if (!keepAlive) {
        written.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
      }
      return written;
    }

    // What the handler did not foresee: answered 500 and the connection closed, never left hanging.
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      org.slf4j.LoggerFactory.getLogger(AgentHttp.class)
          .warn("a request to the agent failed", cause);
      if (ctx.channel().isActive()) {
        send(ctx, false, error(500, "InternalError", null, String.valueOf(cause)));
      }
    }
  }
}
