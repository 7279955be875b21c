package dev.kopi.image.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kopi.image.sample.SampleCorpus;
import dev.kopi.image.testing.PillowDecodes;
import dev.kopi.image.testing.ReferencePython;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TiffDecoder} against real Pillow (which hands compressed TIFFs to libtiff): {@code
 * Image.open(p)}'s mode and size, and {@code convert("RGB")} (and {@code convert("RGBA")} where
 * kopi keeps an alpha channel) then {@code reduce(k)} for k = 1, 2, 3 and 8, byte for byte, over
 * {@link TiffDecoderTest}'s matrix (every sample layout, both byte orders, strips and tiles, every
 * compression, with and without the predictor), the TIFFs Pillow itself writes (modes 1, L, LA, P,
 * RGB, RGBA, RGBX and I;16, uncompressed, PackBits, LZW and Deflate) and the sample corpus's.
 *
 * <p>One deliberate difference, kopi's rule for 16-bit grey everywhere: Pillow's {@code
 * convert("RGB")} clips such samples to 255 (a white picture), kopi scales them, round(v / 257).
 * For those files the test asks Pillow for the samples themselves ({@code convert("I")}) and
 * requires kopi's pixels to be exactly those samples scaled. All Pillow work runs in one Python
 * process; without Pillow the tests are skipped with the reason.
 */
class TiffDecoderPillowTest {
  private static final int[] REDUCE = {1, 2, 3, 8};

  @SuppressWarnings("ArrayRecordComponent")
  record Request(String label, Path path, String mode, int reduce, DecodedImage kopi) {}

  private static final List<Request> REQUESTS = new ArrayList<>();
  private static final List<PillowDecodes.Answer> PILLOW = new ArrayList<>();

