package io.meterline.server.http;

import io.meterline.server.config.HttpLimits;
import io.meterline.server.exchange.Handler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 server: Netty, with the native epoll transport where it loads, else NIO.
 *
 * <p>Per connection: the codec (request line ≤ 4 KiB, headers ≤ 16 KiB), the body budget, the body
 * limit, an idle timeout, and the {@link RequestHandler}.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
  private static final int MAX_INITIAL_LINE = 4096;
  private static final int MAX_HEADER_SIZE = 16 * 1024;
  private static final int IDLE_SECONDS = 60;
  private static final long DRAIN_MILLIS = 10_000;
  // Large bodies (a full BatchMeterUsage) are hashed and parsed off the network threads.
  private static final int LARGE_BODY_BYTES = 64 * 1024;
  private static final int LARGE_BODY_QUEUE = 256;

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;
  private final Connections connections;
  private final ExecutorService largeBodies;

  private HttpServer(
      EventLoopGroup boss,
      EventLoopGroup workers,
      Channel channel,
      Connections connections,
      ExecutorService largeBodies) {
    this.boss = boss;
    this.workers = workers;
    this.channel = channel;
    this.connections = connections;
    this.largeBodies = largeBodies;
  }

  /**
   * Binds and starts serving.
   *
   * @param threads network threads; 0 means one per core
   */
  public static HttpServer start(
      String host, int port, int threads, HttpLimits limits, Handler handler, Clock realClock)
      throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    // Named threads, so that thread dumps, profiles and the benchmark's CPU split tell them apart;
    // otherwise as Netty's own (not daemons, highest priority).
    EventLoopGroup boss =
        new MultiThreadIoEventLoopGroup(1, networkThreads("meterline-accept"), io);
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(
            threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
            networkThreads("meterline-http"),
            io);
    DateHeader date = new DateHeader(realClock);
    long heap = Runtime.getRuntime().maxMemory();
    Connections connections =
        new Connections(limits.effectiveMaxConnections(heap), limits.effectiveBodyBudget(heap));
    int maxBodyBytes = limits.maxBodyBytes();
    long requestDeadlineMillis = limits.requestDeadline().toMillis();
    ExecutorService largeBodies = largeBodyPool();
    try {
      ServerBootstrap bootstrap =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(channelType)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      if (!connections.admit(ch)) {
                        // At the connection limit (or stopping): refused before reading a byte.
                        ch.close();
                        return;
                      }
                      ch.pipeline()
                          .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                          .addLast(new SlowRequestGuard(requestDeadlineMillis))
                          .addLast(
                              new HttpServerCodec(
                                  new HttpDecoderConfig()
                                      .setMaxInitialLineLength(MAX_INITIAL_LINE)
                                      .setMaxHeaderSize(MAX_HEADER_SIZE)));
                      addRequestHandlers(
                          ch.pipeline(),
                          connections,
                          maxBodyBytes,
                          handler,
                          date,
                          largeBodies,
                          LARGE_BODY_BYTES);
                    }
                  });
      Channel channel = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
      LOG.info(
          "taking at most {} connections and {} bytes of request bodies at once",
          connections.maxConnections(),
          connections.bodyBudgetBytes());
      return new HttpServer(boss, workers, channel, connections, largeBodies);
    } catch (InterruptedException | RuntimeException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      largeBodies.shutdownNow();
      throw e;
    }
  }

  /**
   * Adds what follows the codec: the body budget, the body limit and the request handler, wired to
   * one another.
   */
  static void addRequestHandlers(
      ChannelPipeline pipeline,
      Connections connections,
      int maxBodyBytes,
      Handler handler,
      DateHeader date,
      Executor largeBodies,
      int largeBodyBytes) {
    BodyBudget budget = new BodyBudget(connections, maxBodyBytes);
    RequestHandler requests =
        new RequestHandler(handler, date, connections, budget, largeBodies, largeBodyBytes);
    pipeline
        .addLast(budget)
        .addLast(new BodyLimit(maxBodyBytes, requests::nothingAhead))
        .addLast(requests);
  }

  private static DefaultThreadFactory networkThreads(String name) {
    return new DefaultThreadFactory(name, false, Thread.MAX_PRIORITY);
  }

  /** One thread per core, a bounded queue: beyond it a large request is answered "busy". */
  private static ExecutorService largeBodyPool() {
    int threads = Runtime.getRuntime().availableProcessors();
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(LARGE_BODY_QUEUE),
        r -> {
          Thread t = new Thread(r, "meterline-large-body-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Request-body bytes the server holds now (arriving, waiting or being worked on). */
  public long bodyBytesHeld() {
    return connections.bodyBytesHeld();
  }

  /** The port the server listens on. */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /**
   * Stops accepting connections, answers the requests in flight (new ones on open connections get
   * 503), closes every connection, then stops the network threads.
   */
  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    try {
      connections.drain(DRAIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connections.closeAll();
    boss.shutdownGracefully(100, 2_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    workers.shutdownGracefully(100, 2_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    largeBodies.shutdownNow();
  }
}
