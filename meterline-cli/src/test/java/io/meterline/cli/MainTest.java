package io.meterline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void serveHelp_listsEveryOption() {
    assertThat(run("serve", "--help")).isZero();
    assertThat(out.toString())
        .contains(
            "--port",
            "--data-dir",
            "--admin-token",
            "--store",
            "--jdbc-url",
            "--test-clock",
            "--throttle",
            "--regions",
            "--master-key-file");
  }

  @Test
  void serve_postgresWithoutJdbcUrl_isAOneLineErrorNamingTheOption() {
    assertThat(run("serve", "--store", "postgres")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--store postgres needs --jdbc-url")
        .contains("Run 'meterline serve --help'");
  }

  @Test
  void serve_unknownStore_namesTheValidValues() {
    assertThat(run("serve", "--store", "mysql")).isEqualTo(2);
    assertThat(err.toString()).contains("--store must be sqlite or postgres, was 'mysql'");
  }

  @Test
  void serve_badThrottleItem_namesTheItemAndTheForm() {
    assertThat(run("serve", "--throttle", "MeterUsage=50,Foo=3")).isEqualTo(2);
    assertThat(err.toString()).contains("was 'Foo=3'").contains("MeterUsage=50");
  }

  @Test
  void serve_emptyRegions_isRefused() {
    assertThat(run("serve", "--regions", ",")).isEqualTo(2);
    assertThat(err.toString()).contains("--regions needs at least one region");
  }
}
