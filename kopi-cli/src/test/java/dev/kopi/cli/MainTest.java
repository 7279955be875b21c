package dev.kopi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
  private final CliRun cli = new CliRun();

  private int kopi(String... args) {
    return cli.kopi(args);
  }

  @Test
  void versionPrintsTheProjectVersion() {
    String expected = System.getProperty("kopi.expectedVersion");
    assertThat(expected)
        .as("kopi.expectedVersion, set by surefire in kopi-cli/pom.xml")
        .isNotNull();

    assertThat(kopi("--version")).isZero();

    assertThat(cli.out()).startsWith("kopi " + expected + System.lineSeparator());
    assertThat(Main.version()).isEqualTo(expected);
    assertThat(cli.err()).isEmpty();
  }

  @Test
  void helpListsTheDemoCommand() {
    assertThat(kopi("--help")).isZero();

    assertThat(cli.out())
        .startsWith("Usage: kopi")
        .containsPattern("(?m)^\\s+demo\\s+\\S")
        .contains("--version");
  }

  @Test
  void helpSubcommandShowsTheDemoOptions() {
    assertThat(kopi("help", "demo")).isZero();

    assertThat(cli.out())
        .contains("Usage: kopi demo")
        .contains("--items=N", "--cpu-ms=MS", "--io-ms=MS", "--io-concurrency=C")
        .contains("--workers=W", "--seed=S", "--no-progress");
  }

  @Test
  void noSubcommandIsAUsageError() {
    assertThat(kopi()).isEqualTo(2);

    assertThat(cli.err()).contains("Missing required subcommand").contains("Usage: kopi");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertThat(kopi("--frobnicate")).isEqualTo(2);

    assertThat(cli.err()).contains("Unknown option: '--frobnicate'");
  }
}
