package dev.kopi.cli.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kopi.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ImagesCommandTest {
  @TempDir static Path shared;
  static Path corpus;
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void sample() {
    corpus = shared.resolve("corpus");
    int code =
        new CommandLine(new Main())
            .setOut(new PrintWriter(new StringWriter(), true))
            .execute("sample", "-o", corpus.toString(), "--n", "25", "--seed", "3");
    assertThat(code).isZero();
  }

  private int kopi(String... args) {
    return new CommandLine(new Main())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
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
            "--summary-json",
            json.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("25 images -> " + npy.toAbsolutePath())
        .containsPattern("ok\\s+\\d+")
        .contains("time by stage: read")
        .contains("np.load('" + npy.toAbsolutePath() + "', mmap_mode='r')  # (25, 12, 16, 3)");
    assertThat(Files.readString(json))
        .contains("\"rows\": 25")
        .contains("\"shape\": [25, 12, 16, 3]")
        .contains("\"completed\": true");
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
    assertThat(err.toString()).contains("more than --max-failures 0").contains("--resume");
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
    assertThat(err.toString()).contains("does not exist");
    assertThat(
            kopi(
                "images",
                corpus.toString(),
                "-o",
                dir.resolve("no/such/folder/x.npy").toString(),
                "--no-progress"))
        .isEqualTo(4);
    assertThat(err.toString()).contains("output's folder does not exist");
  }

  @Test
  void badOptionsAreUsageErrorsNamingTheRuleAndValue() {
    String src = corpus.toString();
    String o = dir.resolve("x.npy").toString();
    assertThat(kopi("images", src, "-o", o, "--size", "64by64")).isEqualTo(2);
    assertThat(err.toString()).contains("--size must be WxH or N (e.g. 64x64) but it was '64by64'");
    assertThat(kopi("images", src, "-o", o, "--mode", "zoom")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--mode must be one of stretch, crop, pad but it was 'zoom'");
    assertThat(kopi("images", src, "-o", o, "--background", "white")).isEqualTo(2);
    assertThat(err.toString()).contains("--background must be #RRGGBB");
    assertThat(kopi("images", src, "-o", o, "--workers", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("workers >= 1 required but it was 0");
    assertThat(kopi("images", src)).isEqualTo(2);
    assertThat(err.toString()).contains("-o/--output OUT.npy is required");
  }
}
