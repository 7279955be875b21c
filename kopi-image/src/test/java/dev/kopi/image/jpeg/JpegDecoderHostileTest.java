package dev.kopi.image.jpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input for kopi's JPEG decoder: every prefix of a set of small sample files, a few
 * thousand seeded mutations of them, and hand-made damage, each at every scale. The contract under
 * test: {@link JpegDecoder#decode} returns an image or throws a {@link JpegException}, never
 * anything else, never hangs, and its kind says what happened:
 *
 * <ul>
 *   <li>a proper prefix of a JPEG (at least the two bytes of its SOI marker) is {@code TRUNCATED},
 *       wherever the cut falls: in a header segment, in a marker, inside the entropy-coded data,
 *       just before a restart marker or between a marker's two bytes. Shorter prefixes (empty, or a
 *       lone 0xFF) carry no SOI marker, so they are not recognisable as JPEG: {@code CORRUPT}.
 *   <li>a mutation may decode (damage in the entropy data often does) or fail with any kind; what
 *       it must not do is throw anything else (ArrayIndexOutOfBounds, NegativeArraySize,
 *       Arithmetic, OutOfMemory, StackOverflow...) or run for long. A failure names the seed, the
 *       sample, the scale and the mutation, so that it can be replayed.
 *   <li>crafted damage has one right answer each, asserted with its message.
 * </ul>
 *
 * <p>Every decode is timed: one above {@link #BUDGET} fails with its description, and every loop
 * runs under {@code assertTimeoutPreemptively}, so that an infinite loop is reported (with the
 * input it was working on) rather than hanging the build.
 */
class JpegDecoderHostileTest {
  private static final int[] SCALES = {1, 2, 4, 8};

  /** Pillow's default limit, the CLI's {@code --max-pixels}. */
  private static final long MAX_PIXELS = 89_478_485;

  /** The most one decode of a sample-sized input may take, even on a loaded 2-core machine. */
  private static final Duration BUDGET = Duration.ofSeconds(2);

  /** Generous bound on one test's whole loop: only a hang gets near it. */
  private static final Duration LOOP_BUDGET = Duration.ofMinutes(2);

  private static final Map<String, byte[]> SAMPLES = new LinkedHashMap<>();

  /** What the loop under {@code assertTimeoutPreemptively} is decoding, for the hang report. */
  private static volatile String current = "";

  @BeforeAll
  static void generate() throws IOException {
    BufferedImage rgb = JpegSamples.photo(48, 40, 1, BufferedImage.TYPE_3BYTE_BGR);
    SAMPLES.put(
        "baseline-420", JpegSamples.encode(rgb, JpegSamples.Encoding.of(75, "2x2,1x1,1x1")));
    BufferedImage small = JpegSamples.photo(40, 30, 2, BufferedImage.TYPE_3BYTE_BGR);
    byte[] rst =
        JpegSamples.encode(small, JpegSamples.Encoding.of(90, "1x1,1x1,1x1").withRestart(2));
    SAMPLES.put("444-restart2", rst);
    // Fill bytes (0xFF) may precede any marker: the same file with one before every marker.
    SAMPLES.put("444-restart2-fill", withFillBytes(rst));
    BufferedImage wide = JpegSamples.photo(96, 64, 3, BufferedImage.TYPE_3BYTE_BGR);
    SAMPLES.put(
        "progressive-420",
        JpegSamples.encode(wide, JpegSamples.Encoding.of(80, "2x2,1x1,1x1").withProgressive()));
    // Optimised tables: the shortest code (the one zero padding decodes to) is whatever symbol is
    // most frequent, e.g. a run of zeros, unlike the standard tables.
    SAMPLES.put(
        "optimised-422-restart3",
        JpegSamples.encode(
            small, JpegSamples.Encoding.of(60, "2x1,1x1,1x1").withOptimize().withRestart(3)));
    BufferedImage grey = JpegSamples.photo(56, 40, 4, BufferedImage.TYPE_BYTE_GRAY);
    SAMPLES.put("grey", JpegSamples.encode(grey, JpegSamples.Encoding.of(85, "1x1")));
    SAMPLES.put(
        "grey-progressive",
        JpegSamples.encode(grey, JpegSamples.Encoding.of(85, "1x1").withProgressive()));
    BufferedImage four = JpegSamples.photo(40, 32, 5, BufferedImage.TYPE_INT_ARGB);
    SAMPLES.put(
        "ycck-2112",
        JpegSamples.encodeYcck(four.getRaster(), JpegSamples.Encoding.of(90, "2x2,1x1,1x1,2x2")));
  }

  static Stream<String> samples() {
    return Stream.of(
        "baseline-420",
        "444-restart2",
        "444-restart2-fill",
        "progressive-420",
        "optimised-422-restart3",
        "grey",
        "grey-progressive",
        "ycck-2112");
  }

  // ---------------------------------------------------------------------------------------------
  // Every prefix

  @ParameterizedTest
  @MethodSource("samples")
  void everyProperPrefixIsTruncatedAndTheWholeFileDecodes(String name) {
    byte[] full = sample(name);
    List<String> wrong = new ArrayList<>();
    assertTimeoutPreemptively(
        LOOP_BUDGET,
        () -> {
          for (int scale : SCALES) {
            JpegDecoder.Image image = (JpegDecoder.Image) decode(name, full, scale);
            assertConsistent(image, scale, name);
            for (int n = 0; n < full.length; n++) {
              byte[] prefix = Arrays.copyOf(full, n);
              String where = String.format(Locale.ROOT, "%s at 1/%d cut at %d", name, scale, n);
              Object result = decode(where, prefix, scale);
              JpegException.Kind expected =
                  n < 2 ? JpegException.Kind.CORRUPT : JpegException.Kind.TRUNCATED;
              if (!(result instanceof JpegException e)
                  || e.kind() != expected
                  || (n >= 2 && !String.valueOf(e.getMessage()).contains("cut off"))) {
                wrong.add(where + " of " + full.length + ": " + describe(result));
              }
            }
          }
        },
        () -> "hung on " + current);
    assertThat(wrong)
        .as("prefixes of %s that are not TRUNCATED (cut off), or CORRUPT below 2 bytes", name)
        .isEmpty();
  }

  @Test
  void fillBytesBeforeMarkersChangeNoPixel() {
    byte[] plain = sample("444-restart2");
    byte[] filled = sample("444-restart2-fill");
    assertThat(filled.length).as("one fill byte per marker").isGreaterThan(plain.length + 10);
    for (int scale : SCALES) {
      JpegDecoder.Image a = (JpegDecoder.Image) decode("plain", plain, scale);
      JpegDecoder.Image b = (JpegDecoder.Image) decode("with fill bytes", filled, scale);
      assertThat(b.rgb()).as("at 1/%d", scale).isEqualTo(a.rgb());
    }
  }

  @Test
  void aPrefixWithoutTheSoiMarkerIsNotAJpeg() {
    for (byte[] data : new byte[][] {{}, {(byte) 0xFF}}) {
      assertKind(data, JpegException.Kind.CORRUPT, "not a JPEG file");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Seeded mutations

  /** Four seeds of 2,500 mutants each, every mutant decoded at every scale. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void seededMutationsEndInAnImageOrAJpegException(long seed) {
    List<String> names = samples().toList();
    int[] outcomes = new int[JpegException.Kind.values().length + 1];
    assertTimeoutPreemptively(
        LOOP_BUDGET,
        () -> {
          Random rnd = new Random(seed);
          for (int i = 0; i < 2500; i++) {
            String name = names.get(rnd.nextInt(names.size()));
            StringBuilder how = new StringBuilder();
            byte[] mutant = mutate(sample(name), rnd, how);
            for (int scale : SCALES) {
              String where =
                  String.format(
                      Locale.ROOT,
                      "seed %d mutant %d of %s at 1/%d: %s",
                      seed,
                      i,
                      name,
                      scale,
                      how);
              Object result = decode(where, mutant, scale);
              if (result instanceof JpegDecoder.Image image) {
                assertConsistent(image, scale, where);
                outcomes[outcomes.length - 1]++;
              } else {
                outcomes[((JpegException) result).kind().ordinal()]++;
              }
            }
          }
        },
        () -> "hung on " + current);
    // The mutations reach past the header: some decode, some are corrupt, some truncated.
    assertThat(outcomes[outcomes.length - 1]).as("decoded mutants").isPositive();
    assertThat(outcomes[JpegException.Kind.CORRUPT.ordinal()]).as("corrupt mutants").isPositive();
    assertThat(outcomes[JpegException.Kind.TRUNCATED.ordinal()])
        .as("truncated mutants")
        .isPositive();
  }

  private static final int[] MARKERS = {
    0x00, 0x01, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC9, 0xCC, 0xD0, 0xD1, 0xD7, 0xD8, 0xD9, 0xDA, 0xDB,
    0xDC, 0xDD, 0xE0, 0xEE, 0xFE, 0xFF
  };

  /**
   * One to four edits: byte flips (bias to the header, where structure lives), insertions,
   * deletions, injected markers, copied spans and a 16-bit field set to an extreme. Appends what it
   * did to {@code how}.
   */
  static byte[] mutate(byte[] original, Random rnd, StringBuilder how) {
    byte[] b = original.clone();
    int header = headerLength(original);
    int edits = 1 + rnd.nextInt(4);
    for (int e = 0; e < edits; e++) {
      if (how.length() > 0) {
        how.append("; ");
      }
      int len = b.length;
      int at = rnd.nextBoolean() ? rnd.nextInt(Math.min(len, header)) : rnd.nextInt(len);
      switch (rnd.nextInt(7)) {
        case 0 -> {
          int v = rnd.nextInt(256);
          how.append(String.format(Locale.ROOT, "byte %d 0x%02X->0x%02X", at, b[at] & 0xFF, v));
          b[at] = (byte) v;
        }
        case 1 -> {
          int bit = rnd.nextInt(8);
          how.append(String.format(Locale.ROOT, "flip bit %d of byte %d", bit, at));
          b[at] ^= (byte) (1 << bit);
        }
        case 2 -> {
          int n = 1 + rnd.nextInt(4);
          byte[] ins = new byte[n];
          rnd.nextBytes(ins);
          how.append("insert ").append(hex(ins)).append(" at ").append(at);
          b = splice(b, at, 0, ins);
        }
        case 3 -> {
          int n = 1 + rnd.nextInt(Math.min(16, len - at));
          how.append(String.format(Locale.ROOT, "delete %d bytes at %d", n, at));
          b = splice(b, at, n, new byte[0]);
        }
        case 4 -> {
          byte[] marker = {(byte) 0xFF, (byte) MARKERS[rnd.nextInt(MARKERS.length)]};
          how.append("inject ").append(hex(marker)).append(" at ").append(at);
          b = splice(b, at, 0, marker);
        }
        case 5 -> {
          int from = rnd.nextInt(len);
          int n = 1 + rnd.nextInt(Math.min(64, len - from));
          how.append(String.format(Locale.ROOT, "copy %d bytes from %d to %d", n, from, at));
          b = splice(b, at, 0, Arrays.copyOfRange(b, from, from + n));
        }
        default -> {
          int v = rnd.nextBoolean() ? 0xFFFF : rnd.nextInt(4);
          int p = Math.min(at, len - 2);
          how.append(String.format(Locale.ROOT, "u16 at %d = %d", p, v));
          b[p] = (byte) (v >> 8);
          b[p + 1] = (byte) v;
        }
      }
    }
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  // Crafted damage, one right answer each

  @Test
  void aHugeHeaderIsRefusedBeforeAnyDataIsRead() {
    byte[] data = sample("baseline-420");
    int sof = find(data, 0xC0);
    setU16(data, sof + 5, 65535); // height
    setU16(data, sof + 7, 65535); // width
    assertTimeoutPreemptively(
        Duration.ofSeconds(1),
        () ->
            assertKind(
                data, JpegException.Kind.TOO_MANY_PIXELS, "65535x65535 = 4294.8 Mpx, over the"));
  }

  /**
   * With no limit from the caller, a frame whose buffers would not fit in Java arrays is refused
   * from its header too (at 1/8 this one fits, and the caller asked for no limit).
   */
  @Test
  void aHeaderTooLargeForArraysIsRefusedEvenWithoutALimit() {
    byte[] data = sample("progressive-420");
    int sof = find(data, 0xC2);
    setU16(data, sof + 5, 65535);
    setU16(data, sof + 7, 65535);
    for (int scale : new int[] {1, 2, 4}) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(5),
          () ->
              assertThatThrownBy(() -> JpegDecoder.decode(data, Long.MAX_VALUE, (w, h) -> scale))
                  .isInstanceOfSatisfying(
                      JpegException.class,
                      e -> {
                        assertThat(e.kind()).isEqualTo(JpegException.Kind.TOO_MANY_PIXELS);
                        assertThat(e.getMessage()).contains("too large");
                      }));
    }
  }

  /**
   * A header within the pixel limit but far beyond what the file's bytes can code (at least one bit
   * per block) is refused before its buffers are allocated: 7,000 x 7,000 progressive 4:2:0 would
   * claim about 150 MB of coefficients from a file of a few hundred bytes.
   */
  @Test
  void aHeaderDeclaringMoreBlocksThanTheDataCanHoldIsRefusedBeforeAllocating() {
    byte[] data = sample("progressive-420");
    int sof = find(data, 0xC2);
    setU16(data, sof + 5, 7000);
    setU16(data, sof + 7, 7000);
    assertTimeoutPreemptively(
        Duration.ofSeconds(1),
        () -> assertKind(data, JpegException.Kind.TRUNCATED, "cannot hold that many blocks"));
  }

  @Test
  void arithmeticCodingIsUnsupported() {
    byte[] data = sample("baseline-420");
    data[find(data, 0xC0) + 1] = (byte) 0xC9;
    assertKind(data, JpegException.Kind.UNSUPPORTED, "arithmetic-coded JPEG");
  }

  @Test
  void losslessIsUnsupported() {
    byte[] data = sample("baseline-420");
    data[find(data, 0xC0) + 1] = (byte) 0xC3;
    assertKind(data, JpegException.Kind.UNSUPPORTED, "lossless or hierarchical JPEG (SOF3)");
  }

  @Test
  void twelveBitPrecisionIsUnsupported() {
    byte[] data = sample("baseline-420");
    data[find(data, 0xC0) + 4] = 12;
    assertKind(data, JpegException.Kind.UNSUPPORTED, "12-bit JPEG");
  }

  @Test
  void aHuffmanTableWithMoreCodesThanItsLengthsAllowIsCorrupt() {
    byte[] data = sample("baseline-420");
    int dht = find(data, 0xC4);
    // Keep the table's symbol count (so the segment still parses) but put three codes at length
    // 1, where only two fit.
    int counts = dht + 5;
    int total = 0;
    for (int i = 0; i < 16; i++) {
      total += data[counts + i] & 0xFF;
      data[counts + i] = 0;
    }
    data[counts] = 3;
    data[counts + 1] = (byte) (total - 3);
    assertKind(data, JpegException.Kind.CORRUPT, "more codes than its code lengths allow");
  }

  @Test
  void aDcTableWithASymbolAbove15IsCorrupt() {
    byte[] data = sample("baseline-420");
    int dht = find(data, 0xC4);
    assertThat(data[dht + 4]).as("the first table is DC table 0").isEqualTo((byte) 0x00);
    int total = 0;
    for (int i = 0; i < 16; i++) {
      total += data[dht + 5 + i] & 0xFF;
    }
    data[dht + 21 + total - 1] = (byte) 200; // the DC table's last symbol: a 200-bit difference
    // The symbol's code may not occur in this small image's data; every scale checks the table.
    assertKind(data, JpegException.Kind.CORRUPT, "a DC Huffman table has a symbol above 15");
  }

  @Test
  void aScanNamingAnUndefinedComponentIsCorrupt() {
    byte[] data = sample("baseline-420");
    int sos = find(data, 0xDA);
    data[sos + 5] = 9; // the first scan component's selector
    assertKind(data, JpegException.Kind.CORRUPT, "a scan names an unknown or repeated component");
  }

  @Test
  void aMissingEndMarkerAfterCompleteDataIsTruncated() {
    byte[] full = sample("baseline-420");
    assertThat(full[full.length - 1]).isEqualTo((byte) 0xD9);
    assertKind(
        Arrays.copyOf(full, full.length - 2), JpegException.Kind.TRUNCATED, "probably cut off");
  }

  @Test
  void extraneousBytesBeforeTheEndMarkerAreCorrupt() {
    byte[] full = sample("baseline-420");
    byte[] data = splice(full, full.length - 2, 0, new byte[] {0x12, 0x34, 0x56});
    assertKind(data, JpegException.Kind.CORRUPT, "3 extraneous bytes before a marker");
  }

  @Test
  void extraneousBytesBetweenHeaderSegmentsAreCorrupt() {
    byte[] full = sample("baseline-420");
    int sof = find(full, 0xC0);
    byte[] data = splice(full, sof, 0, new byte[] {0x12});
    assertKind(
        data,
        JpegException.Kind.CORRUPT,
        String.format(Locale.ROOT, "expected a marker at byte %d, found 0x12", sof));
  }

  @Test
  void aWrongRestartMarkerNumberIsCorrupt() {
    byte[] data = sample("444-restart2");
    int rst0 = find(data, 0xD0);
    data[rst0 + 1] = (byte) 0xD3;
    assertKind(data, JpegException.Kind.CORRUPT, "expected restart marker RST0, found marker 0xD3");
  }

  @Test
  void aZeroWidthIsCorrupt() {
    byte[] data = sample("baseline-420");
    setU16(data, find(data, 0xC0) + 7, 0);
    assertKind(data, JpegException.Kind.CORRUPT, "declares a width of 0");
  }

  /**
   * A progressive file whose scans all skip the chroma components (found by fuzzing, with the
   * chroma quantisation table gone too): those components have no coefficients, so they come out as
   * a flat 128 as in libjpeg, and the picture is grey, table or no table.
   */
  @Test
  void progressiveComponentsThatNoScanCoversAreNeutral() {
    byte[] lumaOnly = onlyScansOf(sample("progressive-420"), 1);
    byte[] noChromaTable = lumaOnly.clone();
    int dqt = find(noChromaTable, 0xDB);
    int second = dqt + 2 + u16(noChromaTable, dqt + 2);
    assertThat(noChromaTable[second + 1]).as("a second DQT, table 1").isEqualTo((byte) 0xDB);
    assertThat(noChromaTable[second + 4]).isEqualTo((byte) 1);
    noChromaTable[second + 1] = (byte) 0xED; // now an APP13 segment, skipped
    for (byte[] data : new byte[][] {lumaOnly, noChromaTable}) {
      for (int scale : SCALES) {
        Object result = decode("luma scans only at 1/" + scale, data, scale);
        assertThat(result)
            .as("at 1/%d: %s", scale, describe(result))
            .isInstanceOf(JpegDecoder.Image.class);
        byte[] rgb = ((JpegDecoder.Image) result).rgb();
        for (int i = 0; i < rgb.length; i += 3) {
          if (rgb[i] != rgb[i + 1] || rgb[i] != rgb[i + 2]) {
            fail("pixel %d at 1/%d is not grey", i / 3, scale);
          }
        }
      }
    }
  }

  @Test
  void garbageInsideTheEntropyDataIsCorruptNotTruncated() {
    byte[] data = sample("progressive-420");
    int sos = find(data, 0xDA);
    int start = sos + 2 + u16(data, sos + 2);
    Random rnd = new Random(7);
    for (int i = start; i < start + 40; i++) {
      data[i] = (byte) rnd.nextInt(0xFF); // never 0xFF: no marker is created
    }
    assertKind(data, JpegException.Kind.CORRUPT, "corrupt");
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** A copy of the sample called {@code name}. */
  private static byte[] sample(String name) {
    byte[] b = SAMPLES.get(name);
    if (b == null) {
      throw new IllegalArgumentException("no sample " + name);
    }
    return b.clone();
  }

  /**
   * Decodes at {@code scale}, timing the call; returns the image or the {@link JpegException}.
   * Anything else thrown, or a decode slower than {@link #BUDGET}, fails the test naming {@code
   * where}.
   */
  private static Object decode(String where, byte[] data, int scale) {
    current = where;
    long t0 = System.nanoTime();
    Object result;
    try {
      result = JpegDecoder.decode(data, MAX_PIXELS, (w, h) -> scale);
    } catch (JpegException e) {
      result = e;
    } catch (Throwable t) { // the point of the test: nothing else may escape
      throw new AssertionError(
          "not a JpegException from " + where + ":\n  " + t + "\n  input: " + hex(data), t);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (ms > BUDGET.toMillis()) {
      fail("decoding %s took %d ms, over the budget of %d ms", where, ms, BUDGET.toMillis());
    }
    return result;
  }

  private static void assertConsistent(JpegDecoder.Image image, int scale, String where) {
    assertThat(image.scale()).as(where).isEqualTo(scale);
    assertThat(image.width())
        .as(where)
        .isEqualTo((image.storedWidth() + scale - 1) / scale)
        .isPositive();
    assertThat(image.height())
        .as(where)
        .isEqualTo((image.storedHeight() + scale - 1) / scale)
        .isPositive();
    assertThat(image.rgb()).as(where).hasSize(3 * image.width() * image.height());
  }

  private static void assertKind(byte[] data, JpegException.Kind kind, String message) {
    for (int scale : SCALES) {
      String where = kind + " at 1/" + scale;
      Object result = decode(where, data, scale);
      assertThat(result).as(where).isInstanceOf(JpegException.class);
      JpegException e = (JpegException) result;
      assertThat(e.kind()).as("%s: %s", where, e.getMessage()).isEqualTo(kind);
      assertThat(e.getMessage()).as(where).contains(message);
    }
  }

  private static String describe(Object result) {
    return result instanceof JpegException e
        ? e.kind() + " (" + e.getMessage() + ")"
        : "decoded an image";
  }

  /** The position of the first {@code FF marker} (header markers are found before the data). */
  private static int find(byte[] data, int marker) {
    for (int i = 0; i + 1 < data.length; i++) {
      if (data[i] == (byte) 0xFF && (data[i + 1] & 0xFF) == marker) {
        return i;
      }
    }
    throw new AssertionError(String.format(Locale.ROOT, "no marker 0x%02X", marker));
  }

  /** Bytes up to the end of the first scan header, where mutations of structure matter most. */
  private static int headerLength(byte[] data) {
    int sos = find(data, 0xDA);
    return sos + 2 + u16(data, sos + 2);
  }

  private static int u16(byte[] data, int at) {
    return (data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF);
  }

  private static void setU16(byte[] data, int at, int v) {
    data[at] = (byte) (v >> 8);
    data[at + 1] = (byte) v;
  }

  private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
    byte[] out = new byte[b.length - remove + insert.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
    return out;
  }

  /**
   * Inserts a fill byte before every marker but SOI: before each header segment, each restart
   * marker and the end marker. Segments are walked by their lengths, so that 0xFF inside a table is
   * left alone.
   */
  private static byte[] withFillBytes(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(data, 0, 2);
    int p = 2;
    while (p < data.length) {
      int marker = data[p + 1] & 0xFF;
      out.write(0xFF);
      if (marker == 0xD9) {
        out.write(data, p, data.length - p);
        break;
      }
      int end = p + 2 + u16(data, p + 2);
      out.write(data, p, end - p);
      p = end;
      if (marker == 0xDA) {
        // Entropy-coded data up to the next marker that is not a restart marker.
        while (!(data[p] == (byte) 0xFF
            && data[p + 1] != 0
            && ((data[p + 1] & 0xFF) < 0xD0 || (data[p + 1] & 0xFF) > 0xD7))) {
          if (data[p] == (byte) 0xFF && data[p + 1] != 0) {
            out.write(0xFF); // before a restart marker
          }
          out.write(data[p]);
          p++;
        }
      }
    }
    return out.toByteArray();
  }

  /** {@code data} without the scans (header and entropy-coded data) of any other component. */
  private static byte[] onlyScansOf(byte[] data, int componentId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(data, 0, 2);
    int p = 2;
    while (p < data.length) {
      int marker = data[p + 1] & 0xFF;
      if (marker == 0xD9) {
        out.write(data, p, data.length - p);
        break;
      }
      int end = p + 2 + u16(data, p + 2);
      if (marker == 0xDA) {
        // Entropy-coded data up to the next marker that is not a restart marker.
        while (!(data[end] == (byte) 0xFF
            && data[end + 1] != 0
            && ((data[end + 1] & 0xFF) < 0xD0 || (data[end + 1] & 0xFF) > 0xD7))) {
          end++;
        }
        boolean keep = data[p + 4] == 1 && data[p + 5] == componentId;
        if (keep) {
          out.write(data, p, end - p);
        }
      } else {
        out.write(data, p, end - p);
      }
      p = end;
    }
    return out.toByteArray();
  }

  private static String hex(byte[] data) {
    StringBuilder s = new StringBuilder();
    for (byte b : data) {
      s.append(String.format(Locale.ROOT, "%02X", b & 0xFF));
    }
    return s.toString();
  }
}