  @BeforeAll
  static void runPillow(@TempDir Path dir) throws Exception {
    if (ReferencePython.unavailableReason() != null) {
      return;
    }
    List<String> labels = new ArrayList<>();
    List<byte[]> files = new ArrayList<>();
    for (TiffDecoderTest.Variant v : TiffDecoderTest.variants()) {
      labels.add(v.label());
      files.add(v.bytes());
    }
    Path written = Files.createDirectories(dir.resolve("pillow"));
    ReferencePython.run(
        String.join(
            "\n",
            "import sys, random",
            "from PIL import Image",
            "random.seed(5)",
            "out = sys.argv[1]",
            "for w, h in [(1, 1), (33, 17), (301, 203)]:",
            "    im = Image.new('RGB', (w, h))",
            "    im.putdata([((x * 255) // w, (y * 255) // h, random.randrange(256))",
            "                for y in range(h) for x in range(w)])",
            "    a = im.copy()",
            "    a.putalpha(Image.linear_gradient('L').resize((w, h)))",
            "    i16 = Image.new('I;16', (w, h))",
            "    i16.putdata([random.randrange(65536) for _ in range(w * h)])",
            "    modes = [('1', im.convert('1')), ('L', im.convert('L')),",
            "             ('LA', a.convert('LA')), ('P', im.convert('P', palette=Image.ADAPTIVE)),",
            "             ('RGB', im), ('RGBA', a), ('RGBX', im.convert('RGBX')), ('I16', i16)]",
            "    for name, img in modes:",
            "        for c in ('raw', 'packbits', 'tiff_lzw', 'tiff_adobe_deflate'):",
            "            img.save('%s/%s-%s-%dx%d.tif' % (out, name, c, w, h), compression=c)"),
        written.toString());
    try (Stream<Path> list = Files.list(written)) {
      for (Path p : list.sorted().toList()) {
        labels.add("Pillow-written " + p.getFileName());
        files.add(Files.readAllBytes(p));
      }
    }
    for (SampleCorpus.Entry e : SampleCorpus.write(dir.resolve("corpus"), 60, 29)) {
      if (e.kind().equals("tiff")) {
        labels.add("corpus " + e.path().getFileName());
        files.add(Files.readAllBytes(e.path()));
      }
    }
    for (int f = 0; f < files.size(); f++) {
      Path p = dir.resolve("f" + f + ".tif");
      byte[] bytes = files.get(f);
      Files.write(p, bytes);
      DecodedImage full = TiffDecoderTest.decode(bytes, false, 1);
      if (full.mode().startsWith("I;16")) {
        REQUESTS.add(new Request(labels.get(f), p, "I", 1, full));
        continue;
      }
      for (int k : REDUCE) {
        DecodedImage rgb = k == 1 ? full : TiffDecoderTest.decode(bytes, false, k);
        REQUESTS.add(new Request(labels.get(f), p, "RGB", k, rgb));
        DecodedImage rgba = TiffDecoderTest.decode(bytes, true, k);
        if (rgba.pixels().channels() == 4) {
          REQUESTS.add(new Request(labels.get(f), p, "RGBA", k, rgba));
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
    int grey16 = 0;
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
      if (r.mode().equals("I")) {
        p = scaledGrey(java.util.Objects.requireNonNull(p));
        grey16++;
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
    }
    reporter.publishEntry(
        "pillow",
        String.format(
            Locale.ROOT,
            "%d decodes byte-identical to Pillow %s (%d 16-bit grey, compared scaled)",
            REQUESTS.size(),
            ReferencePython.pillowVersion(),
            grey16));
    assertThat(REQUESTS.size()).as("compared").isGreaterThan(5000);
    assertThat(grey16).as("16-bit grey files compared").isGreaterThan(50);
  }

  /** Pillow's 32-bit samples ({@code convert("I")}), scaled as kopi scales 16-bit grey, as RGB. */
  private static byte[] scaledGrey(byte[] samples) {
    ByteBuffer b = ByteBuffer.wrap(samples).order(ByteOrder.LITTLE_ENDIAN);
    byte[] rgb = new byte[samples.length / 4 * 3];
    for (int i = 0; i < rgb.length; i += 3) {
      byte g = (byte) ((b.getInt() + 128) / 257);
      rgb[i] = g;
      rgb[i + 1] = g;
      rgb[i + 2] = g;
    }
    return rgb;
  }

  /**
   * The Orientation tag turns the image upright, in both byte orders, at full size even when a
   * reduction is allowed; with rotation off the stored orientation is kept. The reference is
   * Pillow's plain {@code open().convert("RGB")}: Pillow 9.4 turns a TIFF upright as it loads it
   * ({@code TiffImagePlugin.load_end} calls {@code exif_transpose} in place), so the classic code
   * sees upright TIFFs; an explicit {@code ImageOps.exif_transpose} on top would turn it twice.
   */
  @Test
  void orientationTagTurnsTheImageUprightLikeExifTranspose(@TempDir Path dir) throws Exception {
    ReferencePython.require();
    ImageDecoder upright = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, true);
    ImageDecoder stored = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false);
    ImageDecoder.Reduction halve = (w, h) -> 2;
    List<String> paths = new ArrayList<>();
    List<byte[]> files = new ArrayList<>();
    for (boolean bigEndian : new boolean[] {false, true}) {
      for (int o = 1; o <= 8; o++) {
        TestTiff t = new TestTiff(7, 4, 8, 3, 2, TestTiff.random(7, 4, 3, 8, 0, 40 + o));
        t.bigEndian = bigEndian;
        t.override.put(274, new long[] {o});
        byte[] bytes = t.bytes();
        Path p = dir.resolve((bigEndian ? "mm" : "ii") + "-orientation-" + o + ".tif");
        Files.write(p, bytes);
        paths.add(p.toString());
        files.add(bytes);
      }
    }
    String answer =
        ReferencePython.run(
            String.join(
                "\n",
                "import sys",
                "from PIL import Image",
                "for p in sys.argv[1:]:",
                "    im = Image.open(p).convert('RGB')",
                "    print(im.size[0], im.size[1], im.tobytes().hex())"),
            paths.toArray(String[]::new));
    List<String> lines = answer.lines().toList();
    assertThat(lines).hasSize(files.size());
    for (int i = 0; i < files.size(); i++) {
      String[] want = lines.get(i).split(" ");
      // A turned image is decoded at full size even where a reduction is allowed (orientation 1
      // is reduced as usual, so it is compared unreduced).
      boolean turned = i % 8 != 0;
      ImageDecoder.Decoded got =
          upright.decode(files.get(i), false, turned ? halve : ImageDecoder.Reduction.NONE);
      String where = paths.get(i);
      assertThat(got.decoder()).as(where).isEqualTo(ImageDecoder.KOPI_TIFF);
      assertThat(new int[] {got.pixels().width(), got.pixels().height()})
          .as(where)
          .containsExactly(Integer.parseInt(want[0]), Integer.parseInt(want[1]));
      assertThat(HexFormat.of().formatHex(got.pixels().data())).as(where).isEqualTo(want[2]);
      ImageDecoder.Decoded asStored = stored.decode(files.get(i), false);
      assertThat(new int[] {asStored.pixels().width(), asStored.pixels().height()})
          .as(where + " with rotation off")
          .containsExactly(7, 4);
    }
  }
}
