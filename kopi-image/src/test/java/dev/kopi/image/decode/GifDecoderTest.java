package dev.kopi.image.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import dev.kopi.image.sample.SampleCorpus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link GifDecoder} on a generated matrix (frame sizes down to 1x1, frames placed inside, beyond
 * and larger than the logical screen, global, local, short, grey-ramp and missing colour tables,
 * transparency, interlacing, every LZW code size from 2 to 8, clear codes often, only when the
 * table fills or never, no end code, codes after the last pixel, sub-blocks of 1 to 255 bytes,
 * extensions and junk before the frame, later frames), each compared with the picture the file
 * means as Pillow shows frame 0, at full size and box-reduced; then hostile input: every prefix,
 * thousands of seeded byte flips, and named damage. {@link GifDecoderPillowTest} compares the same
 * matrix with Pillow.
 */
class GifDecoderTest {
  static final long MAX = ImageDecoder.DEFAULT_MAX_PIXELS;

  private static final Duration BUDGET = Duration.ofSeconds(2);

  /**
   * One file of the matrix: what it exercises, its builder (null for a stream written byte by byte,
   * whose meaning is {@code expected}), its bytes and, when given, the RGB bytes it means.
   */
  record Variant(String label, @Nullable TestGif gif, byte[] bytes, @Nullable Pixels expected) {}

