package io.meterline.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop HTTP/1.1 load generator that should never be the bottleneck: it replays pre-built
 * request bytes over keep-alive connections, one request in flight on each, and parses only the
 * status line and {@code Content-Length} of the answers.
 *
 * <p>Notes on the design:
 *
 * <ul>
 *   <li>All connections are opened before the clock starts; then each sends its first request, and
 *       sends the next as soon as the answer to the previous one has arrived.
 *   <li>Requests are taken in order from one shared cursor, so each is sent exactly once (or, for a
 *       cycling set, round and round). A set that runs out ends the run early, and the result says
 *       so.
 *   <li>Answers completing during the warm-up are only checked; those completing in the measured
 *       period are counted and their latency recorded (send to last byte, in µs). After it, no new
 *       request is sent, and those in flight are awaited and checked.
 *   <li>Each connection keeps its own histogram and counters on its event loop; they are merged
 *       once all connections are done.
 * </ul>
 */
final class LoadGenerator implements AutoCloseable {
  private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(120);
  private static final int MAX_SAMPLES = 8;

  private final EventLoopGroup group;
  private final Class<? extends Channel> channelType;

  LoadGenerator(int threads) {
    this.group = Transport.group("bench-client", threads);
    this.channelType = Transport.clientChannel();
  }

  /**
   * Replays {@code requests} against {@code target}.
   *
   * @param cycle whether to reuse requests round and round (only for servers that ignore them)
   */
  RunResult run(
      String name,
      InetSocketAddress target,
      RequestSet requests,
      boolean cycle,
      int connections,
      Duration warmup,
      Duration measure)
      throws InterruptedException {
    Run run = new Run(requests, cycle, connections);
    List<Channel> channels = connect(target, run, connections);
    try {
      long start = System.nanoTime();
      run.measureStart = start + warmup.toNanos();
      run.measureEnd = run.measureStart + measure.toNanos();
      for (Channel ch : channels) {
        Conn conn = ch.pipeline().get(Conn.class);
        ch.eventLoop().execute(() -> conn.sendNext(ch.pipeline().context(conn)));
      }
      // The machine's CPU over the measured period (a run that ends early is reported without).
      if (!awaitUntil(run.done, run.measureStart)) {
        MachineCpu.Reading cpuFrom = MachineCpu.reading();
        if (!awaitUntil(run.done, run.measureEnd)) {
          run.cpu = MachineCpu.between(cpuFrom, MachineCpu.reading());
        }
      }
      if (!run.done.await(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS)) {
        run.samples.add(
            "the run did not finish in time: "
                + run.done.getCount()
                + " connections still waiting for an answer");
      }
    } finally {
      for (Channel ch : channels) {
        ch.close().syncUninterruptibly();
      }
    }
    return run.result(name);
  }

