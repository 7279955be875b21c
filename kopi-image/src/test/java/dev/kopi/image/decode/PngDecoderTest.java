package dev.kopi.image.decode;

import static dev.kopi.image.decode.TestPng.GREY;
import static dev.kopi.image.decode.TestPng.GREY_ALPHA;
import static dev.kopi.image.decode.TestPng.PALETTE;
import static dev.kopi.image.decode.TestPng.RGB;
import static dev.kopi.image.decode.TestPng.RGBA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.kopi.image.resize.Reduce;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PngDecoder} against the Image I/O path it replaces ({@link ImageDecoder#decode} then
 * {@link Rgb#convert}): byte-identical pixels, the same channel count and the same mode name, with
 * and without alpha, over a generated matrix of every colour type and bit depth, sizes down to 1x1,
 * Adam7, each filter type, split IDAT data, tRNS in every form Image I/O treats specially, and
 * short, long and ragged palettes.
 */
class PngDecoderTest {
  static final ImageDecoder IMAGE_IO = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false);
  static final long MAX = ImageDecoder.DEFAULT_MAX_PIXELS;

  private static final int[][] SIZES = {{1, 1}, {1, 7}, {7, 1}, {13, 9}, {33, 17}, {64, 3}};

  /**
   * One PNG of the matrix and what it exercises; {@code reference} is what Image I/O decodes for
   * comparison: the same file, except where Image I/O cannot read it (see {@link #strayTrns}).
   */
  record Variant(String label, byte[] png, byte[] reference) {
    Variant(String label, byte[] png) {
      this(label, png, png);
    }
  }

  static Stream<Arguments> colourTypesAndDepths() {
    return Stream.of(
        Arguments.of(GREY, 1),
        Arguments.of(GREY, 2),
        Arguments.of(GREY, 4),
        Arguments.of(GREY, 8),
        Arguments.of(GREY, 16),
        Arguments.of(RGB, 8),
        Arguments.of(RGB, 16),
        Arguments.of(PALETTE, 1),
        Arguments.of(PALETTE, 2),
        Arguments.of(PALETTE, 4),
        Arguments.of(PALETTE, 8),
        Arguments.of(GREY_ALPHA, 8),
        Arguments.of(GREY_ALPHA, 16),
        Arguments.of(RGBA, 8),
        Arguments.of(RGBA, 16));
  }

  @ParameterizedTest(name = "colour type {0}, {1}-bit")
  @MethodSource("colourTypesAndDepths")
  void everyVariantMatchesTheImageIoPath(int colorType, int bitDepth) throws Exception {
    List<Variant> variants = variants(colorType, bitDepth);
    // The matrix is generated here, never skipped: it must not silently shrink.
    assertThat(variants).hasSizeGreaterThan(25);
    for (Variant v : variants) {
      assertSameAsImageIo(v.label(), v.png(), v.reference());
    }
  }

  @ParameterizedTest(name = "colour type {0}, {1}-bit")
  @MethodSource("colourTypesAndDepths")
  void reducingWhileDecodingEqualsReducingTheDecodedImage(int colorType, int bitDepth)
      throws Exception {
    for (Variant v : variants(colorType, bitDepth)) {
      for (boolean keepAlpha : new boolean[] {false, true}) {
        PngDecoder.Result whole = decode(v.png(), keepAlpha, 1);
        Pixels p = whole.pixels();
        for (int k : new int[] {2, 3, 8}) {
          Pixels reduced = decode(v.png(), keepAlpha, k).pixels();
          byte[] expected = Reduce.reduce(p.data(), p.width(), p.height(), p.channels(), k, k);
          assertThat(reduced.width()).isEqualTo(Reduce.reducedSize(p.width(), k));
          assertThat(reduced.height()).isEqualTo(Reduce.reducedSize(p.height(), k));
          assertThat(reduced.channels()).isEqualTo(p.channels());
          assertThat(reduced.data())
              .as("%s keepAlpha=%s reduce=%d", v.label(), keepAlpha, k)
              .isEqualTo(expected);
        }
      }
    }
  }

  static PngDecoder.Result decode(byte[] png, boolean keepAlpha, int reduce) throws Exception {
    PngDecoder.Result r = PngDecoder.decode(png, MAX, keepAlpha, reduce);
    assertThat(r).as("a PNG is never declined").isNotNull();
    return java.util.Objects.requireNonNull(r);
  }

  /** Decodes with both paths, with and without alpha, and requires the same result. */
  static void assertSameAsImageIo(String label, byte[] png) throws Exception {
    assertSameAsImageIo(label, png, png);
  }

  /**
   * Decodes {@code png} with PngDecoder and {@code reference} with the Image I/O path, with and
   * without alpha, and requires the same result.
   */
  static void assertSameAsImageIo(String label, byte[] png, byte[] reference) throws Exception {
    for (boolean keepAlpha : new boolean[] {false, true}) {
      ImageDecoder.Decoded want;
      try {
        want = IMAGE_IO.decode(reference, keepAlpha);
      } catch (dev.kopi.image.ItemException e) {
        throw new AssertionError("Image I/O fails on " + label + ": " + e.getMessage(), e);
      }
      PngDecoder.Result got = decode(png, keepAlpha, 1);
      String what = label + (keepAlpha ? " (alpha kept)" : "");
      assertThat(got.mode()).as("mode of %s", what).isEqualTo(want.mode());
      assertThat(got.width()).as("width of %s", what).isEqualTo(want.width());
      assertThat(got.height()).as("height of %s", what).isEqualTo(want.height());
      Pixels g = got.pixels();
      Pixels w = want.pixels();
      assertThat(g.channels()).as("channels of %s", what).isEqualTo(w.channels());
      assertThat(g.width()).isEqualTo(w.width());
      assertThat(g.height()).isEqualTo(w.height());
      int i = Arrays.mismatch(g.data(), w.data());
      if (i >= 0) {
        int px = i / w.channels();
        fail(
            String.format(
                Locale.ROOT,
                "%s: first difference at pixel (%d, %d) channel %d: PngDecoder %d, Image I/O %d",
                what,
                px % w.width(),
                px / w.width(),
                i % w.channels(),
                g.data()[i] & 0xFF,
                w.data()[i] & 0xFF));
      }
    }
  }

  /** The matrix for one colour type and bit depth. */
  static List<Variant> variants(int ct, int bd) {
    List<Variant> out = new ArrayList<>();
    String base = "ct" + ct + "/" + bd + "bit";
    long seed = 31L * ct + bd;
    int full = 1 << Math.min(bd, 8);
    byte[] pal = ct == PALETTE ? TestPng.palette(full, seed) : null;
    for (int[] size : SIZES) {
      for (boolean interlaced : new boolean[] {false, true}) {
        TestPng png = png(size[0], size[1], ct, bd, 0, seed++).interlaced(interlaced);
        if (pal != null) {
          png.palette(pal);
        }
        out.add(new Variant(base + " " + size[0] + "x" + size[1] + adam7(interlaced), png.bytes()));
      }
    }
    for (int f = 0; f < 5; f++) {
      for (boolean interlaced : new boolean[] {false, true}) {
        TestPng png = png(33, 17, ct, bd, 0, seed++).interlaced(interlaced).filter(f);
        if (pal != null) {
          png.palette(pal);
        }
        out.add(new Variant(base + " 33x17 filter " + f + adam7(interlaced), png.bytes()));
      }
    }
    {
      TestPng png =
          png(29, 11, ct, bd, 0, seed++)
              .idatChunkSize(5)
              .chunkBeforeIdat("gAMA", new byte[] {0, 0, (byte) 0xB1, (byte) 0x8F})
              .chunkBeforeIdat("tEXt", "Comment\0kopi".getBytes(StandardCharsets.ISO_8859_1))
              .chunkAfterIdat("zzZz", new byte[] {1, 2, 3});
      if (pal != null) {
        png.palette(pal);
      }
      out.add(new Variant(base + " 29x11, 5-byte IDAT chunks, ancillary chunks", png.bytes()));
    }
    switch (ct) {
      case GREY -> greyKeys(out, base, bd, seed);
      case RGB -> rgbKeys(out, base, bd, seed);
      case PALETTE -> palettes(out, base, bd, seed);
      default -> {
        for (boolean interlaced : new boolean[] {false, true}) {
          TestPng png = png(13, 9, ct, bd, 0, seed++).interlaced(interlaced);
          byte[] reference = png.bytes();
          png.trns(new byte[2 * TestPng.samplesPerPixel(ct)]);
          out.add(strayChunk(base + " with a stray tRNS" + adam7(interlaced), png, reference));
        }
      }
    }
    if (ct == GREY_ALPHA) {
      // Every grey level (8-bit) or a wide spread (16-bit), with varied alpha: Image I/O's
      // linear-grey curve must match everywhere.
      out.add(new Variant(base + " every grey level", everyGreyLevel(ct, bd, seed++).bytes()));
    }
    if (ct == RGB || ct == RGBA) {
      out.add(
          new Variant(
              base + " with a suggested palette",
              png(13, 9, ct, bd, 0, seed++).palette(TestPng.palette(7, seed)).bytes()));
    }
    return out;
  }

  /**
   * A chunk that PNG forbids (tRNS in grey + alpha or RGBA images or before PLTE, a second PLTE)
   * and Image I/O means to ignore; but it skips only the chunk's header, loses its place in the
   * file and fails. PngDecoder ignores the chunk, so it is compared with Image I/O on the file
   * without it.
   */
  private static Variant strayChunk(String label, TestPng png, byte[] withoutTrns) {
    return new Variant(label, png.bytes(), withoutTrns);
  }

  private static String adam7(boolean interlaced) {
    return interlaced ? " Adam7" : "";
  }

  static TestPng png(int w, int h, int ct, int bd, int paletteSize, long seed) {
    return new TestPng(w, h, ct, bd, TestPng.randomSamples(w, h, ct, bd, paletteSize, seed));
  }

  private static TestPng everyGreyLevel(int ct, int bd, long seed) {
    int w = bd == 16 ? 4096 : 256;
    int spp = TestPng.samplesPerPixel(ct);
    int[] s = new int[w * 2 * spp];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 2 * w; i++) {
      int x = i % w;
      s[i * spp] = bd == 16 ? (i < w ? x * 16 + r.nextInt(16) : r.nextInt(65_536)) : x;
      if (spp == 2) {
        s[i * spp + 1] = r.nextInt(1 << bd);
      }
    }
    return new TestPng(w, 2, ct, bd, s);
  }

  private static void greyKeys(List<Variant> out, String base, int bd, long seed) {
    int max = (1 << bd) - 1;
    // Keys: a value that occurs, 0, the largest value, and one no sample of this depth can have.
    int[] keys = {-1, 0, max, Math.min(65_535, max + 1)};
    for (int key : keys) {
      for (boolean interlaced : new boolean[] {false, true}) {
        TestPng png = png(33, 17, GREY, bd, 0, seed++).interlaced(interlaced);
        int k = key < 0 ? png.samples[5] : key;
        png.trns(new byte[] {(byte) (k >>> 8), (byte) k});
        out.add(new Variant(base + " tRNS grey " + k + adam7(interlaced), png.bytes()));
      }
    }
    // Every level with a key that occurs (the alpha and the linear-grey curve together).
    TestPng levels = everyGreyLevelGrey(bd, seed++);
    int k = levels.samples[3];
    levels.trns(new byte[] {(byte) (k >>> 8), (byte) k});
    out.add(new Variant(base + " every level, tRNS grey " + k, levels.bytes()));
    TestPng wrong = png(13, 9, GREY, bd, 0, seed++).trns(new byte[] {0, 0, 0});
    out.add(new Variant(base + " tRNS of the wrong length", wrong.bytes()));
    TestPng late = png(13, 9, GREY, bd, 0, seed++);
    late.trns(new byte[] {0, (byte) late.samples[0]}).trnsAfterIdat(true);
    out.add(new Variant(base + " tRNS after IDAT", late.bytes()));
  }

  private static TestPng everyGreyLevelGrey(int bd, long seed) {
    int levels = bd == 16 ? 4096 : 1 << bd;
    int[] s = new int[levels * 2];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < s.length; i++) {
      s[i] = bd == 16 ? r.nextInt(65_536) : i % levels;
    }
    return new TestPng(levels, 2, GREY, bd, s);
  }

  private static void rgbKeys(List<Variant> out, String base, int bd, long seed) {
    for (boolean interlaced : new boolean[] {false, true}) {
      TestPng png = png(33, 17, RGB, bd, 0, seed++).interlaced(interlaced);
      ByteBuffer key = ByteBuffer.allocate(6);
      for (int c = 0; c < 3; c++) {
        key.putShort((short) png.samples[9 + c]);
      }
      png.trns(key.array());
      out.add(new Variant(base + " tRNS colour that occurs" + adam7(interlaced), png.bytes()));
    }
    TestPng absent = png(13, 9, RGB, bd, 0, seed++).trns(new byte[] {1, 0, 1, 0, 1, 0});
    out.add(new Variant(base + " tRNS colour that cannot occur in 8 bits", absent.bytes()));
    TestPng wrong = png(13, 9, RGB, bd, 0, seed++).trns(new byte[] {0, 0});
    out.add(new Variant(base + " tRNS of the wrong length", wrong.bytes()));
    TestPng late = png(13, 9, RGB, bd, 0, seed++);
    ByteBuffer key = ByteBuffer.allocate(6);
    for (int c = 0; c < 3; c++) {
      key.putShort((short) late.samples[c]);
    }
    late.trns(key.array()).trnsAfterIdat(true);
    out.add(new Variant(base + " tRNS after IDAT", late.bytes()));
  }

  private static void palettes(List<Variant> out, String base, int bd, long seed) {
    int full = 1 << bd;
    // Palette sizes: full, short (indices beyond it occur), longer than the depth allows, and a
    // length that is not a multiple of 3.
    int[] entries = {full, 1, 2, 3, 5, 17, full + 3};
    for (int n : entries) {
      for (boolean interlaced : new boolean[] {false, true}) {
        TestPng png = png(33, 17, PALETTE, bd, 0, seed++).interlaced(interlaced);
        png.palette(TestPng.palette(n, seed));
        out.add(new Variant(base + " " + n + "-entry palette" + adam7(interlaced), png.bytes()));
      }
    }
    byte[] ragged = Arrays.copyOf(TestPng.palette(full, seed), 3 * Math.min(full, 4) + 2);
    out.add(
        new Variant(
            base + " palette of " + ragged.length + " bytes",
            png(13, 9, PALETTE, bd, 0, seed++).palette(ragged).bytes()));
    // tRNS: none opaque, short, full, all opaque, too long, empty, after IDAT, before PLTE.
    SplittableRandom r = new SplittableRandom(seed);
    int n = Math.min(full, 12);
    byte[] pal = TestPng.palette(n, seed);
    List<byte[]> alphas = new ArrayList<>();
    for (int len : new int[] {1, n / 2 + 1, n, n + 5}) {
      byte[] a = new byte[len];
      r.nextBytes(a);
      alphas.add(a);
    }
    byte[] opaque = new byte[n];
    Arrays.fill(opaque, (byte) 0xFF);
    alphas.add(opaque);
    alphas.add(new byte[0]);
    for (byte[] a : alphas) {
      for (boolean interlaced : new boolean[] {false, true}) {
        TestPng png = png(33, 17, PALETTE, bd, 0, seed++).interlaced(interlaced);
        png.palette(pal).trns(a);
        out.add(
            new Variant(
                base + " " + n + " entries, tRNS of " + a.length + adam7(interlaced), png.bytes()));
      }
    }
    byte[] a = new byte[n];
    r.nextBytes(a);
    TestPng late = png(13, 9, PALETTE, bd, 0, seed++).palette(pal).trns(a).trnsAfterIdat(true);
    out.add(new Variant(base + " tRNS after IDAT", late.bytes()));
    TestPng early = png(13, 9, PALETTE, bd, 0, seed++);
    byte[] earlyReference = early.chunkBeforeIdat("PLTE", pal).bytes();
    early.before.add(0, TestPng.chunk("tRNS", a));
    out.add(strayChunk(base + " tRNS before PLTE", early, earlyReference));
    TestPng twice = png(13, 9, PALETTE, bd, 0, seed++).palette(pal).trns(a);
    byte[] second = new byte[n];
    r.nextBytes(second);
    twice.chunkAfterIdat("tRNS", second);
    out.add(new Variant(base + " a tRNS before and one after IDAT", twice.bytes()));
    // A second PLTE: Image I/O means to ignore it but loses its place in the file, like tRNS.
    TestPng plte = png(13, 9, PALETTE, bd, 0, seed++).palette(pal).trns(a);
    byte[] reference = plte.bytes();
    plte.chunkBeforeIdat("PLTE", TestPng.palette(n, seed + 1));
    out.add(strayChunk(base + " a second PLTE", plte, reference));
  }
}