  static List<Variant> variants() {
    List<Variant> out = new ArrayList<>();
    long seed = 1;
    int[][] sizes = {{1, 1}, {7, 3}, {33, 17}, {64, 2}, {3, 70}, {200, 90}};
    for (int colours : new int[] {2, 4, 16, 256}) {
      int bits = Math.max(2, 32 - Integer.numberOfLeadingZeros(colours - 1));
      for (int[] s : sizes) {
        for (boolean interlaced : new boolean[] {false, true}) {
          for (boolean local : new boolean[] {false, true}) {
            TestGif g = TestGif.of(s[0], s[1], TestGif.random(s[0], s[1], colours, seed++));
            int[] table = TestGif.colours(colours, seed++);
            if (local) {
              g.global(TestGif.colours(colours, seed++)).first().local(table);
            } else {
              g.global(table);
            }
            g.first().interlaced(interlaced).codeSize(bits);
            out.add(
                of(
                    String.format(
                        Locale.ROOT,
                        "%d colours %s table, %dx%d%s",
                        colours,
                        local ? "local" : "global",
                        s[0],
                        s[1],
                        interlaced ? " interlaced" : ""),
                    g));
          }
        }
      }
    }
    for (int bits = 2; bits <= 8; bits++) {
      TestGif g = TestGif.of(41, 23, TestGif.random(41, 23, 1 << bits, seed++));
      g.global(TestGif.colours(1 << bits, seed++)).first().codeSize(bits);
      out.add(of("LZW code size " + bits, g));
    }
    // Transparency, with the transparent index used or not.
    for (int t : new int[] {0, 3, 200}) {
      TestGif g = TestGif.of(33, 17, TestGif.random(33, 17, 16, seed++));
      g.global(TestGif.colours(16, seed++)).first().transparent(t);
      out.add(of("transparent index " + t, g));
    }
    // Frames on the screen: inside, beyond its edge, larger, on a 0x0 screen.
    int[][] placements = {{50, 40, 10, 7, 20, 15}, {20, 10, 15, 5, 12, 8}, {5, 5, 0, 0, 30, 20}};
    for (int[] p : placements) {
      for (boolean transparent : new boolean[] {false, true}) {
        TestGif g = new TestGif(p[0], p[1]);
        TestGif.Frame f =
            new TestGif.Frame(p[2], p[3], p[4], p[5], TestGif.random(p[4], p[5], 8, seed++));
        g.frames.add(f);
        g.global(TestGif.colours(8, seed++));
        g.background = 5;
        if (transparent) {
          f.transparent(2);
        }
        out.add(
            of(
                String.format(
                    Locale.ROOT,
                    "a %dx%d frame at (%d, %d) on a %dx%d screen%s",
                    p[4],
                    p[5],
                    p[2],
                    p[3],
                    p[0],
                    p[1],
                    transparent ? ", transparent" : ""),
                g));
      }
    }
    TestGif zeroScreen = new TestGif(0, 0);
    zeroScreen.frames.add(new TestGif.Frame(3, 2, 9, 4, TestGif.random(9, 4, 4, seed++)));
    out.add(
        of("a 9x4 frame at (3, 2) on a 0x0 screen", zeroScreen.global(TestGif.colours(4, seed++))));
    // Colour tables: none (mode L), grey ramps (mode L), short tables with indices beyond them.
    out.add(of("no colour table", TestGif.of(16, 16, TestGif.random(16, 16, 256, seed++))));
    int[] ramp = new int[256];
    for (int i = 0; i < 256; i++) {
      ramp[i] = i * 0x010101;
    }
    out.add(
        of(
            "a global grey ramp",
            TestGif.of(16, 16, TestGif.random(16, 16, 256, seed++)).global(ramp)));
    TestGif rampLocal = TestGif.of(16, 16, TestGif.random(16, 16, 16, seed++));
    rampLocal.global(TestGif.colours(16, seed++)).first().local(Arrays.copyOf(ramp, 16));
    out.add(of("a local grey ramp over a global colour table", rampLocal));
    for (int entries : new int[] {2, 16}) {
      TestGif g = TestGif.of(16, 16, TestGif.random(16, 16, 256, seed++));
      g.global(TestGif.colours(entries, seed++));
      out.add(of("a " + entries + "-entry table, indices up to 255", g));
    }
    // LZW streams.
    int[] big = TestGif.random(300, 200, 256, seed++);
    int[] bigTable = TestGif.colours(256, seed++);
    for (int every : new int[] {1, 2, 100}) {
      TestGif g =
          TestGif.of(50, 20, TestGif.random(50, 20, 16, seed++))
              .global(TestGif.colours(16, seed++));
      g.first().codeSize(4).clearEvery(every);
      out.add(of("a clear code every " + every + " codes", g));
    }
    TestGif deferred = TestGif.of(300, 200, big).global(bigTable);
    deferred.first().deferredClear(true);
    out.add(of("a full table kept, never cleared", deferred));
    TestGif cleared = TestGif.of(300, 200, big).global(bigTable);
    out.add(of("300x200, cleared when the table fills", cleared));
    int[] flat = new int[256 * 64];
    Arrays.fill(flat, 7);
    out.add(
        of("one colour, 256x64 (the longest strings)", TestGif.of(256, 64, flat).global(bigTable)));
    TestGif noEnd =
        TestGif.of(33, 17, TestGif.random(33, 17, 16, seed++)).global(TestGif.colours(16, seed++));
    noEnd.first().endCode(false);
    out.add(of("no end code", noEnd));
    TestGif extra =
        TestGif.of(33, 17, TestGif.random(33, 17, 16, seed++)).global(TestGif.colours(16, seed++));
    extra.first().extraCodes(5);
    out.add(of("codes after the last pixel", extra));
    for (int block : new int[] {1, 7}) {
      TestGif g =
          TestGif.of(33, 17, TestGif.random(33, 17, 16, seed++))
              .global(TestGif.colours(16, seed++));
      g.first().blockSize(block);
      out.add(of(block + "-byte sub-blocks", g));
    }
    // Blocks before the frame, junk between blocks, later frames.
    byte[] comment = {0x21, (byte) 0xFE, 3, 'k', 'o', 'p', 0};
    byte[] netscape = {
      0x21, (byte) 0xFF, 11, 'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0', 3, 1, 0, 0, 0
    };
    byte[] junk = {0x07, 0x00, 0x55};
    TestGif blocks =
        TestGif.of(20, 10, TestGif.random(20, 10, 4, seed++)).global(TestGif.colours(4, seed++));
    blocks.first().codeSize(2);
    blocks.beforeFirst(PngDecoderTest.concat(comment, junk, netscape));
    out.add(of("a comment, junk bytes and an application extension before the frame", blocks));
    TestGif animated =
        TestGif.of(20, 10, TestGif.random(20, 10, 4, seed++)).global(TestGif.colours(4, seed++));
    animated.frames.add(
        new TestGif.Frame(2, 2, 5, 5, TestGif.random(5, 5, 4, seed++)).transparent(1));
    animated.frames.add(
        new TestGif.Frame(0, 0, 20, 10, TestGif.random(20, 10, 4, seed++))
            .local(TestGif.colours(4, seed++)));
    out.add(of("three frames", animated));
    TestGif old =
        TestGif.of(20, 10, TestGif.random(20, 10, 4, seed++)).global(TestGif.colours(4, seed++));
    old.version = "GIF87a";
    out.add(of("GIF87a", old));
    // Code sizes Pillow reads its own way: literal codes only, whose meaning is unambiguous.
    // Codes wider than 8 bits keep their low 8 bits in Pillow (257 shows colour 1).
    for (int bits : new int[] {0, 1, 9, 12}) {
      int[] pixels =
          switch (bits) {
            case 0 -> new int[] {0, 0, 0, 0, 0, 0};
            case 1 -> new int[] {1, 0, 1, 1, 0, 1};
            default -> new int[] {1, 0, 3, 2, 257, 1};
          };
      int clear = 1 << bits;
      TestGif.Bits w = new TestGif.Bits().put(clear, bits + 1);
      for (int p : pixels) {
        w.put(p, bits + 1);
      }
      w.put(clear + 1, bits + 1);
      TestGif g = TestGif.of(3, 2, new int[6]).global(TestGif.colours(4, seed++));
      g.first().codeSize(bits).lzw(w.bytes());
      out.add(
          new Variant(
              "LZW code size " + bits + ", colour codes only", g, g.bytes(), rgb(g, pixels)));
    }
    return out;
  }

