package dev.kopi.image.decode;

import static dev.kopi.image.decode.TestBmp.ALPHABITFIELDS;
import static dev.kopi.image.decode.TestBmp.BITFIELDS;
import static dev.kopi.image.decode.TestBmp.RLE4;
import static dev.kopi.image.decode.TestBmp.RLE8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import dev.kopi.image.resize.Reduce;
import dev.kopi.image.sample.SampleCorpus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link BmpDecoder} on a generated matrix of every header, depth, compression and layout it
 * decodes, each compared with the image the file means (its colour table or masks applied to the
 * pixels it was written from, whatever the storage order, padding or RLE encoding), at full size
 * and box-reduced; then hostile input: every prefix, thousands of seeded byte flips, and named
 * damage. {@link BmpDecoderPillowTest} compares the same matrix with Pillow.
 */
class BmpDecoderTest {
  static final long MAX = ImageDecoder.DEFAULT_MAX_PIXELS;

  /** The most one decode of a test-sized input may take, even on a loaded 2-core machine. */
  private static final Duration BUDGET = Duration.ofSeconds(2);

  /**
   * One file of the matrix: what it exercises, the builder it came from (null for a stream written
   * byte by byte, whose meaning is {@code expected}), its bytes, the RGB or RGBA bytes it means
   * when {@code expected} is given, and why Pillow 9.4 decodes it differently (null when it does
   * not).
   */
  record Variant(
      String label,
      @Nullable TestBmp bmp,
      byte[] bytes,
      @Nullable Pixels expected,
      @Nullable String pillowDiffers) {}

