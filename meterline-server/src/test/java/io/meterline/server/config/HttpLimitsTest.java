package io.meterline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpLimitsTest {
  private static final long MIB = 1024 * 1024;

  private static HttpLimits limits(long bodyBudgetBytes, int maxConnections) {
    return new HttpLimits(4_096, bodyBudgetBytes, maxConnections, Duration.ofSeconds(30));
  }

  @Test
  void unconfigured_connectionsTakeAQuarterOfTheHeap_atMostTenThousand() {
    HttpLimits unset = limits(0, 0);
    // 256 MiB / 4 / 24 KiB
    assertThat(unset.effectiveMaxConnections(256 * MIB)).isEqualTo(2_730);
    assertThat(unset.effectiveMaxConnections(6 * 1024 * MIB)).isEqualTo(10_000);
    assertThat(unset.effectiveMaxConnections(1)).isEqualTo(1);
  }

  @Test
  void unconfigured_bodiesTakeAnEighthOfTheHeap() {
    assertThat(limits(0, 0).effectiveBodyBudget(256 * MIB)).isEqualTo(32 * MIB);
  }

  @Test
  void configuredValues_areUsedWhateverTheHeap() {
    HttpLimits set = limits(8_192, 3);
    assertThat(set.effectiveMaxConnections(6 * 1024 * MIB)).isEqualTo(3);
    assertThat(set.effectiveBodyBudget(6 * 1024 * MIB)).isEqualTo(8_192);
  }

  @Test
  void badValues_areRefused_naming_theField() {
    assertThatThrownBy(() -> limits(-1, 0)).hasMessageContaining("bodyBudgetBytes");
    assertThatThrownBy(() -> limits(0, -1)).hasMessageContaining("maxConnections");
    assertThatThrownBy(() -> limits(4_095, 0))
        .hasMessageContaining("bodyBudgetBytes must be 0 or at least maxBodyBytes (4096)");
    assertThatThrownBy(() -> new HttpLimits(1023, 0, 0, Duration.ofSeconds(1)))
        .hasMessageContaining("maxBodyBytes");
    assertThatThrownBy(() -> new HttpLimits(1024, 0, 0, Duration.ZERO))
        .hasMessageContaining("requestDeadline");
  }
}
