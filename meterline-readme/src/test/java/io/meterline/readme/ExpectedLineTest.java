package io.meterline.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExpectedLineTest {
  @Test
  void idsTimesAndUuids_mayDiffer() {
    ExpectedLine shown =
        new ExpectedLine(
            "{\"productCode\":\"qpaawpuef0h22gww9iqa8e8e4\",\"createdAt\":"
                + "\"2026-11-27T19:20:34.595Z\",\"id\":\"01a21e73-ed15-7147-b5f4-a9d27b1ad376\"}");
    assertThat(
            shown.matches(
                "{\"productCode\":\"4z8npvxjeeckkew33a1it36mn\",\"createdAt\":"
                    + "\"2026-12-07T12:42:30.6Z\",\"id\":\"01a25087-054c-7305-af05-a223619250c3\"}"))
        .isTrue();
  }

  @Test
  void epochSeconds_mayDiffer_withTheirFraction() {
    ExpectedLine shown = new ExpectedLine("\"ExpirationDate\": 1828193118.0");
    assertThat(shown.matches("\"ExpirationDate\": 1828200055.0")).isTrue();
    assertThat(shown.matches("\"ExpirationDate\": 1828200055")).isTrue();
    assertThat(shown.matches("\"ExpirationDate\": 182820005.0")).isFalse();
    assertThat(new ExpectedLine("\"Timestamp\": 1796647369,").matches("\"Timestamp\": 1796650000,"))
        .isTrue();
  }

  @Test
  void words_numbersAndMemberNames_mustBeAsShown() {
    ExpectedLine shown = new ExpectedLine("{\"quantity\":3,\"dimension\":\"Hosts\"}");
    assertThat(shown.matches("{\"quantity\":3,\"dimension\":\"Hosts\"}")).isTrue();
    assertThat(shown.matches("{\"quantity\":5,\"dimension\":\"Hosts\"}")).isFalse();
    assertThat(shown.matches("{\"quantity\":3,\"dimension\":\"Cores\"}")).isFalse();
    assertThat(shown.matches("{\"quantity\":3,\"dimension\":\"Hosts\",\"more\":1}")).isFalse();
    assertThat(new ExpectedLine("exit code 3").matches("exit code 0")).isFalse();
    assertThat(new ExpectedLine("account 444455556666").matches("account 444455556667")).isFalse();
  }

  @Test
  void anElision_matchesAnything_andSpacesMatchAnyRunOfSpaces() {
    assertThat(
            new ExpectedLine("OK RegisterUsage signature=eyJhbGciOiJQUzI1NiIsInR5…")
                .matches("OK RegisterUsage signature=eyJhbGciOiJQUzI1NiIsInR5cCI6IkpXVCJ9.e30.x"))
        .isTrue();
    assertThat(new ExpectedLine("BUYER   PRODUCT  AMOUNT").matches("BUYER PRODUCT        AMOUNT"))
        .isTrue();
    assertThat(new ExpectedLine("{\"quote\": \"…\"}").matches("{\"quote\": \"Measure twice.\"}"))
        .isTrue();
  }

  @Test
  void steps_areTheCommandsOfConsoleBlocks_withTheirOutput() {
    String readme =
        "# Title\n\n```sh\nnot run\n```\n\n## Part\n\n```console\n$ echo a\na\n\n$ sleep 1 &\n"
            + "```\n\n* item\n\n  ```console\n  $ true\n  ```\n";
    List<ReadmeSteps.Step> steps = ReadmeSteps.parse(readme);
    assertThat(steps)
        .extracting(ReadmeSteps.Step::command)
        .containsExactly("echo a", "sleep 1 &", "true");
    assertThat(steps.get(0).expected()).containsExactly("a");
    assertThat(steps.get(0).section()).isEqualTo("Part");
    assertThat(steps.get(1).background()).isTrue();
    assertThat(steps.get(0).background()).isFalse();
    assertThat(steps.get(2).line()).isEqualTo(19);
  }

  @Test
  void outputBeforeAnyCommand_isAnError() {
    assertThatThrownBy(() -> ReadmeSteps.parse("```console\nstray\n```\n"))
        .hasMessageContaining("README.md:2");
  }
}