  /** The matrix. */
  static List<Variant> variants() {
    List<Variant> out = new ArrayList<>();
    long seed = 1;
    int[][] sizes = {{1, 1}, {7, 3}, {33, 17}, {64, 2}};
    for (int header : new int[] {12, 40, 108, 124}) {
      for (int bits : new int[] {1, 4, 8, 16, 24, 32}) {
        for (int[] size : sizes) {
          for (boolean topDown :
              header == 12 ? new boolean[] {false} : new boolean[] {false, true}) {
            TestBmp t =
                new TestBmp(
                    size[0], size[1], bits, TestBmp.random(size[0], size[1], bits, 0, seed++));
            t.header(header).topDown(topDown);
            if (bits <= 8) {
              t.palette(TestBmp.palette(1 << bits, seed++));
            }
            out.add(
                of(
                    String.format(
                        Locale.ROOT,
                        "header %d, %d-bit, %dx%d%s",
                        header,
                        bits,
                        size[0],
                        size[1],
                        topDown ? ", top-down" : ""),
                    t));
          }
        }
      }
    }
    // Colour tables: short (indices beyond it show greys), black and white ("1"), a grey ramp
    // ("L"), more entries than the depth allows.
    for (int bits : new int[] {1, 4, 8}) {
      for (int entries : new int[] {1, 2, 3}) {
        if (entries < 1 << bits) {
          TestBmp t = new TestBmp(13, 5, bits, TestBmp.random(13, 5, bits, 0, seed++));
          t.palette(TestBmp.palette(entries, seed++));
          out.add(of(bits + "-bit, a " + entries + "-entry colour table", t));
        }
      }
    }
    out.add(
        of(
            "1-bit, black and white",
            new TestBmp(19, 3, 1, TestBmp.random(19, 3, 1, 0, seed++))
                .palette(new int[] {0, 0xFFFFFF})));
    int[] ramp = new int[256];
    for (int i = 0; i < 256; i++) {
      ramp[i] = i * 0x010101;
    }
    out.add(
        of(
            "8-bit, a grey ramp",
            new TestBmp(19, 3, 8, TestBmp.random(19, 3, 8, 0, seed++)).palette(ramp)));
    out.add(
        of(
            "8-bit, a 100-entry grey ramp",
            new TestBmp(19, 3, 8, TestBmp.random(19, 3, 8, 0, seed++))
                .palette(Arrays.copyOf(ramp, 100))));
    out.add(
        differs(
            "8-bit, a 300-entry colour table",
            new TestBmp(19, 3, 8, TestBmp.random(19, 3, 8, 0, seed++))
                .palette(TestBmp.palette(300, seed++)),
            "more colour table entries than 8 bits address: Pillow refuses the file"));
    out.add(
        differs(
            "8-bit, a black-and-white table of 2 entries",
            new TestBmp(19, 3, 8, TestBmp.random(19, 3, 8, 2, seed++))
                .palette(new int[] {0, 0xFFFFFF}),
            "Pillow calls it mode 1 and reads the indices as 1-bit pixels"));
    out.add(
        differs(
            "4-bit, a black-and-white table of 2 entries",
            new TestBmp(19, 3, 4, TestBmp.random(19, 3, 4, 2, seed++))
                .palette(new int[] {0, 0xFFFFFF}),
            "Pillow calls it mode 1 and reads the indices as 1-bit pixels"));
    out.add(
        differs(
            "4-bit, a dark grey ramp",
            new TestBmp(19, 3, 4, TestBmp.random(19, 3, 4, 0, seed++))
                .palette(Arrays.copyOf(ramp, 16)),
            "Pillow calls it mode L and reads the indices as 8-bit pixels"));
    // Bit fields: Pillow's layouts, then others.
    int[][] masks16 = {{0xF800, 0x7E0, 0x1F}, {0x7C00, 0x3E0, 0x1F}};
    for (int[] m : masks16) {
      for (int header : new int[] {40, 108}) {
        TestBmp t = new TestBmp(33, 7, 16, TestBmp.random(33, 7, 16, 0, seed++));
        out.add(
            of(
                masks("16-bit", m) + " header " + header,
                t.header(header).compression(BITFIELDS).masks(m)));
      }
    }
    int[][] masks32 = {
      {0xFF0000, 0xFF00, 0xFF, 0},
      {0xFF000000, 0xFF0000, 0xFF00, 0},
      {0xFF000000, 0xFF0000, 0xFF00, 0xFF},
      {0xFF, 0xFF00, 0xFF0000, 0xFF000000},
      {0xFF0000, 0xFF00, 0xFF, 0xFF000000},
      {0, 0, 0, 0},
    };
    for (int[] m : masks32) {
      for (int header : new int[] {40, 108, 124}) {
        TestBmp t = new TestBmp(33, 7, 32, TestBmp.random(33, 7, 32, 0, seed++));
        // An info header carries three masks: the alpha mask is 0.
        int[] written = header == 40 ? Arrays.copyOf(m, 3) : m;
        t.header(header).compression(BITFIELDS).masks(written);
        String label = masks("32-bit", written) + " header " + header;
        boolean listed = false;
        for (int[] l : masks32) {
          listed |= Arrays.equals(l, Arrays.copyOf(written, 4));
        }
        out.add(
            listed
                ? of(label, t)
                : differs(
                    label, t, "a bit-field layout Pillow does not list: it refuses the file"));
      }
    }
    out.add(
        of(
            "24-bit, bit fields B, G, R",
            new TestBmp(9, 4, 24, TestBmp.random(9, 4, 24, 0, seed++))
                .compression(BITFIELDS)
                .masks(0xFF0000, 0xFF00, 0xFF)));
    out.add(
        differs(
            "24-bit, bit fields R, G, B",
            new TestBmp(9, 4, 24, TestBmp.random(9, 4, 24, 0, seed++))
                .compression(BITFIELDS)
                .masks(0xFF, 0xFF00, 0xFF0000),
            "a bit-field layout Pillow does not list: it refuses the file"));
    out.add(
        differs(
            "16-bit, bit fields 4-4-4-4 with alpha",
            new TestBmp(9, 4, 16, TestBmp.random(9, 4, 16, 0, seed++))
                .header(108)
                .compression(BITFIELDS)
                .masks(0xF00, 0xF0, 0xF, 0xF000),
            "a bit-field layout Pillow does not list: it refuses the file"));
    out.add(
        differs(
            "32-bit, bit fields 10-10-10",
            new TestBmp(9, 4, 32, TestBmp.random(9, 4, 32, 0, seed++))
                .header(108)
                .compression(BITFIELDS)
                .masks(0x3FF00000, 0xFFC00, 0x3FF, 0),
            "a bit-field layout Pillow does not list: it refuses the file"));
    out.add(
        differs(
            "32-bit, alpha bit fields",
            new TestBmp(9, 4, 32, TestBmp.random(9, 4, 32, 0, seed++))
                .compression(ALPHABITFIELDS)
                .masks(0xFF0000, 0xFF00, 0xFF, 0xFF000000),
            "alpha bit fields: Pillow refuses the compression"));
    out.add(
        differs(
            "16-bit, alpha bit fields",
            new TestBmp(9, 4, 16, TestBmp.random(9, 4, 16, 0, seed++))
                .compression(ALPHABITFIELDS)
                .masks(0x7C00, 0x3E0, 0x1F, 0x8000),
            "alpha bit fields: Pillow refuses the compression"));
    // RLE, encoded from pixels.
    for (int[] size : new int[][] {{1, 1}, {7, 3}, {33, 17}, {70, 5}}) {
      for (boolean topDown : new boolean[] {false, true}) {
        TestBmp t8 =
            new TestBmp(size[0], size[1], 8, TestBmp.random(size[0], size[1], 8, 0, seed++));
        t8.compression(RLE8).topDown(topDown).palette(TestBmp.palette(256, seed++));
        out.add(of("RLE8 " + size[0] + "x" + size[1] + (topDown ? ", top-down" : ""), t8));
        TestBmp t4 =
            new TestBmp(size[0], size[1], 4, TestBmp.random(size[0], size[1], 4, 0, seed++));
        t4.compression(RLE4).topDown(topDown).palette(TestBmp.palette(16, seed++));
        t4.oddAbsoluteRuns(false);
        out.add(of("RLE4 " + size[0] + "x" + size[1] + (topDown ? ", top-down" : ""), t4));
      }
    }
    TestBmp odd = new TestBmp(33, 5, 4, TestBmp.random(33, 5, 4, 0, seed++));
    odd.compression(RLE4).palette(TestBmp.palette(16, seed++)).oddAbsoluteRuns(true);
    out.add(
        differs(
            "RLE4 with absolute runs of odd length",
            odd,
            "Pillow reads n / 2 bytes of an odd absolute run of n pixels: it loses pixels and"
                + " the stream's alignment"));
    int[] pal3 = {0x102030, 0x405060, 0x708090};
    // Hand-written RLE8 streams of 4x2 pixels, stored bottom-up; expected rows top first.
    out.add(
        rle(
            "RLE8 delta",
            new byte[] {1, 1, 0, 2, 2, 1, 1, 2, 0, 1},
            pal3,
            new int[] {0, 0, 0, 2, 1, 0, 0, 0},
            "a delta escape: Pillow reads its two offset bytes twice, taking the next command's"
                + " bytes as the offsets"));
    out.add(
        rle(
            "RLE8 a run past the row's end is cut there",
            new byte[] {6, 1, 0, 0, 4, 2, 0, 1},
            pal3,
            new int[] {2, 2, 2, 2, 1, 1, 1, 1},
            null));
    out.add(
        rle(
            "RLE8 an absolute run past the row's end goes on in the next row",
            new byte[] {0, 6, 1, 2, 1, 2, 1, 2, 0, 0, 4, 2, 0, 1},
            pal3,
            new int[] {1, 2, 0, 0, 1, 2, 1, 2},
            null));
    out.add(
        rle(
            "RLE8 end of bitmap before the last row",
            new byte[] {3, 1, 0, 0, 0, 1},
            pal3,
            new int[] {0, 0, 0, 0, 1, 1, 1, 0},
            "an end of bitmap before the last row: Pillow fails (not enough image data)"));
    // The last row's padding missing (Pillow reads such files), and data offsets Pillow repairs.
    for (int missing = 1; missing <= 3; missing++) {
      TestBmp t = new TestBmp(5, 3, 8, TestBmp.random(5, 3, 8, 0, seed++));
      out.add(
          of(
              "8-bit 5x3 without " + missing + " padding bytes",
              t.palette(TestBmp.palette(256, seed++)).cut(missing)));
    }
    TestBmp atHeader = new TestBmp(5, 3, 8, TestBmp.random(5, 3, 8, 0, seed++));
    atHeader.palette(TestBmp.palette(256, seed++)).offset(14 + 40);
    out.add(of("8-bit, a data offset that forgets the colour table", atHeader));
    TestBmp zero = new TestBmp(5, 3, 8, TestBmp.random(5, 3, 8, 0, seed++));
    zero.palette(TestBmp.palette(256, seed++)).offset(0);
    out.add(of("8-bit, a data offset of 0", zero));
    return out;
  }

