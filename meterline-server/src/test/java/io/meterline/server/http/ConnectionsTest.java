package io.meterline.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
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
