package io.meterline.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ConnectionsTest {
  // EmbeddedChannels share one id unless given their own, and a channel group is a set of ids.
  private static EmbeddedChannel channel() {
    return new EmbeddedChannel(DefaultChannelId.newInstance());
  }

  @Test
  void admit_refusesBeyondTheLimit_andMakesRoomWhenOneCloses() {
    Connections connections = new Connections(2, 1_000);
    EmbeddedChannel a = channel();
    EmbeddedChannel b = channel();

    assertThat(connections.admit(a)).isTrue();
    assertThat(connections.admit(b)).isTrue();
    assertThat(connections.admit(channel())).isFalse();

    a.close().syncUninterruptibly();
    assertThat(connections.admit(channel())).isTrue();
  }

  @Test
  void admit_fromManyThreadsAtOnce_admitsExactlyTheLimit() throws Exception {
    for (int round = 0; round < 20; round++) {
      Connections connections = new Connections(50, 1_000);
      int threads = 8;
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch start = new CountDownLatch(1);
      AtomicInteger admitted = new AtomicInteger();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread w =
            new Thread(
                () -> {
                  try {
                    List<EmbeddedChannel> mine = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                      mine.add(channel());
                    }
                    ready.countDown();
                    start.await();
                    for (EmbeddedChannel c : mine) {
                      if (connections.admit(c)) {
                        admitted.incrementAndGet();
                      }
                    }
                  } catch (Throwable e) {
                    failure.set(e);
                  }
                });
        w.start();
        workers.add(w);
      }
      ready.await();
      start.countDown();
      for (Thread w : workers) {
        w.join();
      }
      assertThat(failure.get()).isNull();
      assertThat(admitted.get()).as("round %d", round).isEqualTo(50);
    }
  }

  @Test
  void reserveBody_refusesBeyondTheBudget_butAlwaysLetsOneRequestThrough() {
    Connections connections = new Connections(10, 1_000);

    assertThat(connections.reserveBody(5_000)).as("alone, even a large body passes").isTrue();
    assertThat(connections.reserveBody(1)).isFalse();
    connections.releaseBody(5_000);
    assertThat(connections.reserveBody(600)).isTrue();
    assertThat(connections.reserveBody(400)).isTrue();
    assertThat(connections.reserveBody(1)).isFalse();
    connections.releaseBody(400);
    assertThat(connections.reserveBody(1)).isTrue();
  }
}
