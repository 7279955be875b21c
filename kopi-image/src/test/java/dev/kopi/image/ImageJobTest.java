package dev.kopi.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kopi.core.RunListener;
import dev.kopi.core.RunStats;
import dev.kopi.image.sample.SampleCorpus;
import dev.kopi.image.testing.ReferencePython;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageJobTest {
  @TempDir static Path shared;
  static Path corpus;
  static List<SampleCorpus.Entry> entries;

  @TempDir Path dir;

  @BeforeAll
  static void writeCorpus() throws Exception {
    corpus = shared.resolve("corpus");
    entries = SampleCorpus.write(corpus, 30, 11);
  }

  private ImageJobOptions.Builder options(Path out) {
    return ImageJobOptions.builder(corpus, out).size(32, 24).workers(2);
  }

  @Test
  void writesOneRowPerInputWithAStatusAndAnArrayNumpyLoads() throws Exception {
    Path out = dir.resolve("train.npy");
    ImageJobReport report = ImageJob.run(options(out).build(), RunListener.NONE);
    assertThat(report.rows()).isEqualTo(entries.size());
    assertThat(report.aborted()).isNull();
    assertThat(Files.exists(out)).isTrue();
    assertThat(dir.resolve("train.npy.journal")).doesNotExist();
    assertThat(dir.resolve("train.npy.partial")).doesNotExist();
    assertThat(dir.resolve("train.npy.lock")).doesNotExist();

    List<String> index = Files.readAllLines(dir.resolve("train.index.csv"));
    assertThat(index.get(0)).isEqualTo("row,source,status,reason,width,height,mode");
    assertThat(index).hasSize(entries.size() + 1);
    for (int i = 0; i < entries.size(); i++) {
      String line = index.get(i + 1);
      String kind = entries.get(i).kind();
      assertThat(line).startsWith(i + "," + entries.get(i).path().getFileName() + ",");
      if (kind.startsWith("broken")) {
        assertThat(line).as(kind).doesNotContain(",ok,");
      } else {
        assertThat(line).as(kind).contains(",ok,,");
      }
    }
    long ok = report.counts().getOrDefault(ItemStatus.OK, 0L);
    assertThat(ok + report.failures()).isEqualTo(entries.size());
    assertThat(report.counts()).containsEntry(ItemStatus.TRUNCATED, 2L);

    ReferencePython.require();
    String py =
        ReferencePython.run(
            String.join(
                "\n",
                "import sys, csv, numpy as np",
                "a = np.load(sys.argv[1], mmap_mode='r')",
                "rows = list(csv.DictReader(open(sys.argv[2])))",
                "bad = [int(r['row']) for r in rows if r['status'] != 'ok']",
                "good = [int(r['row']) for r in rows if r['status'] == 'ok']",
                "print(a.dtype, a.shape)",
                "print(all(int(a[i].max()) == 0 for i in bad), all(int(a[i].max()) > 0 for i in good))"),
            out.toString(),
            dir.resolve("train.index.csv").toString());
    assertThat(py.lines())
        .containsExactly("uint8 (" + entries.size() + ", 24, 32, 3)", "True True");
  }

  @Test
  void filesTooBigToReadAheadAreReadByTheirWorkerAndTheStagesAreReported() throws Exception {
    // A 1800 x 1600 BMP is 8.6 MB, over the read-ahead's limit; the small one is read ahead.
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    int[] rgb = {10, 200, 30};
    for (String name : new String[] {"big.bmp", "small.bmp"}) {
      int w = name.equals("big.bmp") ? 1800 : 40;
      BufferedImage img = new BufferedImage(w, 1600 * w / 1800, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = img.createGraphics();
      g.setColor(new Color(rgb[0], rgb[1], rgb[2]));
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      g.dispose();
      ImageIO.write(img, "bmp", in.resolve(name).toFile());
    }
    assertThat(Files.size(in.resolve("big.bmp"))).isGreaterThan(ItemProcessor.READ_AHEAD_MAX_BYTES);
    assertThat(Files.size(in.resolve("small.bmp"))).isLessThan(ItemProcessor.READ_AHEAD_MAX_BYTES);

    Path out = dir.resolve("big.npy");
    ImageJobReport report =
        ImageJob.run(
            ImageJobOptions.builder(in, out).size(8, 8).workers(2).build(), RunListener.NONE);

    assertThat(report.counts()).containsEntry(ItemStatus.OK, 2L);
    byte[] npy = Files.readAllBytes(out);
    int rows = 2 * 8 * 8;
    for (int i = 0; i < rows; i++) {
      int p = npy.length - 3 * rows + 3 * i;
      assertThat(new int[] {npy[p] & 0xff, npy[p + 1] & 0xff, npy[p + 2] & 0xff})
          .as("pixel %d", i)
          .containsExactly(rgb);
    }
    assertThat(report.stats().stages())
        .extracting(RunStats.StageStats::name)
        .containsExactly(ImageJob.READ_STAGE, ImageJob.DECODE_STAGE);
    assertThat(report.workerEfficiency()).isGreaterThan(0).isLessThanOrEqualTo(1.0);
    assertThat(report.breakdown().readNanos()).isPositive();
  }

  @Test
  void aSecondRunOnTheSameOutputFailsFastOnTheLock() throws Exception {
    Path out = dir.resolve("locked.npy");
    try (FileChannel ch =
            FileChannel.open(
                dir.resolve("locked.npy.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock held = ch.lock()) {
      assertThatThrownBy(() -> ImageJob.run(options(out).build(), RunListener.NONE))
          .hasMessageContaining("another kopi run is writing");
    }
  }

  @Test
  void anUnfinishedRunIsNotSilentlyOverwrittenNorResumedWithOtherOptions() throws Exception {
    Path out = dir.resolve("x.npy");
    Files.writeString(dir.resolve("x.npy.journal"), Journal.header("0000", 30) + "\n");
    assertThatThrownBy(() -> ImageJob.run(options(out).build(), RunListener.NONE))
        .hasMessageContaining("pass --resume to continue it");
    assertThatThrownBy(() -> ImageJob.run(options(out).resume(true).build(), RunListener.NONE))
        .hasMessageContaining("different options or inputs");
  }

  @Test
  void labelsAndCarriedColumnsComeFromACsv() throws Exception {
    Path out = dir.resolve("labelled.npy");
    // Paths relative to the CSV's folder: write the CSV next to the corpus.
    Path nearCorpus = shared.resolve("list.csv");
    StringBuilder rel = new StringBuilder("id,file,cls,note\n");
    for (int i = 0; i < 6; i++) {
      rel.append(i)
          .append(",corpus/")
          .append(entries.get(i).path().getFileName())
          .append(',')
          .append(i % 2 == 0 ? "cat" : "dog")
          .append(",\"n, ")
          .append(i)
          .append("\"\n");
    }
    Files.writeString(nearCorpus, rel);
    ImageJobReport report =
        ImageJob.run(
            ImageJobOptions.builder(nearCorpus, out)
                .size(8, 8)
                .pathColumn("file")
                .labelColumn("cls")
                .build(),
            RunListener.NONE);
    assertThat(report.rows()).isEqualTo(6);
    assertThat(Files.readAllLines(dir.resolve("labelled.classes.txt")))
        .containsExactly("cat", "dog");
    List<String> index = Files.readAllLines(dir.resolve("labelled.index.csv"));
    assertThat(index.get(0)).isEqualTo("row,source,status,reason,width,height,mode,label,id,note");
    assertThat(index.get(2))
        .startsWith("1,corpus/" + entries.get(1).path().getFileName() + ",")
        .endsWith(",dog,1,\"n, 1\"");
    ReferencePython.require();
    assertThat(
            ReferencePython.run(
                "import sys, numpy as np; print(list(np.load(sys.argv[1])))",
                dir.resolve("labelled.labels.npy").toString()))
        .isEqualTo("[0, 1, 0, 1, 0, 1]\n");
  }

  /**
   * Kill -9 a real child process at several points; resuming yields files byte-identical to an
   * uninterrupted run.
   */
  @ParameterizedTest(name = "killed after {0} items")
  @ValueSource(ints = {0, 9, 21})
  void resumingAfterKillMinus9IsByteIdentical(int killAfter) throws Exception {
    Path reference = dir.resolve("ref.npy");
    ImageJob.run(options(reference).build(), RunListener.NONE);

    Path out = dir.resolve("out.npy");
    ProcessBuilder pb =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                JobChild.class.getName(),
                corpus.toString(),
                out.toString())
            .redirectErrorStream(true);
    Process child = pb.start();
    int seen = 0;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (seen < killAfter && (line = r.readLine()) != null) {
        if (line.startsWith("done ")) {
          seen++;
        }
      }
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(seen).isEqualTo(killAfter);
    assertThat(out).doesNotExist();

    ImageJobReport resumed = ImageJob.run(options(out).resume(true).build(), RunListener.NONE);
    if (killAfter > 0) {
      // Items are reported done when they finish, a little before the journal records them.
      assertThat(resumed.resumedRows()).isPositive().isLessThan(entries.size());
    }
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(reference));
    assertThat(Files.readAllBytes(dir.resolve("out.index.csv")))
        .isEqualTo(Files.readAllBytes(dir.resolve("ref.index.csv")));
  }

  /** A decode that outlives the soft timeout is reported as decode_timeout, and the job goes on. */
  @Test
  void slowDecodesEndAsDecodeTimeout() throws Exception {
    Path out = dir.resolve("timeout.npy");
    ImageJobReport report =
        ImageJob.run(
            options(out).decodeTimeout(java.time.Duration.ofMillis(1)).build(), RunListener.NONE);
    // 300 to 1200 px images take far longer than 1 ms to read, decode and resize.
    assertThat(report.counts().getOrDefault(ItemStatus.DECODE_TIMEOUT, 0L)).isPositive();
    assertThat(report.rows()).isEqualTo(entries.size());
    assertThat(Files.readString(dir.resolve("timeout.index.csv")))
        .contains(",decode_timeout,still decoding after the per-item timeout");
  }

  /**
   * A full disk stops the job with an error naming the cause and the way out, keeps what was
   * finished, and a resume once there is room gives the same bytes as a run that never failed. The
   * disk is a real tmpfs of 48 KiB, grown in place before the resume; mounting needs root (as in
   * CI), and the test is skipped, with the reason, where it cannot mount.
   */
  @Test
  void aFullDiskIsAClearErrorAndTheJobResumesOnceThereIsRoom() throws Exception {
    Path reference = dir.resolve("ref.npy");
    ImageJob.run(options(reference).build(), RunListener.NONE);
    Path disk = dir.resolve("disk");
    Files.createDirectories(disk);
    String mounted = sh("mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", disk.toString());
    org.junit.jupiter.api.Assumptions.assumeTrue(
        mounted.isEmpty(), () -> "cannot mount a tmpfs here (needs root): " + mounted);
    try {
      Path out = disk.resolve("full.npy");
      assertThatThrownBy(() -> ImageJob.run(options(out).build(), RunListener.NONE))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("No space left on device");
      assertThat(disk.resolve("full.npy.journal")).exists();
      assertThat(out).doesNotExist();
      assertThat(sh("mount", "-o", "remount,size=4m", disk.toString())).isEmpty();
      ImageJobReport resumed = ImageJob.run(options(out).resume(true).build(), RunListener.NONE);
      assertThat(resumed.resumedRows()).isPositive();
      assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(reference));
      assertThat(Files.readAllBytes(disk.resolve("full.index.csv")))
          .isEqualTo(Files.readAllBytes(dir.resolve("ref.index.csv")));
    } finally {
      sh("umount", disk.toString());
    }
  }

  /** Runs a command; returns "" on success, else its output and exit code. */
  private static String sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.waitFor() == 0 ? "" : output.strip() + " (exit " + p.exitValue() + ")";
  }

  @Test
  void maxFailuresStopsTheJobAndKeepsItResumable() throws Exception {
    Path out = dir.resolve("strict.npy");
    ImageJobReport report = ImageJob.run(options(out).maxFailures(0).build(), RunListener.NONE);
    assertThat(report.aborted()).contains("more than --max-failures 0");
    assertThat(out).doesNotExist();
    assertThat(dir.resolve("strict.npy.journal")).exists();
    ImageJobReport finished =
        ImageJob.run(options(out).maxFailures(-1).resume(true).build(), RunListener.NONE);
    assertThat(finished.aborted()).isNull();
    assertThat(out).exists();
  }
}
