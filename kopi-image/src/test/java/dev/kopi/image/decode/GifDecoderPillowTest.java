package dev.kopi.image.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import dev.kopi.image.sample.SampleCorpus;
import dev.kopi.image.testing.PillowDecodes;
import dev.kopi.image.testing.ReferencePython;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GifDecoder} against real Pillow: {@code Image.open(p)}'s mode and size (the logical
 * screen, grown to hold the first frame), and {@code convert("RGB")} (and {@code convert("RGBA")}
 * where the first frame has a transparent index) then {@code reduce(k)} for k = 1, 2, 3 and 8, byte
 * for byte, over {@link GifDecoderTest}'s matrix, the GIFs Pillow itself writes (adaptive palettes
 * of 2 to 256 colours, grey, transparency, interlaced or not, optimised palettes, animations) and
 * the sample corpus's. Every file of the matrix agrees with Pillow; the two places where kopi is
 * stricter than Pillow are pinned in {@link #whereKopiIsStricterPillowDecodesAnyway}. All Pillow
 * work runs in one Python process; without Pillow the tests are skipped with the reason.
 */
class GifDecoderPillowTest {
  private static final int[] REDUCE = {1, 2, 3, 8};

  /** The matrix's one file where Pillow 9.4 is wrong (see the class comment). */
  private static final String PILLOW_WRONG = "a local grey ramp over a global colour table";

  @SuppressWarnings("ArrayRecordComponent")
  record Request(String label, Path path, String mode, int reduce, DecodedImage kopi) {}

  private static final List<Request> REQUESTS = new ArrayList<>();
  private static final List<PillowDecodes.Answer> PILLOW = new ArrayList<>();
  private static Path dir = Path.of(".");

  @BeforeAll
  static void runPillow(@TempDir Path tmp) throws Exception {
    dir = tmp;
    if (ReferencePython.unavailableReason() != null) {
      return;
    }
    List<GifDecoderTest.Variant> variants = new ArrayList<>(GifDecoderTest.variants());
    Path written = Files.createDirectories(dir.resolve("pillow"));
    ReferencePython.run(
        String.join(
            "\n",
            "import sys, random",
            "from PIL import Image",
            "random.seed(11)",
            "out = sys.argv[1]",
            "for w, h in [(1, 1), (7, 3), (33, 17), (301, 203)]:",
            "    im = Image.new('RGB', (w, h))",
            "    im.putdata([((x * 255) // w, (y * 255) // h, random.randrange(256))",
            "                for y in range(h) for x in range(w)])",
            "    for colours in (2, 16, 256):",
            "        p = im.convert('P', palette=Image.ADAPTIVE, colors=colours)",
            "        for interlace in (0, 1):",
            "            p.save('%s/p%d-i%d-%dx%d.gif' % (out, colours, interlace, w, h),",
            "                   interlace=interlace, optimize=False)",
            "        p.save('%s/p%d-optimised-%dx%d.gif' % (out, colours, w, h), optimize=True)",
            "        p.save('%s/p%d-transparent-%dx%d.gif' % (out, colours, w, h),",
            "               transparency=1, optimize=False)",
            "    im.convert('L').save('%s/L-%dx%d.gif' % (out, w, h))",
            "    im.save('%s/RGB-%dx%d.gif' % (out, w, h))",
            "    second = im.transpose(Image.Transpose.ROTATE_180)",
            "    im.save('%s/animated-%dx%d.gif' % (out, w, h), save_all=True,",
            "            append_images=[second], duration=100, loop=0)"),
        written.toString());
    try (Stream<Path> files = Files.list(written)) {
      for (Path p : files.sorted().toList()) {
        variants.add(
            new GifDecoderTest.Variant(
                "Pillow-written " + p.getFileName(), null, Files.readAllBytes(p), null));
      }
    }
    for (SampleCorpus.Entry e : SampleCorpus.write(dir.resolve("corpus"), 60, 23)) {
      if (e.kind().equals("gif")) {
        variants.add(
            new GifDecoderTest.Variant(
                "corpus " + e.path().getFileName(), null, Files.readAllBytes(e.path()), null));
      }
    }
    int file = 0;
    for (GifDecoderTest.Variant v : variants) {
      Path p = dir.resolve("f" + file++ + ".gif");
      Files.write(p, v.bytes());
      for (int k : REDUCE) {
        REQUESTS.add(
            new Request(v.label(), p, "RGB", k, GifDecoderTest.decode(v.bytes(), false, k)));
        DecodedImage rgba = GifDecoderTest.decode(v.bytes(), true, k);
        if (rgba.pixels().channels() == 4) {
          REQUESTS.add(new Request(v.label(), p, "RGBA", k, rgba));
        }
      }
    }
    PILLOW.addAll(
        PillowDecodes.run(
            dir,
            REQUESTS.stream()
                .map(r -> new PillowDecodes.Request(r.path(), r.mode(), r.reduce()))
                .toList()));
  }

  @Test
  void matchesPillowsModeSizeAndPixels(TestReporter reporter) {
    ReferencePython.require();
    int rgba = 0;
    int differing = 0;
    for (int q = 0; q < REQUESTS.size(); q++) {
      Request r = REQUESTS.get(q);
      PillowDecodes.Answer pillow = PILLOW.get(q);
      String what = String.format(Locale.ROOT, "%s %s reduce(%d)", r.label(), r.mode(), r.reduce());
      assertThat(pillow.failed()).as("Pillow fails on %s: %s", what, pillow.error()).isFalse();
      assertThat(r.kopi().mode()).as("mode of %s", what).isEqualTo(pillow.mode());
      assertThat(r.kopi().width()).as("width of %s", what).isEqualTo(pillow.width());
      assertThat(r.kopi().height()).as("height of %s", what).isEqualTo(pillow.height());
      byte[] kopi = r.kopi().pixels().data();
      byte[] p = pillow.pixels();
      if (r.label().equals(PILLOW_WRONG)) {
        assertThat(p).as("Pillow still applies the global table to %s", what).isNotEqualTo(kopi);
        differing++;
        continue;
      }
      int i = Arrays.mismatch(kopi, p);
      assertThat(i)
          .as(
              "%s: first difference at byte %d (kopi %d, Pillow %d)",
              what,
              i,
              i >= 0 && i < kopi.length ? kopi[i] & 0xFF : -1,
              p != null && i >= 0 && i < p.length ? p[i] & 0xFF : -1)
          .isEqualTo(-1);
      rgba += r.mode().equals("RGBA") ? 1 : 0;
    }
    reporter.publishEntry(
        "pillow",
        String.format(
            Locale.ROOT,
            "%d decodes byte-identical to Pillow %s (%d with alpha); %d where Pillow is wrong",
            REQUESTS.size() - differing,
            ReferencePython.pillowVersion(),
            rgba,
            differing));
    assertThat(differing).as("decodes of %s", PILLOW_WRONG).isEqualTo(REDUCE.length);
    assertThat(REQUESTS.size()).as("compared").isGreaterThan(800);
    assertThat(rgba).as("compared with alpha").isGreaterThan(50);
  }

  /**
   * Where kopi refuses a file Pillow 9.4 decodes: a file without its trailer (Pillow never looks
   * past the first frame; kopi's index must not call a cut-off file "ok"), and a first frame of
   * zero width at x = 0 (Pillow decodes it as if it were as wide as the screen, a quirk of how it
   * sets up a tile; it fails on one anywhere else).
   */
  @Test
  void whereKopiIsStricterPillowDecodesAnyway() throws Exception {
    ReferencePython.require();
    int[] table = TestGif.colours(4, 5);
    byte[] full = TestGif.of(4, 2, new int[] {0, 1, 2, 3, 3, 2, 1, 0}).global(table).bytes();
    byte[] noTrailer = Arrays.copyOf(full, full.length - 1);
    // The same file with the frame's width (bytes 30 and 31, after the 4-entry table) zeroed.
    byte[] empty = full.clone();
    assertThat(empty[25]).isEqualTo((byte) ',');
    empty[30] = 0;
    empty[31] = 0;
    byte[][] files = {noTrailer, empty};
    ItemStatus[] kopi = {ItemStatus.TRUNCATED, ItemStatus.CORRUPT};
    List<PillowDecodes.Request> asks = new ArrayList<>();
    for (int f = 0; f < files.length; f++) {
      Path p = dir.resolve("strict" + f + ".gif");
      Files.write(p, files[f]);
      asks.add(new PillowDecodes.Request(p, "RGB", 1));
      ItemStatus status = kopi[f];
      byte[] bytes = files[f];
      assertThatThrownBy(() -> GifDecoder.decode(bytes, GifDecoderTest.MAX, false, (w, h) -> 1))
          .isInstanceOfSatisfying(
              ItemException.class, e -> assertThat(e.status()).isEqualTo(status));
    }
    List<PillowDecodes.Answer> answers = PillowDecodes.run(dir, asks);
    assertThat(answers.get(0).failed()).as("Pillow on a GIF without its trailer").isFalse();
    assertThat(answers.get(1).failed()).as("Pillow on a 0-wide frame at x = 0").isFalse();
    assertThat(answers.get(1).width()).isEqualTo(4);
  }
}
