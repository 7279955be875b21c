package dev.kopi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int kopi(String... args) {
    return new CommandLine(new Main())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void versionPrintsTheProjectVersion() {
    String expected = System.getProperty("kopi.expectedVersion");
    assertThat(expected)
        .as("kopi.expectedVersion, set by surefire in kopi-cli/pom.xml")
        .isNotNull();

    assertThat(kopi("--version")).isZero();

    assertThat(out.toString()).startsWith("kopi " + expected + System.lineSeparator());
    assertThat(Main.version()).isEqualTo(expected);
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void helpListsTheDemoCommand() {
    assertThat(kopi("--help")).isZero();

    assertThat(out.toString())
        .startsWith("Usage: kopi")
        .containsPattern("(?m)^\\s+demo\\s+\\S")
        .contains("--version");
  }

  @Test
  void helpSubcommandShowsTheDemoOptions() {
    assertThat(kopi("help", "demo")).isZero();

    assertThat(out.toString())
        .contains("Usage: kopi demo")
        .contains("--items=N", "--cpu-ms=MS", "--io-ms=MS", "--io-concurrency=C")
        .contains("--workers=W", "--seed=S", "--no-progress");
  }

  @Test
  void noSubcommandIsAUsageError() {
    assertThat(kopi()).isEqualTo(2);

    assertThat(err.toString()).contains("Missing required subcommand").contains("Usage: kopi");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertThat(kopi("--frobnicate")).isEqualTo(2);

    assertThat(err.toString()).contains("Unknown option: '--frobnicate'");
  }
}
