package io.meterline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void target_withToken_runsTheApiScenarios_andNormalizesTheUrls() {
    BenchOptions o =
        BenchOptions.parse(
            "--target",
            "http://10.0.0.5:6387",
            "--admin-token",
            "t",
            "--noop-target",
            "http://10.0.0.5:9999/");

    assertThat(o.remote()).isTrue();
    assertThat(o.target()).isEqualTo(URI.create("http://10.0.0.5:6387/"));
    assertThat(o.noopTarget()).isEqualTo(URI.create("http://10.0.0.5:9999/"));
    assertThat(o.scenarios())
        .containsExactlyInAnyOrder(
            BenchOptions.Scenario.METER,
            BenchOptions.Scenario.BATCH,
            BenchOptions.Scenario.REGISTER);
  }

  @Test
  void target_withoutToken_isRefusedNamingTheOption() {
    assertThatThrownBy(() -> BenchOptions.parse("--target", "http://127.0.0.1:6387"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--target needs --admin-token");
  }

  @Test
  void optionsOfATarget_withoutOne_areRefused() {
    assertThatThrownBy(() -> BenchOptions.parse("--admin-token", "t"))
        .hasMessageStartingWith("--admin-token goes with --target");
    assertThatThrownBy(() -> BenchOptions.parse("--noop-target", "http://127.0.0.1:9999"))
        .hasMessageStartingWith("--noop-target goes with --target");
  }

  @Test
  void target_withStartupOrStore_isRefused() {
    assertThatThrownBy(
            () ->
                BenchOptions.parse(
                    "--target", "http://h:1", "--admin-token", "t", "--scenarios", "meter,startup"))
        .hasMessageStartingWith("--scenarios startup");
    assertThatThrownBy(
            () ->
                BenchOptions.parse(
                    "--target", "http://h:1", "--admin-token", "t", "--store", "sqlite"))
        .hasMessageStartingWith("--store does not apply with --target");
  }

  @Test
  void target_thatIsNotAnHttpUrlWithHostAndPort_isRefusedSayingWhy() {
    assertThatThrownBy(() -> BenchOptions.parseUrl("--target", "https://h:443"))
        .hasMessage(
            "--target must be a URL such as http://127.0.0.1:6387 (the load client speaks plain"
                + " http), was 'https://h:443'");
    assertThatThrownBy(() -> BenchOptions.parseUrl("--target", "http://h"))
        .hasMessageContaining("it needs a host and a port");
    assertThatThrownBy(() -> BenchOptions.parseUrl("--noop-target", "http://h:1/x"))
        .hasMessageStartingWith("--noop-target must be a URL")
        .hasMessageContaining("not under a path");
  }
}
