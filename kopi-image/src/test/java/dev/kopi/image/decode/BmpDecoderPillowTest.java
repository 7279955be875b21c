package dev.kopi.image.decode;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BmpDecoder} against real Pillow: {@code Image.open(p)}'s mode and size, and {@code
 * convert("RGB")} (and {@code convert("RGBA")} where kopi keeps an alpha channel) then {@code
 * reduce(k)} for k = 1, 2, 3 and 8, byte for byte, over {@link BmpDecoderTest}'s matrix (hand-made
 * files of every header, depth, compression and layout), the bitmaps Pillow itself writes (modes 1,
 * L, P, RGB, RGBA) and the sample corpus's.
 *
 * <p>Where Pillow 9.4 misreads or refuses a sensible file, kopi decodes what the file means (the
 * matrix's {@code pillowDiffers} says why for each such file, and {@link BmpDecoderTest} checks
 * kopi's pixels against the meaning); here each of those files must really differ, so that no
 * exclusion goes stale. The cases: a table of two black-and-white entries at 4 or 8 bits, or a dark
 * grey ramp at 4 bits, which Pillow reads as 1-bit or 8-bit pixels; RLE delta escapes, whose offset
 * bytes Pillow reads twice; odd-length absolute runs in RLE4, of which Pillow reads too few bytes;
 * an end of bitmap before the last row, which Pillow refuses ("not enough image data"); bit-field
 * layouts it does not list and alpha bit fields, which it refuses; more than 256 colour table
 * entries, which it refuses. All Pillow work runs in one Python process; without Pillow the tests
 * are skipped with the reason.
 */
class BmpDecoderPillowTest {
  private static final int[] REDUCE = {1, 2, 3, 8};

  /** One decode asked of Pillow, with kopi's answer. */
  @SuppressWarnings("ArrayRecordComponent")
  record Request(
      String label,
      Path path,
      String mode,
      int reduce,
      DecodedImage kopi,
      @Nullable String differs) {}

  private static final List<Request> REQUESTS = new ArrayList<>();
  private static final List<PillowDecodes.Answer> PILLOW = new ArrayList<>();

  @BeforeAll
  static void runPillow(@TempDir Path dir) throws Exception {
    if (ReferencePython.unavailableReason() != null) {
      return;
    }
    List<BmpDecoderTest.Variant> variants = new ArrayList<>(BmpDecoderTest.variants());
    Path written = Files.createDirectories(dir.resolve("pillow"));
    ReferencePython.run(
        String.join(
            "\n",
            "import sys, random",
            "from PIL import Image",
            "random.seed(7)",
            "out = sys.argv[1]",
            "for w, h in [(1, 1), (7, 3), (33, 17), (301, 203)]:",
            "    im = Image.new('RGB', (w, h))",
            "    im.putdata([((x * 255) // w, (y * 255) // h, random.randrange(256))",
            "                for y in range(h) for x in range(w)])",
            "    a = im.copy()",
            "    a.putalpha(Image.linear_gradient('L').resize((w, h)))",
            "    for name, img in [('1', im.convert('1')), ('L', im.convert('L')),",
            "                      ('P2', im.convert('P', palette=Image.ADAPTIVE, colors=2)),",
            "                      ('P16', im.convert('P', palette=Image.ADAPTIVE, colors=16)),",
            "                      ('P256', im.convert('P', palette=Image.ADAPTIVE)),",
            "                      ('RGB', im), ('RGBA', a)]:",
            "        img.save('%s/%s-%dx%d.bmp' % (out, name, w, h))"),
        written.toString());
    try (Stream<Path> files = Files.list(written)) {
      for (Path p : files.sorted().toList()) {
        variants.add(
            new BmpDecoderTest.Variant(
                "Pillow-written " + p.getFileName(), null, Files.readAllBytes(p), null, null));
      }
    }
    for (SampleCorpus.Entry e : SampleCorpus.write(dir.resolve("corpus"), 40, 17)) {
      if (e.kind().equals("bmp")) {
        variants.add(
            new BmpDecoderTest.Variant(
                "corpus " + e.path().getFileName(),
                null,
                Files.readAllBytes(e.path()),
                null,
                null));
      }
    }
    int file = 0;
    for (BmpDecoderTest.Variant v : variants) {
      Path p = dir.resolve("f" + file++ + ".bmp");
      Files.write(p, v.bytes());
      for (int k : REDUCE) {
        DecodedImage rgb = BmpDecoderTest.decode(v.bytes(), false, k);
        REQUESTS.add(new Request(v.label(), p, "RGB", k, rgb, v.pillowDiffers()));
        DecodedImage rgba = BmpDecoderTest.decode(v.bytes(), true, k);
        if (rgba.pixels().channels() == 4) {
          REQUESTS.add(new Request(v.label(), p, "RGBA", k, rgba, v.pillowDiffers()));
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
    int compared = 0;
    int pillowFailed = 0;
    int excluded = 0;
    List<String> stale = new ArrayList<>();
    for (int q = 0; q < REQUESTS.size(); q++) {
      Request r = REQUESTS.get(q);
      PillowDecodes.Answer pillow = PILLOW.get(q);
      byte[] kopi = r.kopi().pixels().data();
      String what = String.format(Locale.ROOT, "%s %s reduce(%d)", r.label(), r.mode(), r.reduce());
      if (r.differs() != null) {
        excluded++;
        pillowFailed += pillow.failed() ? 1 : 0;
        if (!pillow.failed() && Arrays.equals(kopi, pillow.pixels())) {
          stale.add(what + " (" + r.differs() + ")");
        }
        continue;
      }
      assertThat(pillow.failed()).as("Pillow fails on %s: %s", what, pillow.error()).isFalse();
      assertThat(r.kopi().mode()).as("mode of %s", what).isEqualTo(pillow.mode());
      assertThat(r.kopi().width()).as("width of %s", what).isEqualTo(pillow.width());
      assertThat(r.kopi().height()).as("height of %s", what).isEqualTo(pillow.height());
      byte[] p = pillow.pixels();
      int i = Arrays.mismatch(kopi, p);
      assertThat(i)
          .as(
              "%s: first difference at byte %d (kopi %d, Pillow %d)",
              what,
              i,
              i >= 0 && i < kopi.length ? kopi[i] & 0xFF : -1,
              p != null && i >= 0 && i < p.length ? p[i] & 0xFF : -1)
          .isEqualTo(-1);
      compared++;
    }
    reporter.publishEntry(
        "pillow",
        String.format(
            Locale.ROOT,
            "%d decodes byte-identical to Pillow %s; %d where Pillow 9.4 is wrong or refuses"
                + " (%d refused)",
            compared,
            ReferencePython.pillowVersion(),
            excluded,
            pillowFailed));
    assertThat(stale).as("files said to differ from Pillow that do not").isEmpty();
    assertThat(compared).as("compared").isGreaterThan(1000);
    assertThat(excluded).as("documented differences").isGreaterThan(30);
  }
}
