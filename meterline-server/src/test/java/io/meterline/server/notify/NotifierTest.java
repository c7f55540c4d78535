package io.meterline.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NotifierTest {
  @Test
  void loopbackAndAllowedHosts_mayBeNotified_othersNot() {
    Set<String> allowed = Set.of("hooks.internal");
    assertThat(Notifier.refusal("http://127.0.0.1:9000/x", allowed)).isNull();
    assertThat(Notifier.refusal("http://localhost/x", allowed)).isNull();
    assertThat(Notifier.refusal("http://[::1]:8080/x", allowed)).isNull();
    assertThat(Notifier.refusal("https://HOOKS.internal/x", allowed)).isNull();
    assertThat(Notifier.refusal("http://example.com/x", allowed)).contains("example.com");
    assertThat(Notifier.refusal("http://127.0.0.1.example.com/x", allowed)).isNotNull();
    assertThat(Notifier.refusal("file:///etc/passwd", allowed)).contains("http");
    assertThat(Notifier.refusal("not a url", allowed)).isNotNull();
  }

  @Test
  void backoff_doublesFromOneSecond_upToAMinute() {
    assertThat(Notifier.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(Notifier.backoff(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(Notifier.backoff(5)).isEqualTo(Duration.ofSeconds(16));
    assertThat(Notifier.backoff(12)).isEqualTo(Duration.ofMinutes(1));
  }
}
