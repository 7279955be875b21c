package dev.kopi.image.decode;

import static dev.kopi.image.decode.TestPng.GREY;
import static dev.kopi.image.decode.TestPng.GREY_ALPHA;
import static dev.kopi.image.decode.TestPng.PALETTE;
import static dev.kopi.image.decode.TestPng.RGB;
import static dev.kopi.image.decode.TestPng.RGBA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import dev.kopi.image.resize.Reduce;
import dev.kopi.image.sample.SampleCorpus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PngDecoder} against the Image I/O path it replaces ({@link ImageDecoder#decode} then
 * {@link Rgb#convert}): byte-identical pixels, the same channel count and the same mode name, with
 * and without alpha, over a generated matrix of every colour type and bit depth, sizes down to 1x1,
 * Adam7, each filter type, split IDAT data, tRNS in every form Image I/O treats specially, and
 * short, long and ragged palettes; and on the sample corpus's photo-sized PNGs. Then hostile input:
 * every truncation and thousands of seeded byte flips end in a status, named damage in the right
 * one, and a header declaring a huge image is refused before anything is inflated.
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

  /** The PNGs Image I/O itself writes (adaptive filters), photo-sized, and an Adam7 one. */
  @Test
  void theSampleCorpusPngsMatchTheImageIoPath(@TempDir Path dir) throws Exception {
    List<SampleCorpus.Entry> corpus = SampleCorpus.write(dir, SampleCorpus.kinds().size(), 11);
    int compared = 0;
    for (SampleCorpus.Entry e : corpus) {
      if (e.kind().startsWith("png")) {
        assertSameAsImageIo(e.kind(), Files.readAllBytes(e.path()));
        compared++;
      }
    }
    assertThat(compared).isEqualTo(7);
  }

  /** Samples for the hostile tests, with ancillary chunks before and after the image data. */
  static List<Variant> hostileSamples() throws Exception {
    byte[] text = "Comment\0kopi".getBytes(StandardCharsets.ISO_8859_1);
    List<Variant> out = new ArrayList<>();
    out.add(
        new Variant(
            "Image I/O RGB",
            SampleCorpus.encode(SampleCorpus.photo(40, 30, new Random(3)), "png")));
    out.add(
        new Variant(
            "palette 4-bit with tRNS and text",
            png(23, 19, PALETTE, 4, 0, 5)
                .palette(TestPng.palette(16, 5))
                .trns(new byte[] {0, 40, (byte) 200})
                .chunkBeforeIdat("tEXt", text)
                .chunkAfterIdat("tEXt", text)
                .bytes()));
    out.add(
        new Variant(
            "RGBA 16-bit Adam7, split IDAT",
            png(17, 13, RGBA, 16, 0, 6)
                .interlaced(true)
                .idatChunkSize(300)
                .chunkBeforeIdat("gAMA", new byte[] {0, 0, (byte) 0xB1, (byte) 0x8F})
                .bytes()));
    out.add(
        new Variant(
            "grey + alpha, an unknown chunk after IDAT",
            png(37, 21, GREY_ALPHA, 8, 0, 7).chunkAfterIdat("zzZz", new byte[] {1, 2, 3}).bytes()));
    return out;
  }

  /** Every prefix of a PNG is truncated (or, when empty, not recognised); none escapes or hangs. */
  @Test
  void everyPrefixIsTruncated() throws Exception {
    for (Variant v : hostileSamples()) {
      byte[] full = v.png();
      assertThat(PngDecoder.decode(new byte[0], MAX, false, 1)).isNull();
      for (int n = 1; n < full.length; n++) {
        byte[] cut = Arrays.copyOf(full, n);
        for (int reduce : new int[] {1, 3}) {
          try {
            PngDecoder.decode(cut, MAX, true, reduce);
            fail("%s cut to %d of %d bytes decoded as ok", v.label(), n, full.length);
          } catch (ItemException e) {
            assertThat(e.status())
                .as("%s cut to %d bytes: %s", v.label(), n, e.getMessage())
                .isEqualTo(ItemStatus.TRUNCATED);
            assertThat(e.getCause()).as("no decoder bug behind %s", e.getMessage()).isNull();
          }
        }
      }
    }
  }

  /**
   * Seeded single-byte damage: raw flips, which the CRCs must catch unless they hit a chunk that
   * does not shape the pixels, and flips whose chunk CRC is then recomputed, which reach the header
   * parser, the inflater and the unfilter. Every outcome is a status or a decode; a decode after a
   * raw flip must give the original pixels.
   */
  @Test
  void byteFlipsEndInAStatusNeverAnotherException() throws Exception {
    SplittableRandom random = new SplittableRandom(42);
    int decodedAfterCrcFix = 0;
    for (Variant v : hostileSamples()) {
      byte[] full = v.png();
      Pixels original = decode(full, true, 1).pixels();
      List<Integer> chunks = TestPng.chunkOffsets(full);
      for (int trial = 0; trial < 3000; trial++) {
        boolean fixCrc = trial % 2 == 1;
        int at = random.nextInt(full.length);
        byte[] damaged = full.clone();
        damaged[at] ^= (byte) (1 + random.nextInt(255));
        int chunk = chunkAt(chunks, at);
        if (fixCrc && chunk >= 0 && at >= chunk + 8) {
          TestPng.fixCrc(damaged, chunk);
        }
        String what =
            String.format(
                Locale.ROOT, "%s, byte %d%s", v.label(), at, fixCrc ? " (CRC fixed)" : "");
        PngDecoder.Result r;
        try {
          r = PngDecoder.decode(damaged, MAX, true, trial % 3 == 0 ? 2 : 1);
        } catch (ItemException e) {
          assertThat(e.status())
              .as("%s: %s", what, e.getMessage())
              .isIn(ItemStatus.TRUNCATED, ItemStatus.CORRUPT, ItemStatus.TOO_MANY_PIXELS);
          assertThat(e.getCause())
              .as("no decoder bug behind %s: %s", what, e.getMessage())
              .isNull();
          assertThat(e.getMessage()).isNotBlank();
          continue;
        }
        if (r == null) {
          assertThat(at).as("declined only for a damaged signature: %s", what).isLessThan(8);
          continue;
        }
        if (fixCrc) {
          decodedAfterCrcFix++;
        } else {
          // The CRCs catch every raw flip but one in IEND's CRC, whose value is not checked.
          assertThat(at).as("a raw flip decoded: %s", what).isGreaterThanOrEqualTo(full.length - 4);
          assertThat(r.pixels().data()).as(what).isEqualTo(reduced(original, trial % 3 == 0));
        }
      }
    }
    // The CRC-fixed flips do reach the pixels: many decode to something, damaged or not.
    assertThat(decodedAfterCrcFix).isPositive();
  }

  private static byte[] reduced(Pixels p, boolean byTwo) {
    return byTwo ? Reduce.reduce(p.data(), p.width(), p.height(), p.channels(), 2, 2) : p.data();
  }

  /** The chunk whose bytes include {@code at}, as the offset of its length field, or -1. */
  private static int chunkAt(List<Integer> chunks, int at) {
    int found = -1;
    for (int c : chunks) {
      if (c <= at) {
        found = c;
      }
    }
    return found;
  }

  @Test
  void aHugeHeaderIsRefusedBeforeAnythingIsInflated() throws Exception {
    byte[] bomb = header(100_000, 100_000, 8, 2, new byte[] {0x78, (byte) 0x9C, 0x03, 0x00});
    assertStatus(bomb, ItemStatus.TOO_MANY_PIXELS)
        .hasMessage("100000x100000 = 10000.0 Mpx, over the limit of 89.5 Mpx (--max-pixels)");
    // Refused from the header even when nothing follows it.
    byte[] headerOnly = Arrays.copyOf(bomb, 8 + 25);
    assertStatus(headerOnly, ItemStatus.TOO_MANY_PIXELS);
    // With no pixel limit, the few compressed bytes cannot hold the image: refused before the
    // 30 GB output is allocated.
    assertThatThrownBy(() -> PngDecoder.decode(bomb, Long.MAX_VALUE, false, 1))
        .isInstanceOfSatisfying(
            ItemException.class, e -> assertThat(e.status()).isEqualTo(ItemStatus.TRUNCATED))
        .hasMessageContaining("too short for a 100000x100000 image");
  }

  /** Named damage gets the right status and a reason that says what is wrong. */
  @Test
  void damageIsNamed() throws Exception {
    byte[] good = png(20, 10, RGB, 8, 0, 9).filter(0).bytes();
    List<Integer> chunks = TestPng.chunkOffsets(good);
    int idat = chunks.get(1);

    byte[] badCrc = good.clone();
    badCrc[idat + 10] ^= 1;
    assertStatus(badCrc, ItemStatus.CORRUPT)
        .hasMessageContaining("IDAT chunk at byte 33 fails its CRC");

    byte[] noIend = Arrays.copyOf(good, good.length - 12);
    assertStatus(noIend, ItemStatus.TRUNCATED).hasMessageContaining("IEND");

    byte[] cutInIdat = Arrays.copyOf(good, idat + 20);
    assertStatus(cutInIdat, ItemStatus.TRUNCATED)
        .hasMessageContaining("the file ends inside the IDAT chunk at byte 33");

    // A valid zlib stream holding only 4 of the 10 rows.
    byte[] rows = new byte[4 * 61];
    byte[] shortData = header(20, 10, 8, 2, TestPng.deflate(rows));
    assertStatus(shortData, ItemStatus.TRUNCATED)
        .hasMessage("the compressed image data ends after 4 of 10 rows");

    byte[] raw = new byte[10 * 61];
    raw[61 * 3] = 9; // row 3's filter byte
    assertStatus(header(20, 10, 8, 2, TestPng.deflate(raw)), ItemStatus.CORRUPT)
        .hasMessageContaining("scanline 3 has filter type 9");

    byte[] garbage = TestPng.deflate(raw);
    for (int i = 2; i < garbage.length - 4; i++) {
      garbage[i] = (byte) 0xFF;
    }
    assertStatus(header(20, 10, 8, 2, garbage), ItemStatus.CORRUPT)
        .hasMessageContaining("the compressed image data is damaged (zlib: ");

    assertStatus(header(20, 10, 3, 2, TestPng.deflate(raw)), ItemStatus.CORRUPT)
        .hasMessage(
            "the header declares colour type 2 with bit depth 3, which PNG does not define");
    assertStatus(header(0, 10, 8, 2, TestPng.deflate(raw)), ItemStatus.CORRUPT)
        .hasMessage("the header declares an invalid size 0x10");
    assertStatus(header(20, 10, 8, 3, TestPng.deflate(raw)), ItemStatus.CORRUPT)
        .hasMessage("a palette image without a PLTE chunk before its data");

    byte[] textFirst =
        concat(
            Arrays.copyOf(good, 8),
            TestPng.chunk("tEXt", new byte[] {'a', 0}),
            Arrays.copyOfRange(good, 8, good.length));
    assertStatus(textFirst, ItemStatus.CORRUPT)
        .hasMessage("the first chunk is tEXt, not the IHDR header");

    byte[] twoHeaders =
        concat(
            Arrays.copyOf(good, idat),
            Arrays.copyOfRange(good, 8, 33),
            Arrays.copyOfRange(good, idat, good.length));
    assertStatus(twoHeaders, ItemStatus.CORRUPT).hasMessageContaining("a second IHDR chunk");

    byte[] noData = concat(Arrays.copyOf(good, idat), TestPng.chunk("IEND", new byte[0]));
    assertStatus(noData, ItemStatus.CORRUPT).hasMessage("the file has no image data (IDAT chunk)");

    assertStatus(Arrays.copyOf(good, 5), ItemStatus.TRUNCATED)
        .hasMessage("the file ends inside the PNG signature, after 5 bytes");
    assertThat(PngDecoder.decode("GIF89a....".getBytes(StandardCharsets.US_ASCII), MAX, false, 1))
        .as("not a PNG: declined for another decoder")
        .isNull();
  }

  /**
   * No shared mutable state: four threads decoding at once (racing to the first use of the lookup
   * tables too) agree with one thread.
   */
  @Test
  void concurrentDecodesGiveTheSameResults() throws Exception {
    List<Variant> all = new ArrayList<>();
    for (int[] t : new int[][] {{GREY_ALPHA, 16}, {GREY_ALPHA, 8}, {PALETTE, 4}, {RGBA, 8}}) {
      all.addAll(variants(t[0], t[1]));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[]>> futures = new ArrayList<>();
      for (int i = 0; i < 3 * all.size(); i++) {
        byte[] png = all.get(i % all.size()).png();
        int reduce = 1 + i % 2;
        futures.add(pool.submit(() -> decode(png, true, reduce).pixels().data()));
      }
      for (int i = 0; i < futures.size(); i++) {
        Variant v = all.get(i % all.size());
        assertThat(futures.get(i).get())
            .as(v.label())
            .isEqualTo(decode(v.png(), true, 1 + i % 2).pixels().data());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void thePaethPredictorMatchesTheSpecificationForEveryInput() {
    for (int a = 0; a < 256; a++) {
      for (int b = 0; b < 256; b++) {
        for (int c = 0; c < 256; c++) {
          int p = a + b - c;
          int pa = Math.abs(p - a);
          int pb = Math.abs(p - b);
          int pc = Math.abs(p - c);
          int expected = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          if (PngDecoder.Unfilter.predict(a, b, c) != expected) {
            fail(
                "predict(%d, %d, %d) = %d, expected %d",
                a, b, c, PngDecoder.Unfilter.predict(a, b, c), expected);
          }
        }
      }
    }
  }

  @Test
  void argumentsAreValidated() {
    byte[] png = png(3, 3, RGB, 8, 0, 1).bytes();
    assertThatThrownBy(() -> PngDecoder.decode(png, 0, false, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPixels >= 1 required but it was 0");
    assertThatThrownBy(() -> PngDecoder.decode(png, MAX, false, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reduce in [1, 4095] required but it was 0");
    assertThatThrownBy(() -> PngDecoder.decode(png, MAX, false, 4096))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A PNG of the given header and IDAT data (taken as is), without palette. */
  static byte[] header(int w, int h, int bitDepth, int colorType, byte[] idat) {
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(w).putInt(h).put((byte) bitDepth).put((byte) colorType).put(new byte[3]);
    return concat(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
        TestPng.chunk("IHDR", ihdr.array()),
        TestPng.chunk("IDAT", idat),
        TestPng.chunk("IEND", new byte[0]));
  }

  static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertStatus(
      byte[] png, ItemStatus status) {
    return assertThatThrownBy(() -> PngDecoder.decode(png, MAX, false, 1))
        .isInstanceOfSatisfying(ItemException.class, e -> assertThat(e.status()).isEqualTo(status));
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
      // Mode names are Pillow's, not Image I/O's: PngDecoderPillowTest checks them.
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
    {
      // Scanlines longer than the decoder's 32 KiB inflate window (and 70,001 pixels wide).
      TestPng png = png(70_001, 2, ct, bd, 0, seed++);
      if (pal != null) {
        png.palette(pal);
      }
      out.add(new Variant(base + " 70001x2", png.bytes()));
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
