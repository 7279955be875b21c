package dev.kopi.image.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import dev.kopi.image.sample.SampleCorpus;
import dev.kopi.image.testing.ReferencePython;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
  @TempDir static Path dir;
  static List<SampleCorpus.Entry> corpus;
  final ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, true);

  @BeforeAll
  static void writeCorpus() throws Exception {
    corpus = SampleCorpus.write(dir.resolve("corpus"), SampleCorpus.kinds().size(), 7);
  }

  private static final Map<String, String> MODES =
      Map.ofEntries(
          Map.entry("jpeg-rgb", "RGB"),
          Map.entry("jpeg-progressive", "RGB"),
          Map.entry("jpeg-grey", "L"),
          Map.entry("jpeg-exif-rotated", "RGB"),
          Map.entry("png-rgb", "RGB"),
          Map.entry("png-rgba", "RGBA"),
          Map.entry("png-grey", "L"),
          Map.entry("png-palette", "P"),
          Map.entry("png-grey16", "I"),
          Map.entry("png-1bit", "1"),
          Map.entry("png-interlaced", "RGB"),
          Map.entry("gif", "P"),
          Map.entry("bmp", "RGB"),
          Map.entry("tiff", "RGB"));

  private static final Map<String, ItemStatus> BROKEN =
      Map.of(
          "broken-truncated-jpeg", ItemStatus.TRUNCATED,
          "broken-truncated-png", ItemStatus.TRUNCATED,
          "broken-empty", ItemStatus.EMPTY,
          "broken-garbage", ItemStatus.UNSUPPORTED_FORMAT,
          "broken-text", ItemStatus.UNSUPPORTED_FORMAT,
          "broken-gigapixel-header", ItemStatus.TOO_MANY_PIXELS);

  @Test
  void everyKindOfTheCorpusEndsWithItsExpectedStatusAndMode() throws Exception {
    assertThat(corpus).extracting(SampleCorpus.Entry::kind).containsAll(SampleCorpus.kinds());
    for (SampleCorpus.Entry e : corpus) {
      ItemStatus expected = BROKEN.getOrDefault(e.kind(), ItemStatus.OK);
      ItemStatus actual;
      String reason = "";
      try {
        byte[] bytes = ImageFiles.read(e.path(), false, 1L << 30);
        ImageDecoder.Decoded d = decoder.decode(bytes, false);
        actual = ItemStatus.OK;
        assertThat(d.mode()).as(e.kind()).isEqualTo(MODES.get(e.kind()));
        assertThat(d.pixels().channels()).isEqualTo(3);
        if (e.kind().equals("jpeg-exif-rotated")) {
          assertThat(d.pixels().width()).as("rotated by EXIF").isEqualTo(d.height());
          assertThat(d.pixels().height()).isEqualTo(d.width());
        } else {
          assertThat(d.pixels().width()).isEqualTo(d.width());
        }
      } catch (ItemException x) {
        actual = x.status();
        reason = x.getMessage();
        assertThat(reason).as("a reason for %s", e.kind()).isNotBlank();
      }
      assertThat(actual)
          .as("%s (%s): %s", e.path().getFileName(), e.kind(), reason)
          .isEqualTo(expected);
    }
  }

  /** Files only Pillow writes here: CMYK JPEG (Adobe, inverted) and WebP, lossy and lossless. */
  @Test
  void cmykJpegAndWebpDecodeWithPillowsColours() throws Exception {
    ReferencePython.require();
    Path cmyk = dir.resolve("cmyk.jpg");
    Path lossless = dir.resolve("lossless.webp");
    Path lossy = dir.resolve("lossy.webp");
    String expected =
        ReferencePython.run(
            String.join(
                "\n",
                "import sys",
                "from PIL import Image",
                "cols = [(0,0,0,0), (255,0,0,0), (0,255,0,0), (0,0,255,0), (0,0,0,255),",
                "        (40,80,120,30), (200,10,60,0), (0,0,0,128)]",
                "im = Image.new('CMYK', (80, 16))",
                "for i, c in enumerate(cols):",
                "    im.paste(c, (10 * i, 0, 10 * i + 10, 16))",
                "im.save(sys.argv[1], quality=95)",
                "rgb = Image.new('RGB', (80, 16))",
                "for i in range(8):",
                "    rgb.paste((30 * i, 255 - 30 * i, 100), (10 * i, 0, 10 * i + 10, 16))",
                "rgb.save(sys.argv[2], lossless=True)",
                "rgb.save(sys.argv[3], quality=90)",
                "for p in sys.argv[1:]:",
                "    r = Image.open(p).convert('RGB')",
                "    print(' '.join('%d,%d,%d' % r.getpixel((10 * i + 5, 8)) for i in range(8)))"),
            cmyk.toString(),
            lossless.toString(),
            lossy.toString());
    List<String> lines = expected.lines().toList();
    Path[] files = {cmyk, lossless, lossy};
    String[] modes = {"CMYK", "RGB", "RGB"};
    // Lossy WebP goes through a different VP8 decoder than libwebp (chroma upsampling differs).
    int[] tolerance = {2, 0, 6};
    for (int f = 0; f < files.length; f++) {
      ImageDecoder.Decoded d = decoder.decode(Files.readAllBytes(files[f]), false);
      assertThat(d.mode()).isEqualTo(modes[f]);
      String[] want = lines.get(f).split(" ", -1);
      for (int i = 0; i < 8; i++) {
        int o = 3 * (8 * 80 + 10 * i + 5);
        String[] rgb = want[i].split(",", -1);
        for (int c = 0; c < 3; c++) {
          assertThat(d.pixels().data()[o + c] & 0xFF)
              .as("%s patch %d channel %d", files[f].getFileName(), i, c)
              .isCloseTo(
                  Integer.parseInt(rgb[c]), org.assertj.core.data.Offset.offset(tolerance[f]));
        }
      }
    }
  }

  @Test
  void theGigapixelHeaderIsRefusedBeforeDecoding() throws Exception {
    Path p =
        corpus.stream()
            .filter(e -> e.kind().equals("broken-gigapixel-header"))
            .findFirst()
            .orElseThrow()
            .path();
    assertThatThrownBy(() -> decoder.decode(Files.readAllBytes(p), false))
        .isInstanceOf(ItemException.class)
        .hasMessage("50000x50000 = 2500.0 Mpx, over the limit of 89.5 Mpx (--max-pixels)");
  }

  @Test
  void rgbaKeepsOrDropsAlphaOnRequest() throws Exception {
    Path p =
        corpus.stream().filter(e -> e.kind().equals("png-rgba")).findFirst().orElseThrow().path();
    byte[] bytes = Files.readAllBytes(p);
    Pixels dropped = decoder.decode(bytes, false).pixels();
    Pixels kept = decoder.decode(bytes, true).pixels();
    assertThat(dropped.channels()).isEqualTo(3);
    assertThat(kept.channels()).isEqualTo(4);
    // Dropping alpha keeps the colour channels as they are (Pillow's convert("RGB")).
    assertThat(kept.data()[0]).isEqualTo(dropped.data()[0]);
    Pixels onWhite = Rgb.composite(kept, 0xFFFFFF);
    assertThat(onWhite.channels()).isEqualTo(3);
  }

  @Test
  void fileChecksNameWhatIsWrongWithoutOpeningSpecialFiles() throws Exception {
    Path real = corpus.get(0).path();
    assertStatus(
        () -> ImageFiles.read(dir.resolve("missing.jpg"), false, 1 << 30), ItemStatus.NOT_FOUND);
    assertStatus(() -> ImageFiles.read(dir, false, 1 << 30), ItemStatus.NOT_A_FILE);
    Path link = dir.resolve("link.jpg");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, real);
    assertStatus(() -> ImageFiles.read(link, false, 1 << 30), ItemStatus.NOT_A_FILE);
    assertThat(ImageFiles.read(link, true, 1 << 30)).isEqualTo(Files.readAllBytes(real));
    Path fifo = dir.resolve("pipe.jpg");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mk.waitFor()).isZero();
    // Opening a FIFO for reading would block forever: it must be refused from its attributes.
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> assertStatus(() -> ImageFiles.read(fifo, false, 1 << 30), ItemStatus.NOT_A_FILE));
    assertStatus(() -> ImageFiles.read(real, false, 10), ItemStatus.UNSUPPORTED_FORMAT);
  }

  /**
   * A file whose read fails is an {@code io_error} with the system's reason. Tests run as root, so
   * a permission cannot be denied; Linux's sysfs has regular files whose read fails instead (the
   * loopback interface has no link speed: EINVAL).
   */
  @Test
  void aFailingReadIsAnIoErrorWithTheSystemsReason() {
    Path unreadable = Path.of("/sys/class/net/lo/speed");
    assumeTrue(
        Files.isRegularFile(unreadable) && !readable(unreadable),
        "needs Linux sysfs's /sys/class/net/lo/speed, a regular file whose read fails");
    assertThatThrownBy(() -> ImageFiles.read(unreadable, false, 1 << 30))
        .isInstanceOfSatisfying(
            ItemException.class,
            e -> {
              assertThat(e.status()).isEqualTo(ItemStatus.IO_ERROR);
              assertThat(e.reason()).startsWith("read failed: ").contains("Invalid argument");
            });
  }

  private static boolean readable(Path p) {
    try {
      Files.readAllBytes(p);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Garbage inside a JPEG's entropy-coded data (structure intact) is corrupt, not truncated. */
  @Test
  void damagedJpegDataIsCorrupt() throws Exception {
    byte[] full = SampleCorpus.jpeg(SampleCorpus.photo(400, 300, new Random(8)), 0.9f, false);
    int sos = 0;
    while (!((full[sos] & 0xFF) == 0xFF && (full[sos + 1] & 0xFF) == 0xDA)) {
      sos++;
    }
    Random r = new Random(9);
    byte[] damaged = full.clone();
    for (int i = sos + 200; i < sos + 500; i++) {
      damaged[i] = (byte) r.nextInt(0xFF); // never 0xFF: no marker is created
    }
    assertStatus(() -> decoder.decode(damaged, false), ItemStatus.CORRUPT);
  }

  /** Every prefix of small JPEG, PNG and GIF files ends with a status; none escapes or hangs. */
  @Test
  void everyTruncationEndsInAStatus() throws Exception {
    Random r = new Random(3);
    byte[][] files = {
      SampleCorpus.jpeg(SampleCorpus.photo(40, 30, r), 0.9f, false),
      SampleCorpus.jpeg(SampleCorpus.photo(40, 30, r), 0.9f, true),
      SampleCorpus.encode(SampleCorpus.photo(40, 30, r), "png"),
      SampleCorpus.encode(SampleCorpus.photo(20, 10, r), "gif"),
    };
    assertTimeoutPreemptively(
        Duration.ofMinutes(3),
        () -> {
          for (byte[] full : files) {
            int ok = 0;
            for (int n = 1; n < full.length; n++) {
              try {
                decoder.decode(Arrays.copyOf(full, n), false);
                ok++;
              } catch (ItemException e) {
                assertThat(e.status())
                    .isIn(ItemStatus.TRUNCATED, ItemStatus.CORRUPT, ItemStatus.UNSUPPORTED_FORMAT);
              }
            }
            // A cut file is never silently "ok".
            assertThat(ok).as("prefixes decoded as ok").isZero();
            assertThat(decoder.decode(full, false).pixels().width()).isPositive();
          }
        });
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void assertStatus(Call call, ItemStatus status) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(ItemException.class, e -> assertThat(e.status()).isEqualTo(status));
  }
}
