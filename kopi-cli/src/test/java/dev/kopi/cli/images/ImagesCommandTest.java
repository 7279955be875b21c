package dev.kopi.cli.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kopi.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesCommandTest {
  @TempDir static Path shared;
  static Path corpus;
  @TempDir Path dir;
  private final CliRun cli = new CliRun();

  @BeforeAll
  static void sample() {
    corpus = shared.resolve("corpus");
    int code = new CliRun().kopi("sample", "-o", corpus.toString(), "--n", "25", "--seed", "3");
    assertThat(code).isZero();
  }

  private int kopi(String... args) {
    return cli.kopi(args);
  }

  @Test
  void aCompletedJobExitsZeroAndPrintsTheSummaryAndHowToLoadIt() throws Exception {
    Path npy = dir.resolve("t.npy");
    Path json = dir.resolve("s.json");
    int code =
        kopi(
            "images",
            corpus.toString(),
            "-o",
            npy.toString(),
            "--size",
            "16x12",
            "--no-progress",
            "--workers",
            "1",
            "--summary-json",
            json.toString());
    assertThat(code).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains("25 images -> " + npy.toAbsolutePath())
        .containsPattern("ok\\s+\\d+")
        .containsPattern("images/s: wall [0-9.]+ s, CPU [0-9.]+ s, 1 worker \\(")
        .contains("time by stage: read")
        .containsPattern(
            "decoded by: kopi-bmp \\d+ kopi-gif \\d+ kopi-jpeg \\d+ kopi-png \\d+ kopi-tiff \\d+")
        .contains("np.load('" + npy.toAbsolutePath() + "', mmap_mode='r')  # (25, 12, 16, 3)");
    assertThat(Files.readString(json))
        .contains("\"rows\": 25")
        .contains("\"shape\": [25, 12, 16, 3]")
        .contains("\"completed\": true")
        .containsPattern(
            "\"decoders\": \\{\"kopi-bmp\": [1-9]\\d*, \"kopi-gif\": [1-9]\\d*,"
                + " \"kopi-jpeg\": [1-9]\\d*, \"kopi-png\": [1-9]\\d*, \"kopi-tiff\": [1-9]\\d*\\}");
    assertThat(Files.readAllLines(dir.resolve("t.index.csv"))).hasSize(26);
  }

  @Test
  void tooManyFailuresExitsThreeAndKeepsTheJobResumable() {
    Path npy = dir.resolve("strict.npy");
    assertThat(
            kopi(
                "images",
                corpus.toString(),
                "-o",
                npy.toString(),
                "--no-progress",
                "--max-failures",
                "0"))
        .isEqualTo(3);
    assertThat(cli.err()).contains("more than --max-failures 0").contains("--resume");
    assertThat(kopi("images", corpus.toString(), "-o", npy.toString(), "--no-progress", "--resume"))
        .isZero();
  }

  @Test
  void aFatalErrorExitsFour() {
    assertThat(
            kopi(
                "images",
                dir.resolve("nowhere").toString(),
                "-o",
                dir.resolve("x.npy").toString(),
                "--no-progress"))
        .isEqualTo(4);
    assertThat(cli.err()).contains("does not exist");
    assertThat(
            kopi(
                "images",
                corpus.toString(),
                "-o",
                dir.resolve("no/such/folder/x.npy").toString(),
                "--no-progress"))
        .isEqualTo(4);
    assertThat(cli.err()).contains("output's folder does not exist");
  }

  @Test
  void helpShowsDefaultsButNotTheReducingGapSentinel() {
    assertThat(kopi("images", "--help")).isZero();
    String usage = cli.out();
    assertThat(usage).contains("Default: 64x64").contains("Default: bicubic");
    // The field's 0 means "depends on the filter", which the option's own text explains.
    int from = usage.lastIndexOf("--reducing-gap"); // the option list, after the synopsis
    int to = usage.lastIndexOf("--workers");
    assertThat(usage.substring(from, to)).contains("default: 1.0").doesNotContain("Default:");
  }

  @Test
  void badOptionsAreUsageErrorsNamingTheRuleAndValue() {
    String src = corpus.toString();
    String o = dir.resolve("x.npy").toString();
    assertThat(kopi("images", src, "-o", o, "--size", "64by64")).isEqualTo(2);
    assertThat(cli.err()).contains("--size must be WxH or N (e.g. 64x64) but it was '64by64'");
    assertThat(kopi("images", src, "-o", o, "--mode", "zoom")).isEqualTo(2);
    assertThat(cli.err()).contains("--mode must be one of stretch, crop, pad but it was 'zoom'");
    assertThat(kopi("images", src, "-o", o, "--background", "white")).isEqualTo(2);
    assertThat(cli.err()).contains("--background must be #RRGGBB");
    assertThat(kopi("images", src, "-o", o, "--reducing-gap", "0.5")).isEqualTo(2);
    assertThat(cli.err())
        .contains("reducingGap of 0 (auto) or in 1.0..64.0 required but it was 0.5");
    assertThat(kopi("images", src, "-o", o, "--workers", "0")).isEqualTo(2);
    assertThat(cli.err()).contains("workers >= 1 required but it was 0");
    assertThat(kopi("images", src)).isEqualTo(2);
    assertThat(cli.err()).contains("-o/--output OUT.npy is required");
  }
}
