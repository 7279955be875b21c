package dev.kopi.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kopi.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoCommandTest {
  private final CliRun cli = new CliRun();

  private int kopi(String... args) {
    return cli.kopi(args);
  }

  @Test
  void smallDemoReportsEveryPartAndAgreeingChecksums() {
    assertThat(kopi("demo", "--items", "20", "--cpu-ms", "1", "--io-ms", "2", "--workers", "2"))
        .as("exit code; stderr: %s", cli.err())
        .isZero();

    String report = cli.out();
    assertThat(report)
        .contains("demo: 20 items per workload, seed 42")
        .contains("(a) CPU-bound: 20 items x 1 ms of arithmetic; plain loop vs Pool.cpu(2).map")
        .contains("(b) I/O-bound: 20 items x ~2 ms of sleep; plain loop vs Pool.io(64).map")
        .contains("(c) Pipeline:")
        .contains("demo finished in");
    // One speedup line per part: (a), (b) and (c).
    assertThat(report.lines().filter(l -> l.startsWith("  speedup "))).hasSize(3);
    assertThat(report)
        .containsPattern("(?m)^  speedup +\\d+\\.\\d\\dx measured \\(sequential / kopi\\)");
    assertThat(report).containsPattern("(?m)^  efficiency +\\d+\\.\\d% of 2 workers busy");
    assertThat(report).containsPattern("(?m)^  efficiency +\\d+\\.\\d% of 64 workers busy");
    assertThat(report).containsPattern("(?m)^  engine overhead +\\d+\\.\\d+%");
    assertThat(report)
        .containsPattern("(?m)^  latency +p50 \\d+\\.\\d\\d ms, p99 \\d+\\.\\d\\d ms");
    assertThat(report).containsPattern("(?m)^  serial fraction +\\d\\.\\d{4} \\(Karp-Flatt");
    assertThat(report)
        .containsPattern(
            "(?m)^  Amdahl predicts +\\d+\\.\\dx on 4, \\d+\\.\\dx on 8, \\d+\\.\\dx on 16 workers");
    assertThat(report)
        .containsPattern("(?m)^  overlap +\\d+\\.\\d\\dx \\(stages in turn / pipeline\\)");
    assertThat(report).containsPattern("(?m)^  stage fetch +20 items on 64 workers");
    assertThat(report).containsPattern("(?m)^  stage compute +20 items on 2 workers");
    assertThat(report).contains("(sequential and kopi agree)").contains("(agrees with (a))");
    assertThat(report).doesNotContain("MISMATCH");

    // Not a terminal here: plain progress lines, one final line per run.
    assertThat(cli.err())
        .contains("demo-cpu/sequential: done, 20 items in")
        .contains("demo-cpu/kopi: done, 20 items in")
        .contains("demo-io/sequential: done, 20 items in")
        .contains("demo-io/kopi: done, 20 items in")
        .contains("demo-pipeline: done, 20 items in");
  }

  @Test
  void oneWorkerHasNoSerialFractionAndNoProgressMeansQuietStderr() {
    assertThat(
            kopi(
                "demo",
                "--items",
                "4",
                "--cpu-ms",
                "1",
                "--io-ms",
                "1",
                "--workers",
                "1",
                "--io-concurrency",
                "1",
                "--no-progress"))
        .as("exit code; stderr: %s", cli.err())
        .isZero();

    assertThat(cli.out())
        .contains("Pool.cpu(1).map")
        .contains("Pool.io(1).map")
        .contains("n/a: the Karp-Flatt metric needs at least 2 workers");
    assertThat(cli.err()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "--items, 0, '--items >= 1 required but it was 0'",
    "--items, 1000001, '--items <= 1000000 required but it was 1000001'",
    "--workers, -1, '--workers >= 1 required but it was -1'",
    "--workers, 0, '--workers >= 1 required but it was 0'",
    "--cpu-ms, 0, '--cpu-ms >= 1 required but it was 0'",
    "--io-ms, -5, '--io-ms >= 1 required but it was -5'",
    "--io-ms, 10001, '--io-ms <= 10000 required but it was 10001'",
    "--io-concurrency, 0, '--io-concurrency >= 1 required but it was 0'",
  })
  void badValuesAreUsageErrorsNamingTheRuleAndTheValue(
      String option, String value, String message) {
    assertThat(kopi("demo", option, value)).isEqualTo(2);

    assertThat(cli.err()).startsWith(message).contains("Usage: kopi demo");
    assertThat(cli.out()).as("nothing ran").isEmpty();
  }

  @Test
  void nonNumbersAreUsageErrors() {
    assertThat(kopi("demo", "--items", "many")).isEqualTo(2);

    assertThat(cli.err()).contains("--items").contains("'many' is not an int");
    assertThat(cli.out()).isEmpty();
  }
}
