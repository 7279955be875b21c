package dev.kopi.image.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import dev.kopi.image.sample.SampleCorpus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link TiffDecoder} on a generated matrix of every sample layout it decodes (grey 1 to 16 bits,
 * black or white is zero, grey + alpha, RGB and RGB + alpha, padding or premultiplied alpha at 8
 * and 16 bits, palette with and without alpha), in both byte orders, in one strip, strips of 5 rows
 * and 16x16 tiles (overhanging the image), uncompressed, PackBits, LZW and Deflate, with and
 * without horizontal differencing; each compared with the picture the samples mean as Pillow shows
 * it (16-bit grey scaled to 8 bits, kopi's rule), at full size and box-reduced. Then hostile input:
 * every prefix, thousands of seeded edits, named damage. {@link TiffDecoderPillowTest} compares the
 * same matrix with Pillow.
 */
class TiffDecoderTest {
  static final long MAX = ImageDecoder.DEFAULT_MAX_PIXELS;

  private static final Duration BUDGET = Duration.ofSeconds(2);

  /** A sample layout: photometric interpretation, bits, samples per pixel, extra samples. */
  record Layout(String name, int photometric, int bits, int samples, int[] extra) {}

  static final List<Layout> LAYOUTS =
      List.of(
          new Layout("bilevel", 1, 1, 1, new int[0]),
          new Layout("bilevel white-is-zero", 0, 1, 1, new int[0]),
          new Layout("grey 2-bit", 1, 2, 1, new int[0]),
          new Layout("grey 4-bit white-is-zero", 0, 4, 1, new int[0]),
          new Layout("grey 8-bit", 1, 8, 1, new int[0]),
          new Layout("grey 8-bit white-is-zero", 0, 8, 1, new int[0]),
          new Layout("grey 16-bit", 1, 16, 1, new int[0]),
          new Layout("grey + alpha", 1, 8, 2, new int[] {2}),
          new Layout("RGB", 2, 8, 3, new int[0]),
          new Layout("RGBA", 2, 8, 4, new int[] {2}),
          new Layout("RGBA, no extra-samples tag", 2, 8, 4, new int[0]),
          new Layout("RGBX", 2, 8, 4, new int[] {0}),
          new Layout("RGB premultiplied alpha", 2, 8, 4, new int[] {1}),
          new Layout("RGB 16-bit", 2, 16, 3, new int[0]),
          new Layout("RGBA 16-bit", 2, 16, 4, new int[] {2}),
          new Layout("RGBX 16-bit", 2, 16, 4, new int[] {0}),
          new Layout("palette 1-bit", 3, 1, 1, new int[0]),
          new Layout("palette 2-bit", 3, 2, 1, new int[0]),
          new Layout("palette 4-bit", 3, 4, 1, new int[0]),
          new Layout("palette 8-bit", 3, 8, 1, new int[0]),
          new Layout("palette + alpha", 3, 8, 2, new int[] {2}));

  record Variant(String label, Layout layout, TestTiff tiff, byte[] bytes) {}

  static List<Variant> variants() {
    List<Variant> out = new ArrayList<>();
    long seed = 1;
    int[][] sizes = {{1, 1}, {33, 17}};
    int[] compressions = {
      TestTiff.NONE, TestTiff.PACKBITS, TestTiff.LZW, TestTiff.DEFLATE, TestTiff.ADOBE_DEFLATE
    };
    for (Layout l : LAYOUTS) {
      for (int[] size : sizes) {
        for (boolean big : new boolean[] {false, true}) {
          for (int c : compressions) {
            for (int arrangement = 0; arrangement < 3; arrangement++) {
              TestTiff t = tiff(l, size[0], size[1], seed++);
              t.bigEndian(big).compression(c);
              String where =
                  switch (arrangement) {
                    case 0 -> "one strip";
                    case 1 -> "5-row strips";
                    default -> "16x16 tiles";
                  };
              if (arrangement == 1) {
                t.strips(5);
              } else if (arrangement == 2) {
                t.tiles(16, 16);
              }
              boolean differencing =
                  l.bits() >= 8 && c != TestTiff.NONE && c != TestTiff.PACKBITS && seed % 2 == 0;
              if (differencing) {
                t.predictor(2);
              }
              out.add(
                  new Variant(
                      String.format(
                          Locale.ROOT,
                          "%s %dx%d %s, compression %d%s, %s",
                          l.name(),
                          size[0],
                          size[1],
                          big ? "MM" : "II",
                          c,
                          differencing ? " + predictor" : "",
                          where),
                      l,
                      t,
                      t.bytes()));
            }
          }
        }
      }
    }
    // Larger images: long LZW strings and table clears, many strips, tiles across.
    for (Layout l : List.of(LAYOUTS.get(8), LAYOUTS.get(4), LAYOUTS.get(19))) {
      for (int c : compressions) {
        TestTiff t = tiff(l, 301, 203, seed++).compression(c);
        if (c == TestTiff.LZW) {
          t.tiles(64, 32).predictor(l.bits() >= 8 ? 2 : 1);
        } else if (c == TestTiff.DEFLATE) {
          t.strips(7);
        }
        out.add(new Variant(l.name() + " 301x203, compression " + c, l, t, t.bytes()));
      }
    }
    return out;
  }

  static TestTiff tiff(Layout l, int w, int h, long seed) {
    int bound = l.photometric() == 3 ? 1 << l.bits() : 0;
    int[] v = TestTiff.random(w, h, l.samples(), l.bits(), bound, seed);
    TestTiff t = new TestTiff(w, h, l.bits(), l.samples(), l.photometric(), v).extra(l.extra());
    if (l.photometric() == 3) {
      SplittableRandom r = new SplittableRandom(seed);
      int[] map = new int[3 << l.bits()];
      for (int i = 0; i < map.length; i++) {
        map[i] = r.nextInt(65_536);
      }
      t.colorMap(map);
    }
    return t;
  }

  /** The picture a variant means, as Pillow shows it (16-bit grey: round(v / 257), kopi's rule). */
  static Pixels meaning(Variant v, boolean keepAlpha) {
    Layout l = v.layout();
    TestTiff t = v.tiff();
    boolean alpha =
        l.samples() == 2 || (l.samples() == 4 && (l.extra().length == 0 || l.extra()[0] != 0));
    int channels = keepAlpha && alpha ? 4 : 3;
    int n = t.width * t.height;
    byte[] out = new byte[n * channels];
    int[] s = t.values;
    int spp = l.samples();
    int[] map = t.colorMap;
    for (int i = 0; i < n; i++) {
      int r;
      int g;
      int b;
      int a = 255;
      int v0 = s[i * spp];
      if (l.photometric() <= 1) {
        int grey = l.bits() == 16 ? (v0 + 128) / 257 : v0 * 255 / ((1 << l.bits()) - 1);
        if (l.photometric() == 0) {
          grey = 255 - grey;
        }
        r = g = b = grey;
        if (spp == 2) {
          a = s[i * spp + 1];
        }
      } else if (l.photometric() == 3) {
        int entries = 1 << l.bits();
        int[] m = Objects.requireNonNull(map);
        r = m[v0] >> 8;
        g = m[entries + v0] >> 8;
        b = m[2 * entries + v0] >> 8;
        if (spp == 2) {
          a = s[i * spp + 1];
        }
      } else {
        int shift = l.bits() == 16 ? 8 : 0;
        r = v0 >> shift;
        g = s[i * spp + 1] >> shift;
        b = s[i * spp + 2] >> shift;
        if (spp == 4) {
          a = s[i * spp + 3] >> shift;
          if (l.extra().length == 1 && l.extra()[0] == 1) {
            r = a == 0 ? 0 : Math.min(255, r * 255 / a);
            g = a == 0 ? 0 : Math.min(255, g * 255 / a);
            b = a == 0 ? 0 : Math.min(255, b * 255 / a);
          }
        }
      }
      out[channels * i] = (byte) r;
      out[channels * i + 1] = (byte) g;
      out[channels * i + 2] = (byte) b;
      if (channels == 4) {
        out[channels * i + 3] = (byte) a;
      }
    }
    return new Pixels(out, t.width, t.height, channels);
  }

  static DecodedImage decode(byte[] tiff, boolean keepAlpha, int reduce) throws ItemException {
    DecodedImage d = TiffDecoder.decode(tiff, MAX, keepAlpha, (w, h) -> reduce);
    assertThat(d).as("declined").isNotNull();
    return Objects.requireNonNull(d);
  }

  @Test
  void everyVariantDecodesToWhatTheSamplesMean() throws Exception {
    List<Variant> all = variants();
    assertThat(all).hasSizeGreaterThan(1000);
    for (Variant v : all) {
      for (boolean keepAlpha : new boolean[] {false, true}) {
        DecodedImage d = decode(v.bytes(), keepAlpha, 1);
        Pixels want = meaning(v, keepAlpha);
        DecoderChecks.assertSamePixels(
            v.label() + (keepAlpha ? " (alpha kept)" : ""), d.pixels(), want);
      }
    }
  }

  @Test
  void reducingWhileDecodingEqualsReducingTheDecodedImage() throws Exception {
    for (Variant v : variants()) {
      if (v.tiff().width < 30) {
        continue;
      }
      DecoderChecks.assertReducesWhileDecoding(v.label(), v.bytes(), TiffDecoderTest::decode);
    }
  }

  @Test
  void modesAreTheOnesPillowNames() throws Exception {
    String[][] expected = {
      {"bilevel", "1"},
      {"grey 2-bit", "L"},
      {"grey 8-bit", "L"},
      {"grey + alpha", "LA"},
      {"RGB", "RGB"},
      {"RGBA", "RGBA"},
      {"RGBX", "RGBX"},
      {"RGB premultiplied alpha", "RGBA"},
      {"RGB 16-bit", "RGB"},
      {"palette 4-bit", "P"},
      {"palette + alpha", "PA"},
    };
    for (String[] e : expected) {
      Layout l = LAYOUTS.stream().filter(x -> x.name().equals(e[0])).findFirst().orElseThrow();
      assertThat(decode(tiff(l, 3, 2, 1).bytes(), false, 1).mode()).as(e[0]).isEqualTo(e[1]);
    }
    Layout grey16 = LAYOUTS.get(6);
    assertThat(decode(tiff(grey16, 3, 2, 1).bytes(), false, 1).mode()).isEqualTo("I;16");
    assertThat(decode(tiff(grey16, 3, 2, 1).bigEndian(true).bytes(), false, 1).mode())
        .isEqualTo("I;16B");
  }

  /** The sample corpus's TIFFs (TwelveMonkeys' writer) decode to Image I/O's pixels. */
  @Test
  void imageIoWrittenTiffsMatchImageIo() throws Exception {
    for (int seed = 0; seed < 3; seed++) {
      byte[] tiff =
          SampleCorpus.encode(SampleCorpus.photo(61 + seed, 37, new Random(seed)), "tiff");
      DecodedImage d = decode(tiff, false, 1);
      javax.imageio.ImageReader reader =
          javax.imageio.ImageIO.getImageReadersByFormatName("tiff").next();
      try (var in =
          javax.imageio.ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(tiff))) {
        reader.setInput(in);
        assertThat(d.pixels().data()).isEqualTo(Rgb.convert(reader.read(0), false).data());
      } finally {
        reader.dispose();
      }
      assertThat(d.mode()).isEqualTo("RGB");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Hostile input

  static List<byte[]> hostileSamples() throws Exception {
    List<byte[]> out = new ArrayList<>();
    out.add(SampleCorpus.encode(SampleCorpus.photo(40, 30, new Random(3)), "tiff"));
    out.add(tiff(LAYOUTS.get(8), 40, 30, 1).compression(TestTiff.LZW).strips(7).bytes());
    out.add(
        tiff(LAYOUTS.get(9), 40, 30, 2)
            .compression(TestTiff.DEFLATE)
            .predictor(2)
            .tiles(16, 16)
            .bigEndian(true)
            .bytes());
    out.add(tiff(LAYOUTS.get(19), 40, 30, 3).compression(TestTiff.PACKBITS).strips(4).bytes());
    out.add(tiff(LAYOUTS.get(14), 20, 10, 4).compression(TestTiff.LZW).predictor(2).bytes());
    return out;
  }

  /** Every proper prefix is truncated (shorter than the signature: not a TIFF). */
  @Test
  void everyPrefixIsTruncated() throws Exception {
    assertTimeoutPreemptively(
        Duration.ofMinutes(2),
        () -> {
          int sample = 0;
          for (byte[] full : hostileSamples()) {
            sample++;
            for (int n = 0; n < full.length; n++) {
              byte[] cut = Arrays.copyOf(full, n);
              for (int reduce : new int[] {1, 3}) {
                try {
                  DecodedImage d = TiffDecoder.decode(cut, MAX, true, (w, h) -> reduce);
                  assertThat(d)
                      .as("sample %d cut to %d of %d bytes decoded", sample, n, full.length)
                      .isNull();
                  assertThat(n).as("sample %d cut to %d bytes declined", sample, n).isLessThan(4);
                } catch (ItemException e) {
                  assertThat(e.status())
                      .as("sample %d cut to %d bytes: %s", sample, n, e.getMessage())
                      .isEqualTo(ItemStatus.TRUNCATED);
                  assertThat(e.getCause()).as("no decoder bug behind %s", e.getMessage()).isNull();
                }
              }
            }
          }
        });
  }

  /**
   * Seeded damage, three thousand edits per sample, half of them in the first 300 bytes (header,
   * directory): every outcome is an image, a decline or a status, never another exception, never
   * slow.
   */
  @Test
  void seededDamageEndsInAStatusNeverAnotherException() throws Exception {
    int[] outcomes = new int[4];
    assertTimeoutPreemptively(
        Duration.ofMinutes(3),
        () -> {
          SplittableRandom random = new SplittableRandom(42);
          int sample = 0;
          for (byte[] full : hostileSamples()) {
            sample++;
            // The directory is at the end of kopi's test files, at the start of TwelveMonkeys'.
            int ifd =
                (int)
                    (full[0] == 'I'
                        ? (full[4] & 0xFF | (full[5] & 0xFF) << 8 | (full[6] & 0xFF) << 16)
                        : ((full[5] & 0xFF) << 16 | (full[6] & 0xFF) << 8 | (full[7] & 0xFF)));
            for (int trial = 0; trial < 3000; trial++) {
              byte[] damaged = full.clone();
              StringBuilder how = new StringBuilder();
              for (int e = 0, edits = 1 + random.nextInt(3); e < edits; e++) {
                int at =
                    random.nextBoolean()
                        ? Math.min(full.length - 1, ifd + random.nextInt(300))
                        : random.nextInt(full.length);
                int value =
                    random.nextBoolean() ? random.nextInt(256) : random.nextBoolean() ? 0 : 0xFF;
                how.append(String.format(Locale.ROOT, " byte %d=0x%02X", at, value));
                damaged[at] = (byte) value;
              }
              String what = "sample " + sample + ":" + how;
              int reduce = 1 + trial % 3;
              boolean keepAlpha = trial % 2 == 0;
              outcomes[
                  DecoderChecks.hostileOutcome(
                      what,
                      BUDGET,
                      () -> TiffDecoder.decode(damaged, MAX, keepAlpha, (w, h) -> reduce))]++;
            }
          }
        });
    DecoderChecks.assertEveryOutcome(outcomes);
  }

  @Test
  void aHugeImageIsRefusedBeforeAnythingIsAllocated() throws Exception {
    TestTiff t = tiff(LAYOUTS.get(8), 2, 2, 1).tag(256, 100_000).tag(257, 100_000);
    assertStatus(t.bytes(), ItemStatus.TOO_MANY_PIXELS)
        .hasMessage("100000x100000 = 10000.0 Mpx, over the limit of 89.5 Mpx (--max-pixels)");
    TestTiff raw = tiff(LAYOUTS.get(8), 2, 2, 1).tag(256, 9000).tag(257, 9000).tag(278, 9000);
    assertStatus(raw.bytes(), ItemStatus.TRUNCATED)
        .hasMessageStartingWith(
            "the file ends inside strip 1 of 1 (it should end at byte 243000008");
    TestTiff lzw =
        tiff(LAYOUTS.get(8), 2, 2, 1)
            .compression(TestTiff.LZW)
            .tag(256, 9000)
            .tag(257, 9000)
            .tag(278, 9000);
    assertStatus(lzw.bytes(), ItemStatus.TRUNCATED)
        .hasMessageContaining("is far too short for a 9000x9000 image");
  }

  @Test
  void damageIsNamed() throws Exception {
    Layout rgb = LAYOUTS.get(8);
    byte[] good = tiff(rgb, 20, 10, 5).bytes();
    assertStatus(Arrays.copyOf(good, 6), ItemStatus.TRUNCATED)
        .hasMessage("the file ends inside the TIFF header, after 6 bytes");
    assertStatus(Arrays.copyOf(good, 300), ItemStatus.TRUNCATED)
        .hasMessage(
            "the TIFF directory should start at byte 608 but the file has only 300 bytes; it was"
                + " probably cut off");
    assertStatus(tiff(rgb, 20, 10, 5).tag(256, 0).bytes(), ItemStatus.CORRUPT)
        .hasMessage("the TIFF directory declares an invalid size 0x10");
    assertStatus(tiff(rgb, 20, 10, 5).omit(257).bytes(), ItemStatus.CORRUPT)
        .hasMessage("the TIFF directory has no image width or height");
    assertStatus(tiff(rgb, 20, 10, 5).omit(273).bytes(), ItemStatus.CORRUPT)
        .hasMessage("the TIFF directory has no strip or tile offsets");
    assertStatus(tiff(rgb, 20, 10, 5).strips(2).tag(278, 1).bytes(), ItemStatus.CORRUPT)
        .hasMessage("the TIFF directory lists 5 strips for an image that needs 10");
    assertStatus(tiff(LAYOUTS.get(19), 4, 4, 5).tag(320, 1, 2, 3).bytes(), ItemStatus.CORRUPT)
        .hasMessage("the palette image's colour map has 3 values instead of 768");
    // LZW: a code the table does not hold; Deflate: garbage; both: data that stops early.
    TestTiff lzw = tiff(rgb, 4, 1, 5).compression(TestTiff.LZW);
    byte[] beyond = new TestTiff.Msb().put(256, 9).put(1, 9).put(300, 9).put(257, 9).bytes();
    assertStatus(replaceData(lzw, beyond), ItemStatus.CORRUPT)
        .hasMessage(
            "the compressed data of strip 1 is damaged: LZW code 300 is beyond the table (next"
                + " entry 258), at byte 1 of its output");
    byte[] early = new TestTiff.Msb().put(256, 9).put(1, 9).put(2, 9).put(257, 9).bytes();
    assertStatus(replaceData(lzw, early), ItemStatus.TRUNCATED)
        .hasMessage(
            "the compressed data of strip 1 ends after 2 of its 12 bytes; it was probably cut off");
    TestTiff deflate = tiff(rgb, 4, 1, 5).compression(TestTiff.DEFLATE);
    assertStatus(
            replaceData(deflate, new byte[] {0x78, (byte) 0x9C, (byte) 0xFF, (byte) 0xFF, 0, 0}),
            ItemStatus.CORRUPT)
        .hasMessageStartingWith("the compressed data of strip 1 is damaged (zlib: ");
    assertStatus(replaceData(deflate, TestTiff.deflate(new byte[5])), ItemStatus.TRUNCATED)
        .hasMessage(
            "the compressed data of strip 1 ends after 5 of its 12 bytes; it was probably cut off");
    TestTiff packBits = tiff(rgb, 4, 1, 5).compression(TestTiff.PACKBITS);
    assertStatus(replaceData(packBits, new byte[] {3, 1, 2, 3, 4}), ItemStatus.TRUNCATED)
        .hasMessage(
            "the compressed data of strip 1 ends after 4 of its 12 bytes; it was probably cut off");
  }

  /** {@code t} with its first strip's stored bytes replaced by {@code data}. */
  private static byte[] replaceData(TestTiff t, byte[] data) {
    return t.firstPiece(data).bytes();
  }

  @Test
  void layoutsKopiDoesNotDecodeAreDeclined() throws Exception {
    Layout rgb = LAYOUTS.get(8);
    List<byte[]> declined =
        List.of(
            tiff(rgb, 4, 4, 1).tag(259, 7).bytes(), // JPEG
            tiff(rgb, 4, 4, 1).tag(259, 4).bytes(), // CCITT group 4
            tiff(rgb, 4, 4, 1).tag(284, 2).bytes(), // planar
            tiff(rgb, 4, 4, 1).tag(262, 6).bytes(), // YCbCr
            tiff(rgb, 4, 4, 1).tag(266, 2).bytes(), // reversed bit order
            tiff(rgb, 4, 4, 1).tag(339, 3, 3, 3).bytes(), // float samples
            tiff(LAYOUTS.get(4), 4, 4, 1).tag(262, 5).tag(277, 4).bytes(), // CMYK
            tiff(rgb, 4, 4, 1).compression(TestTiff.LZW).predictor(3).bytes(),
            new byte[] {'I', 'I', 43, 0, 8, 0, 0, 0}, // BigTIFF
            new byte[] {'I', 'I', 42});
    for (byte[] b : declined) {
      assertThat(TiffDecoder.decode(b, MAX, false, (w, h) -> 1)).isNull();
    }
    // Old-style (pre-5.0) LZW starts with 0x00 and an odd byte: Image I/O's.
    TestTiff lzw = tiff(rgb, 4, 1, 5).compression(TestTiff.LZW);
    assertThat(
            TiffDecoder.decode(replaceData(lzw, new byte[] {0, 1, 2, 3}), MAX, false, (w, h) -> 1))
        .isNull();
  }

  @Test
  void argumentsAreValidated() {
    byte[] tiff = tiff(LAYOUTS.get(8), 2, 2, 1).bytes();
    assertThatThrownBy(() -> TiffDecoder.decode(tiff, 0, false, (w, h) -> 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPixels >= 1 required but it was 0");
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertStatus(
      byte[] tiff, ItemStatus status) {
    return assertThatThrownBy(() -> TiffDecoder.decode(tiff, MAX, false, (w, h) -> 1))
        .isInstanceOfSatisfying(
            ItemException.class,
            e -> {
              assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
              assertThat(e.getCause()).isNull();
            });
  }
}