  private static Variant of(String label, TestGif g) {
    return new Variant(label, g, g.bytes(), null);
  }

  /** The RGB bytes of {@code pixels} (one per canvas pixel) looked up in g's global table. */
  private static Pixels rgb(TestGif g, int[] pixels) {
    int[] table = Objects.requireNonNull(g.globalTable);
    byte[] out = new byte[3 * pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      int index = pixels[i] & 0xFF;
      int c = index < table.length ? table[index] : index * 0x010101;
      out[3 * i] = (byte) (c >> 16);
      out[3 * i + 1] = (byte) (c >> 8);
      out[3 * i + 2] = (byte) c;
    }
    return new Pixels(out, g.screenWidth, g.screenHeight, 3);
  }

  /**
   * The picture a variant means, as Pillow shows frame 0: the screen grown to hold the frame, index
   * 0 (or the transparent index) outside it, the local table else the global one (padded with black
   * to its power-of-two size; indices beyond it, or without one, are greys).
   */
  static Pixels meaning(Variant v, boolean keepAlpha) {
    Pixels expected = v.expected();
    if (expected != null) {
      return expected;
    }
    TestGif g = Objects.requireNonNull(v.gif());
    TestGif.Frame f = g.first();
    int w = Math.max(g.screenWidth, f.left + f.width);
    int h = Math.max(g.screenHeight, f.top + f.height);
    int[] table = f.localTable != null ? f.localTable : g.globalTable;
    int size = table == null ? 0 : Integer.highestOneBit(Math.max(2, table.length) - 1) * 2;
    int channels = keepAlpha && f.transparent >= 0 ? 4 : 3;
    byte[] out = new byte[w * h * channels];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int fx = x - f.left;
        int fy = y - f.top;
        boolean inside = fx >= 0 && fy >= 0 && fx < f.width && fy < f.height;
        int index = inside ? f.indices[fy * f.width + fx] : Math.max(0, f.transparent);
        int c;
        if (table != null && index < size) {
          c = index < table.length ? table[index] : 0;
        } else {
          c = index * 0x010101;
        }
        int o = (y * w + x) * channels;
        out[o] = (byte) (c >> 16);
        out[o + 1] = (byte) (c >> 8);
        out[o + 2] = (byte) c;
        if (channels == 4) {
          out[o + 3] = index == f.transparent ? 0 : (byte) 0xFF;
        }
      }
    }
    return new Pixels(out, w, h, channels);
  }

  static DecodedImage decode(byte[] gif, boolean keepAlpha, int reduce) throws ItemException {
    DecodedImage d = GifDecoder.decode(gif, MAX, keepAlpha, (w, h) -> reduce);
    assertThat(d).as("declined").isNotNull();
    return Objects.requireNonNull(d);
  }

  @Test
  void everyVariantDecodesToWhatPillowShowsOfTheFirstFrame() throws Exception {
    List<Variant> all = variants();
    assertThat(all).hasSizeGreaterThan(100);
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
      DecoderChecks.assertReducesWhileDecoding(v.label(), v.bytes(), GifDecoderTest::decode);
    }
  }

  @Test
  void modesAreTheOnesPillowNames() throws Exception {
    assertThat(mode("2 colours global table, 7x3"))
        .as("not \"1\", as Image I/O has it")
        .isEqualTo("P");
    assertThat(mode("256 colours global table, 7x3")).isEqualTo("P");
    assertThat(mode("no colour table")).isEqualTo("L");
    assertThat(mode("a global grey ramp")).isEqualTo("L");
    assertThat(mode("a local grey ramp over a global colour table")).isEqualTo("L");
    assertThat(mode("transparent index 3")).isEqualTo("P");
  }

  private static String mode(String label) throws Exception {
    for (Variant v : variants()) {
      if (v.label().equals(label)) {
        return decode(v.bytes(), false, 1).mode();
      }
    }
    throw new AssertionError("no variant " + label);
  }

  /** The sample corpus's GIFs (Image I/O's writer) decode to Image I/O's pixels. */
  @Test
  void imageIoWrittenGifsMatchImageIo() throws Exception {
    for (int seed = 0; seed < 3; seed++) {
      byte[] gif = SampleCorpus.encode(paletted(61 + seed, 37, seed), "gif");
      DecodedImage d = decode(gif, false, 1);
      javax.imageio.ImageReader reader =
          javax.imageio.ImageIO.getImageReadersByFormatName("gif").next();
      try (var in =
          javax.imageio.ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(gif))) {
        reader.setInput(in);
        assertThat(d.pixels().data()).isEqualTo(Rgb.convert(reader.read(0), false).data());
      } finally {
        reader.dispose();
      }
    }
  }

  /** A photo drawn onto a 256-colour palette, as the sample corpus makes its GIFs. */
  static java.awt.image.BufferedImage paletted(int w, int h, long seed) {
    java.awt.image.BufferedImage photo = SampleCorpus.photo(w, h, new Random(seed));
    java.awt.image.BufferedImage p =
        new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_BYTE_INDEXED);
    java.awt.Graphics2D g = p.createGraphics();
    try {
      g.drawImage(photo, 0, 0, null);
    } finally {
      g.dispose();
    }
    return p;
  }

  // ---------------------------------------------------------------------------------------------
  // Hostile input

  static List<Variant> hostileSamples() throws Exception {
    List<Variant> out = new ArrayList<>();
    out.add(new Variant("Image I/O", null, SampleCorpus.encode(paletted(40, 30, 3), "gif"), null));
    for (Variant v : variants()) {
      switch (v.label()) {
        case "16 colours local table, 33x17 interlaced",
            "a 20x15 frame at (10, 7) on a 50x40 screen, transparent",
            "three frames",
            "a clear code every 2 codes",
            "a comment, junk bytes and an application extension before the frame" ->
            out.add(v);
        default -> {}
      }
    }
    assertThat(out).hasSize(6);
    return out;
  }

  /** Every proper prefix is truncated (the trailer is required); below 6 bytes it is no GIF. */
  @Test
  void everyPrefixIsTruncated() throws Exception {
    assertTimeoutPreemptively(
        Duration.ofMinutes(2),
        () -> {
          for (Variant v : hostileSamples()) {
            byte[] full = v.bytes();
            for (int n = 0; n < full.length; n++) {
              byte[] cut = Arrays.copyOf(full, n);
              for (int reduce : new int[] {1, 3}) {
                try {
                  DecodedImage d = GifDecoder.decode(cut, MAX, true, (w, h) -> reduce);
                  assertThat(d)
                      .as("%s cut to %d of %d bytes decoded", v.label(), n, full.length)
                      .isNull();
                  assertThat(n).as("%s cut to %d bytes declined", v.label(), n).isLessThan(6);
                } catch (ItemException e) {
                  assertThat(e.status())
                      .as("%s cut to %d bytes: %s", v.label(), n, e.getMessage())
                      .isEqualTo(ItemStatus.TRUNCATED);
                  assertThat(e.getCause()).as("no decoder bug behind %s", e.getMessage()).isNull();
                }
              }
            }
          }
        });
  }

  /**
   * Seeded damage, three thousand edits per sample (byte flips, half in the first 64 bytes where
   * the structure is; inserted and deleted bytes): every outcome is an image or a status, never
   * another exception, never slow.
   */
  @Test
  void seededDamageEndsInAStatusNeverAnotherException() throws Exception {
    int[] outcomes = new int[4];
    assertTimeoutPreemptively(
        Duration.ofMinutes(3),
        () -> {
          SplittableRandom random = new SplittableRandom(42);
          for (Variant v : hostileSamples()) {
            byte[] full = v.bytes();
            for (int trial = 0; trial < 3000; trial++) {
              byte[] damaged = full.clone();
              StringBuilder how = new StringBuilder();
              int edits = 1 + random.nextInt(3);
              for (int e = 0; e < edits; e++) {
                int at =
                    random.nextBoolean()
                        ? random.nextInt(Math.min(damaged.length, 64))
                        : random.nextInt(damaged.length);
                switch (random.nextInt(4)) {
                  case 0 -> {
                    how.append(String.format(Locale.ROOT, " delete byte %d", at));
                    byte[] d = new byte[damaged.length - 1];
                    System.arraycopy(damaged, 0, d, 0, at);
                    System.arraycopy(damaged, at + 1, d, at, d.length - at);
                    damaged = d.length > 0 ? d : damaged;
                  }
                  case 1 -> {
                    how.append(String.format(Locale.ROOT, " insert at %d", at));
                    byte[] d = new byte[damaged.length + 1];
                    System.arraycopy(damaged, 0, d, 0, at);
                    d[at] = (byte) random.nextInt(256);
                    System.arraycopy(damaged, at, d, at + 1, damaged.length - at);
                    damaged = d;
                  }
                  default -> {
                    int value = random.nextInt(256);
                    how.append(String.format(Locale.ROOT, " byte %d=0x%02X", at, value));
                    damaged[at] = (byte) value;
                  }
                }
              }
              String what = v.label() + ":" + how;
              int reduce = 1 + trial % 3;
              boolean keepAlpha = trial % 2 == 0;
              byte[] file = damaged;
              outcomes[
                  DecoderChecks.hostileOutcome(
                      what,
                      BUDGET,
                      () -> GifDecoder.decode(file, MAX, keepAlpha, (w, h) -> reduce))]++;
            }
          }
        });
    DecoderChecks.assertEveryOutcome(outcomes);
  }

  @Test
  void aHugePictureIsRefusedBeforeAnythingIsAllocated() throws Exception {
    TestGif g = new TestGif(60_000, 60_000).global(TestGif.colours(4, 1));
    g.frames.add(new TestGif.Frame(0, 0, 2, 2, new int[4]).codeSize(2));
    assertStatus(g.bytes(), ItemStatus.TOO_MANY_PIXELS)
        .hasMessage("60000x60000 = 3600.0 Mpx, over the limit of 89.5 Mpx (--max-pixels)");
    // A frame within the limit whose data cannot hold it: refused before its buffer is allocated.
    TestGif frame = new TestGif(9000, 9000).global(TestGif.colours(4, 1));
    frame.frames.add(
        new TestGif.Frame(0, 0, 9000, 9000, new int[4]).codeSize(2).lzw(new byte[] {4, 0}));
    assertStatus(frame.bytes(), ItemStatus.TRUNCATED)
        .hasMessage(
            "the image data (2 bytes) is far too short for a 9000x9000 image; the data ends early");
  }

  @Test
  void damageIsNamed() throws Exception {
    int[] table = TestGif.colours(4, 9);
    // Codes of 3 bits: clear (4), colour 1, then 7 while the next entry is 6.
    TestGif beyond = TestGif.of(2, 2, new int[4]).global(table);
    beyond
        .first()
        .codeSize(2)
        .lzw(new TestGif.Bits().put(4, 3).put(1, 3).put(7, 3).put(5, 3).bytes());
    assertStatus(beyond.bytes(), ItemStatus.CORRUPT)
        .hasMessage(
            "the image data is damaged: LZW code 7 is beyond the table (next entry 6), at pixel 1");
    TestGif afterClear = TestGif.of(2, 2, new int[4]).global(table);
    afterClear.first().codeSize(2).lzw(new TestGif.Bits().put(4, 3).put(6, 3).bytes());
    assertStatus(afterClear.bytes(), ItemStatus.CORRUPT)
        .hasMessage(
            "the image data is damaged: LZW code 6 right after a clear code, where only a colour"
                + " code may come, at pixel 0");
    TestGif early = TestGif.of(2, 2, new int[4]).global(table);
    early.first().codeSize(2).lzw(new TestGif.Bits().put(4, 3).put(1, 3).put(5, 3).bytes());
    assertStatus(early.bytes(), ItemStatus.TRUNCATED)
        .hasMessage(
            "the image data's end code comes after 1 of the first image's 4 pixels; the image is"
                + " incomplete");
    TestGif ends = TestGif.of(2, 2, new int[4]).global(table);
    ends.first().codeSize(2).lzw(new TestGif.Bits().put(4, 3).put(1, 3).bytes());
    assertStatus(ends.bytes(), ItemStatus.TRUNCATED)
        .hasMessage(
            "the image data ends after 1 of the first image's 4 pixels; it was probably cut off");
    byte[] good = TestGif.of(20, 10, TestGif.random(20, 10, 4, 3)).global(table).bytes();
    assertStatus(Arrays.copyOf(good, good.length - 1), ItemStatus.TRUNCATED)
        .hasMessage("the file ends before the GIF trailer; it was probably cut off");
    assertStatus(Arrays.copyOf(good, 40), ItemStatus.TRUNCATED)
        .hasMessageStartingWith("the file ends inside the first image's data, after ");
    assertStatus(Arrays.copyOf(good, 10), ItemStatus.TRUNCATED)
        .hasMessage("the file ends inside the GIF header, after 10 bytes");
    assertStatus(Arrays.copyOf(good, 20), ItemStatus.TRUNCATED)
        .hasMessage("the file ends inside the GIF's global colour table");
    TestGif wide = TestGif.of(2, 2, new int[4]).global(table);
    wide.first().codeSize(13);
    assertStatus(wide.bytes(), ItemStatus.CORRUPT)
        .hasMessage("the first image's LZW code size is 13, beyond GIF's largest, 12");
    TestGif none = new TestGif(4, 4).global(table);
    assertStatus(none.bytes(), ItemStatus.CORRUPT)
        .hasMessage("the GIF file has no image (its trailer comes before any)");
    TestGif empty = new TestGif(4, 4).global(table);
    empty.frames.add(new TestGif.Frame(0, 0, 0, 4, new int[0]));
    // Pillow decodes a zero-width frame at x = 0 as if it were as wide as the screen (and fails
    // on one elsewhere); a user gets nothing from either: corrupt.
    assertStatus(empty.bytes(), ItemStatus.CORRUPT)
        .hasMessage("the first image is empty (0x4 pixels)");
    byte[] shortControl = {0x21, (byte) 0xF9, 2, 1, 0, 0};
    assertStatus(
            TestGif.of(2, 2, new int[4]).global(table).beforeFirst(shortControl).bytes(),
            ItemStatus.CORRUPT)
        .hasMessage("a graphic control extension has 2 bytes instead of 4; the file is damaged");
  }

  /** Not a GIF87a or GIF89a signature: declined, for Image I/O. */
  @Test
  void otherSignaturesAreDeclined() throws Exception {
    for (String s : new String[] {"", "GIF", "GIF89", "GIF88a......", "GIF89b......"}) {
      assertThat(GifDecoder.decode(s.getBytes(StandardCharsets.US_ASCII), MAX, false, (w, h) -> 1))
          .isNull();
    }
  }

  @Test
  void argumentsAreValidated() {
    byte[] gif = TestGif.of(2, 2, new int[4]).bytes();
    assertThatThrownBy(() -> GifDecoder.decode(gif, 0, false, (w, h) -> 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPixels >= 1 required but it was 0");
  }

  @Test
  void interlacedRowsAreStoredByPass() {
    assertThat(GifDecoder.interlacedRows(10)).containsExactly(0, 5, 3, 6, 2, 7, 4, 8, 1, 9);
    assertThat(GifDecoder.interlacedRows(1)).containsExactly(0);
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertStatus(
      byte[] gif, ItemStatus status) {
    return assertThatThrownBy(() -> GifDecoder.decode(gif, MAX, false, (w, h) -> 1))
        .isInstanceOfSatisfying(
            ItemException.class,
            e -> {
              assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
              assertThat(e.getCause()).isNull();
            });
  }
}
