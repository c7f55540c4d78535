package io.meterline.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestSetTest {
  @Test
  void inOrder_givesEachRequestOnce_thenNone() {
    try (RequestSet set = Requests.set("a", "b")) {
      Conversation c = set.inOrder();

      assertThat(body(c.next())).isEqualTo("a");
      assertThat(body(c.next())).isEqualTo("b");
      assertThat(c.next()).isNull();
    }
  }

  @Test
  void cycling_goesRoundAndRound() {
    try (RequestSet set = Requests.set("a", "b")) {
      Conversation c = set.cycling();

      assertThat(body(c.next())).isEqualTo("a");
      assertThat(body(c.next())).isEqualTo("b");
      assertThat(body(c.next())).isEqualTo("a");
    }
  }

  @Test
  void add_spillsIntoANewSlab_andKeepsEachRequestWhole() {
    byte[] big = new byte[10 * 1024 * 1024];
    try (RequestSet set = new RequestSet()) {
      set.add(big);
      set.add(big);
      set.add(Requests.post("after"));
      set.seal();

      assertThat(set.size()).isEqualTo(3);
      assertThat(set.bytes()).isEqualTo(2L * big.length + Requests.post("after").length);
      assertThat(set.copyOf(2)).isEqualTo(Requests.post("after"));
    }
  }

  @Test
  void sending_beforeSealing_orAddingAfter_isRefused() {
    try (RequestSet set = new RequestSet()) {
      set.add(Requests.post("a"));

      assertThatThrownBy(set::inOrder).hasMessageContaining("seal the set");
      set.seal();
      assertThatThrownBy(() -> set.add(Requests.post("b"))).hasMessageContaining("sealed");
    }
  }

  /** The body of a request the set gave, releasing it. */
  private static String body(ByteBuf request) {
    try {
      String text = request.toString(StandardCharsets.UTF_8);
      return text.substring(text.indexOf("\r\n\r\n") + 4);
    } finally {
      request.release();
    }
  }
}