  /**
   * Waits for the latch until {@code System.nanoTime()} reaches the deadline; whether it opened.
   */
  private static boolean awaitUntil(CountDownLatch latch, long deadlineNanos)
      throws InterruptedException {
    return latch.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private List<Channel> connect(InetSocketAddress target, Run run, int connections)
      throws InterruptedException {
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(channelType)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new Conn(run));
                  }
                });
    List<ChannelFuture> pending = new ArrayList<>(connections);
    for (int i = 0; i < connections; i++) {
      pending.add(bootstrap.connect(target));
    }
    List<Channel> channels = new ArrayList<>(connections);
    for (ChannelFuture f : pending) {
      f.await();
      if (!f.isSuccess()) {
        channels.forEach(Channel::close);
        throw new IllegalStateException("cannot connect to " + target, f.cause());
      }
      channels.add(f.channel());
    }
    return channels;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** The state of one run, shared by its connections. */
  private static final class Run {
    final RequestSet requests;
    final boolean cycle;
    final AtomicInteger cursor = new AtomicInteger();
    final CountDownLatch done;
    final List<Conn> conns = new ArrayList<>();
    final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
    volatile long measureStart;
    volatile long measureEnd;
    volatile boolean exhausted;
    volatile CpuUse cpu = CpuUse.UNMEASURED;

    Run(RequestSet requests, boolean cycle, int connections) {
      this.requests = requests;
      this.cycle = cycle;
      this.done = new CountDownLatch(connections);
    }

    /** The next request's index, or -1 when there are no more. */
    int next() {
      int i = cursor.getAndIncrement();
      if (cycle) {
        return Math.floorMod(i, requests.size());
      }
      if (i >= requests.size()) {
        exhausted = true;
        return -1;
      }
      return i;
    }

    void sample(String text) {
      if (samples.size() < MAX_SAMPLES && !samples.contains(text)) {
        samples.add(text);
      }
    }

    synchronized void register(Conn conn) {
      conns.add(conn);
    }

    synchronized RunResult result(String name) {
      Histogram merged = new Histogram(HIGHEST_MICROS, 3);
      Map<Integer, Long> errors = new TreeMap<>();
      long count = 0;
      long ok = 0;
      long lost = 0;
      long lastMeasured = 0;
      for (Conn c : conns) {
        merged.add(c.histogram);
        count += c.measured;
        ok += c.ok;
        lost += c.lost ? 1 : 0;
        lastMeasured = Math.max(lastMeasured, c.lastMeasuredAt);
        c.errors.forEach((status, n) -> errors.merge(status, n, Long::sum));
      }
      boolean ranOut = exhausted && !cycle;
      long end = measureEnd;
      if (ranOut && lastMeasured > 0 && lastMeasured < measureEnd) {
        end = lastMeasured;
      }
      double seconds = Math.max(0, end - measureStart) / 1e9;
      return new RunResult(
          name,
          "req",
          count,
          seconds,
          merged,
          "request",
          ok,
          errors,
          List.copyOf(samples),
          lost,
          ranOut && end < measureEnd,
          ranOut ? CpuUse.UNMEASURED : cpu);
    }
  }

  /** One connection: send, await the answer, record, send the next. */
  private static final class Conn extends ByteToMessageDecoder {
    final Run run;
    final Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
    final Map<Integer, Long> errors = new TreeMap<>();
    long measured;
    long ok;
    long lastMeasuredAt;
    long sentAt;
    boolean inFlight;
    boolean finished;
    boolean lost;

    Conn(Run run) {
      this.run = run;
      run.register(this);
    }

    void sendNext(ChannelHandlerContext ctx) {
      int i = System.nanoTime() >= run.measureEnd ? -1 : run.next();
      if (i < 0) {
        finish();
        return;
      }
      ByteBuf request = run.requests.get(i);
      inFlight = true;
      sentAt = System.nanoTime();
      ctx.writeAndFlush(request, ctx.voidPromise());
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      ResponseParser.Response response = ResponseParser.parse(in);
      if (response == null) {
        return;
      }
      long now = System.nanoTime();
      inFlight = false;
      if (response.status() == 200) {
        ok++;
      } else {
        errors.merge(response.status(), 1L, Long::sum);
        run.sample("HTTP " + response.status() + ": " + response.errorBody());
      }
      if (now >= run.measureStart && now < run.measureEnd) {
        measured++;
        lastMeasuredAt = now;
        histogram.recordValue(Math.min(HIGHEST_MICROS, (now - sentAt) / 1000));
      }
      if (response.close()) {
        lost = true;
        run.sample("the server closed a connection (Connection: close)");
        finish();
        return;
      }
      sendNext(ctx);
    }

    private void finish() {
      if (!finished) {
        finished = true;
        run.done.countDown();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (!finished) {
        lost = true;
        run.sample(
            "a connection closed "
                + (inFlight ? "while waiting for an answer" : "between requests"));
        finish();
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!finished) {
        lost = true;
        run.sample("connection failed: " + cause);
        finish();
      }
      ctx.close();
    }
  }
}