  private static String masks(String what, int[] m) {
    StringBuilder s = new StringBuilder(what).append(" bit fields");
    for (int v : m) {
      s.append(String.format(Locale.ROOT, " %X", v));
    }
    return s.toString();
  }

  private static Variant of(String label, TestBmp t) {
    return new Variant(label, t, t.bytes(), null, null);
  }

  private static Variant differs(String label, TestBmp t, String why) {
    return new Variant(label, t, t.bytes(), null, why);
  }

  /** A 4x2 RLE8 bitmap with the given stream; {@code indices} is what it means, top row first. */
  private static Variant rle(
      String label, byte[] stream, int[] palette, int[] indices, @Nullable String why) {
    TestBmp t = new TestBmp(4, 2, 8, new int[8]).compression(RLE8).palette(palette).rle(stream);
    byte[] rgb = new byte[3 * indices.length];
    for (int i = 0; i < indices.length; i++) {
      int c = palette[indices[i]];
      rgb[3 * i] = (byte) (c >> 16);
      rgb[3 * i + 1] = (byte) (c >> 8);
      rgb[3 * i + 2] = (byte) c;
    }
    return new Variant(label, null, t.bytes(), new Pixels(rgb, 4, 2, 3), why);
  }

  /** The RGB (or RGB + alpha) image a variant means. */
  static Pixels meaning(Variant variant, boolean keepAlpha) {
    Pixels expected = variant.expected();
    if (expected != null) {
      return expected;
    }
    TestBmp t = java.util.Objects.requireNonNull(variant.bmp());
    int[] masks = t.masks;
    boolean masked = t.compression == BITFIELDS || t.compression == ALPHABITFIELDS;
    if (masked
        && t.bits == 32
        && (masks.length == 0 || Arrays.stream(masks).allMatch(m -> m == 0))) {
      masks = new int[] {0xFF0000, 0xFF00, 0xFF, 0xFF000000};
    }
    if (!masked) {
      masks =
          switch (t.bits) {
            case 16 -> new int[] {0x7C00, 0x3E0, 0x1F};
            case 24, 32 -> new int[] {0xFF0000, 0xFF00, 0xFF};
            default -> new int[0];
          };
    }
    int alphaMask = t.bits == 32 && masks.length > 3 ? masks[3] : 0;
    int channels = keepAlpha && alphaMask != 0 ? 4 : 3;
    int n = t.width * t.height;
    byte[] out = new byte[n * channels];
    int[] pal = t.palette == null ? new int[0] : t.palette;
    long declared = t.colorsUsed >= 0 ? t.colorsUsed : pal.length;
    long entries =
        Math.min(declared == 0 ? 1L << Math.min(t.bits, 8) : declared, 1L << Math.min(t.bits, 8));
    for (int i = 0; i < n; i++) {
      int v = t.pixels[i];
      int r;
      int g;
      int b;
      int a = 255;
      if (t.bits <= 8) {
        int c = v < entries ? pal[v] : v * 0x010101;
        r = (c >> 16) & 0xFF;
        g = (c >> 8) & 0xFF;
        b = c & 0xFF;
      } else {
        r = scale(v, masks[0]);
        g = scale(v, masks[1]);
        b = scale(v, masks[2]);
        a = scale(v, alphaMask);
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

  private static int scale(int v, int mask) {
    if (mask == 0) {
      return 0;
    }
    int shift = Integer.numberOfTrailingZeros(mask);
    long max = Integer.toUnsignedLong(mask) >>> shift;
    long x = Integer.toUnsignedLong(v & mask) >>> shift;
    return (int) (x * 255 / max);
  }

  static DecodedImage decode(byte[] bmp, boolean keepAlpha, int reduce) throws ItemException {
    DecodedImage d = BmpDecoder.decode(bmp, MAX, keepAlpha, (w, h) -> reduce);
    assertThat(d).as("declined").isNotNull();
    return java.util.Objects.requireNonNull(d);
  }

  @Test
  void everyVariantDecodesToWhatTheFileMeans() throws Exception {
    List<Variant> all = variants();
    assertThat(all).hasSizeGreaterThan(150);
    for (Variant v : all) {
      for (boolean keepAlpha : new boolean[] {false, true}) {
        DecodedImage d = decode(v.bytes(), keepAlpha, 1);
        Pixels want = meaning(v, keepAlpha);
        assertThat(d.width()).as(v.label()).isEqualTo(want.width());
        assertThat(d.height()).as(v.label()).isEqualTo(want.height());
        DecoderChecks.assertSamePixels(
            v.label() + (keepAlpha ? " (alpha kept)" : ""), d.pixels(), want);
      }
    }
  }

  @Test
  void reducingWhileDecodingEqualsReducingTheDecodedImage() throws Exception {
    for (Variant v : variants()) {
      DecoderChecks.assertReducesWhileDecoding(v.label(), v.bytes(), BmpDecoderTest::decode);
    }
  }

  @Test
  void modesAreTheOnesPillowNames() throws Exception {
    assertThat(mode("1-bit, black and white")).isEqualTo("1");
    assertThat(mode("header 40, 1-bit, 7x3")).isEqualTo("P");
    assertThat(mode("8-bit, a grey ramp")).isEqualTo("L");
    assertThat(mode("8-bit, a 100-entry grey ramp")).isEqualTo("L");
    assertThat(mode("header 40, 8-bit, 7x3")).isEqualTo("P");
    assertThat(mode("header 40, 16-bit, 7x3")).isEqualTo("RGB");
    assertThat(mode("header 40, 24-bit, 7x3")).isEqualTo("RGB");
    assertThat(mode("header 40, 32-bit, 7x3"))
        .as("no bit fields: the 4th byte is ignored")
        .isEqualTo("RGB");
    assertThat(mode("32-bit bit fields FF0000 FF00 FF FF000000 header 108")).isEqualTo("RGBA");
    assertThat(mode("32-bit bit fields 0 0 0 0 header 108")).isEqualTo("RGBA");
    assertThat(mode("32-bit bit fields FF0000 FF00 FF 0 header 108")).isEqualTo("RGB");
    assertThat(mode("8-bit, a black-and-white table of 2 entries")).isEqualTo("1");
  }

  private static String mode(String label) throws Exception {
    for (Variant v : variants()) {
      if (v.label().equals(label)) {
        return decode(v.bytes(), false, 1).mode();
      }
    }
    throw new AssertionError("no variant " + label);
  }

  /** The sample corpus's BMPs (Image I/O's writer) decode like the Image I/O path. */
  @Test
  void imageIoWrittenBitmapsMatchTheImageIoPath() throws Exception {
    ImageDecoder imageIo = new ImageDecoder(MAX, false);
    for (int seed = 0; seed < 3; seed++) {
      byte[] bmp = SampleCorpus.encode(SampleCorpus.photo(61 + seed, 37, new Random(seed)), "bmp");
      DecodedImage d = decode(bmp, false, 1);
      ImageDecoder.Decoded want = imageIo.decode(bmp, false);
      assertThat(want.decoder()).isEqualTo(ImageDecoder.KOPI_BMP);
      // Image I/O's reader, called directly, is the reference here.
      javax.imageio.ImageReader reader =
          javax.imageio.ImageIO.getImageReadersByFormatName("bmp").next();
      try (var in =
          javax.imageio.ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bmp))) {
        reader.setInput(in);
        Pixels ref = Rgb.convert(reader.read(0), false);
        assertThat(d.pixels().data()).isEqualTo(ref.data());
      } finally {
        reader.dispose();
      }
      assertThat(d.mode()).isEqualTo("RGB");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Hostile input

  static List<Variant> hostileSamples() throws Exception {
    List<Variant> out = new ArrayList<>();
    byte[] photo = SampleCorpus.encode(SampleCorpus.photo(40, 30, new Random(3)), "bmp");
    out.add(new Variant("Image I/O 24-bit", null, photo, null, null));
    for (Variant v : variants()) {
      switch (v.label()) {
        case "header 40, 8-bit, 33x17",
            "header 12, 4-bit, 33x17",
            "header 124, 32-bit, 33x17, top-down",
            "RLE8 33x17",
            "RLE4 33x17, top-down",
            "16-bit bit fields F800 7E0 1F header 108" ->
            out.add(v);
        default -> {}
      }
    }
    assertThat(out).hasSize(7);
    return out;
  }

  /**
   * Every prefix of a bitmap is truncated, except those that keep every byte the pixels come from
   * (only the last row's padding, or an RLE stream's closing escapes, are missing): those decode to
   * the whole file's pixels. Shorter than the signature, the bytes are not a BMP.
   */
  @Test
  void everyPrefixIsTruncatedOrHasAllThePixels() throws Exception {
    assertTimeoutPreemptively(
        Duration.ofMinutes(2),
        () -> {
          for (Variant v : hostileSamples()) {
            byte[] full = v.bytes();
            Pixels whole = decode(full, true, 1).pixels();
            int complete = 0;
            for (int n = 0; n < full.length; n++) {
              byte[] cut = Arrays.copyOf(full, n);
              for (int reduce : new int[] {1, 3}) {
                DecodedImage d;
                try {
                  d = BmpDecoder.decode(cut, MAX, true, (w, h) -> reduce);
                } catch (ItemException e) {
                  assertThat(e.status())
                      .as("%s cut to %d bytes: %s", v.label(), n, e.getMessage())
                      .isEqualTo(ItemStatus.TRUNCATED);
                  assertThat(e.getCause()).as("no decoder bug behind %s", e.getMessage()).isNull();
                  continue;
                }
                if (d == null) {
                  assertThat(n).as("%s cut to %d bytes declined", v.label(), n).isLessThan(2);
                  continue;
                }
                Pixels want = reduce == 1 ? whole : reduced(whole, reduce);
                assertThat(d.pixels().data())
                    .as("%s cut to %d of %d bytes decoded", v.label(), n, full.length)
                    .isEqualTo(want.data());
                complete++;
              }
            }
            // At most the last row's padding (3 bytes) or RLE's closing escapes (4) are missing.
            assertThat(complete / 2)
                .as("prefixes of %s that decode", v.label())
                .isLessThanOrEqualTo(4);
          }
        });
  }

  private static Pixels reduced(Pixels p, int k) {
    return new Pixels(
        Reduce.reduce(p.data(), p.width(), p.height(), p.channels(), k, k),
        Reduce.reducedSize(p.width(), k),
        Reduce.reducedSize(p.height(), k),
        p.channels());
  }

  /**
   * Seeded damage, three thousand flips per sample, half of them in the headers and colour table:
   * every outcome is an image, a decline or a status, never another exception, never slow.
   */
  @Test
  void byteFlipsEndInAStatusNeverAnotherException() throws Exception {
    int[] outcomes = new int[4];
    assertTimeoutPreemptively(
        Duration.ofMinutes(3),
        () -> {
          SplittableRandom random = new SplittableRandom(42);
          for (Variant v : hostileSamples()) {
            byte[] full = v.bytes();
            for (int trial = 0; trial < 3000; trial++) {
              byte[] damaged = full.clone();
              int flips = 1 + random.nextInt(3);
              StringBuilder how = new StringBuilder();
              for (int f = 0; f < flips; f++) {
                int at =
                    random.nextBoolean()
                        ? random.nextInt(Math.min(full.length, 120))
                        : random.nextInt(full.length);
                int value = random.nextInt(256);
                how.append(String.format(Locale.ROOT, " byte %d=0x%02X", at, value));
                damaged[at] = (byte) value;
              }
              String what = v.label() + ":" + how;
              int reduce = 1 + trial % 3;
              boolean keepAlpha = trial % 2 == 0;
              outcomes[
                  DecoderChecks.hostileOutcome(
                      what,
                      BUDGET,
                      () -> BmpDecoder.decode(damaged, MAX, keepAlpha, (w, h) -> reduce))]++;
            }
          }
        });
    DecoderChecks.assertEveryOutcome(outcomes);
  }

  @Test
  void aHugeHeaderIsRefusedBeforeAnythingIsAllocated() throws Exception {
    TestBmp t = new TestBmp(2, 2, 24, new int[4]);
    byte[] huge = t.bytes();
    setInt(huge, 18, 100_000);
    setInt(huge, 22, 100_000);
    assertStatus(huge, ItemStatus.TOO_MANY_PIXELS)
        .hasMessage("100000x100000 = 10000.0 Mpx, over the limit of 89.5 Mpx (--max-pixels)");
    // Within the limit, but the file holds 2 of the 9000 rows' data: refused before allocating.
    setInt(huge, 18, 9000);
    setInt(huge, 22, 9000);
    assertThatThrownBy(() -> BmpDecoder.decode(huge, Long.MAX_VALUE, false, (w, h) -> 1))
        .isInstanceOfSatisfying(
            ItemException.class, e -> assertThat(e.status()).isEqualTo(ItemStatus.TRUNCATED))
        .hasMessage(
            "the file ends inside the pixel data: 0 of 9000 rows are there; it was probably cut"
                + " off");
  }

  @Test
  void damageIsNamed() throws Exception {
    byte[] good = new TestBmp(20, 10, 24, TestBmp.random(20, 10, 24, 0, 5)).bytes();
    assertStatus(Arrays.copyOf(good, 100), ItemStatus.TRUNCATED)
        .hasMessage(
            "the file ends inside the pixel data: 0 of 10 rows are there; it was probably cut off");
    assertStatus(Arrays.copyOf(good, good.length - 70), ItemStatus.TRUNCATED)
        .hasMessage(
            "the file ends inside the pixel data: 8 of 10 rows are there; it was probably cut off");
    assertStatus(Arrays.copyOf(good, 30), ItemStatus.TRUNCATED)
        .hasMessage("the file ends inside the BMP header (16 of its 40 bytes are there)");
    assertStatus(Arrays.copyOf(good, 10), ItemStatus.TRUNCATED)
        .hasMessage("the file ends inside the BMP header, after 10 bytes");
    byte[] far = good.clone();
    setInt(far, 10, 5000);
    assertStatus(far, ItemStatus.TRUNCATED)
        .hasMessage(
            "the pixel data should start at byte 5000 but the file has only 654 bytes;"
                + " it was probably cut off");
    byte[] zeroWidth = good.clone();
    setInt(zeroWidth, 18, 0);
    assertStatus(zeroWidth, ItemStatus.CORRUPT)
        .hasMessage("the header declares an invalid size 0x10");
    byte[] negative = good.clone();
    setInt(negative, 18, -20);
    assertStatus(negative, ItemStatus.CORRUPT)
        .hasMessage("the header declares an invalid size -20x10");
    byte[] zeroMasks =
        new TestBmp(2, 2, 16, new int[4]).compression(BITFIELDS).masks(0, 0, 0).bytes();
    assertStatus(zeroMasks, ItemStatus.CORRUPT)
        .hasMessage("the header's colour masks are all zero");
    byte[] shortTable =
        Arrays.copyOf(
            new TestBmp(2, 2, 8, new int[4]).palette(TestBmp.palette(256, 1)).bytes(), 200);
    assertStatus(shortTable, ItemStatus.TRUNCATED)
        .hasMessage("the file ends inside the BMP colour table");
    // RLE streams that end early: no end of bitmap, or inside an escape.
    TestBmp rle = new TestBmp(4, 2, 8, new int[8]).compression(RLE8).palette(new int[] {0, 0xFF});
    assertStatus(rle.rle(new byte[] {4, 1, 0, 0, 2, 1}).bytes(), ItemStatus.TRUNCATED)
        .hasMessage(
            "the RLE data ends after 6 of 8 pixels, without an end-of-bitmap marker;"
                + " it was probably cut off");
    assertStatus(rle.rle(new byte[] {4, 1, 0, 0, 0, 5, 1, 1}).bytes(), ItemStatus.TRUNCATED)
        .hasMessage(
            "the RLE data ends inside an absolute run of 5 pixels; it was probably cut off");
    assertStatus(rle.rle(new byte[] {4, 1, 0, 2, 1}).bytes(), ItemStatus.TRUNCATED)
        .hasMessage("the RLE data ends inside a delta escape; it was probably cut off");
  }

  /** What kopi does not decode goes to Image I/O: null, never a status. */
  @Test
  void variantsKopiDoesNotDecodeAreDeclined() throws Exception {
    byte[] jpegInside = new TestBmp(2, 2, 24, new int[4]).bytes();
    setInt(jpegInside, 30, 4); // BI_JPEG
    byte[] pngInside = jpegInside.clone();
    setInt(pngInside, 30, 5); // BI_PNG
    byte[] os2 = Arrays.copyOf(new byte[] {'B', 'M'}, 200);
    setInt(os2, 14, 64); // an OS/2 2.x header
    byte[] adobe = os2.clone();
    setInt(adobe, 14, 56);
    byte[] twoBit = new TestBmp(4, 1, 4, new int[4]).palette(TestBmp.palette(16, 1)).bytes();
    twoBit[28] = 2;
    byte[] rleWrongDepth = new TestBmp(4, 1, 8, new int[4]).palette(TestBmp.palette(16, 1)).bytes();
    setInt(rleWrongDepth, 30, RLE4);
    byte[] notBmp =
        "BMW 320d, 2011, low mileage".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (byte[] b :
        new byte[][] {
          jpegInside, pngInside, os2, adobe, twoBit, rleWrongDepth, notBmp, {'B'}, {}
        }) {
      assertThat(BmpDecoder.decode(b, MAX, false, (w, h) -> 1)).isNull();
    }
  }

  @Test
  void argumentsAreValidated() {
    byte[] bmp = new TestBmp(2, 2, 24, new int[4]).bytes();
    assertThatThrownBy(() -> BmpDecoder.decode(bmp, 0, false, (w, h) -> 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPixels >= 1 required but it was 0");
  }

  static void setInt(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >> 8);
    b[at + 2] = (byte) (v >> 16);
    b[at + 3] = (byte) (v >> 24);
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertStatus(
      byte[] bmp, ItemStatus status) {
    return assertThatThrownBy(() -> BmpDecoder.decode(bmp, MAX, false, (w, h) -> 1))
        .isInstanceOfSatisfying(
            ItemException.class,
            e -> {
              assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
              assertThat(e.getCause()).isNull();
            });
  }
}
