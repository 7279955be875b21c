package dev.kopi.image.decode;

import static dev.kopi.image.decode.InflateTesting.deflate;
import static dev.kopi.image.decode.InflateTesting.inPieces;
import static dev.kopi.image.decode.InflateTesting.kopi;
import static dev.kopi.image.decode.InflateTesting.randomSteps;
import static dev.kopi.image.decode.InflateTesting.zlib;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kopi.image.decode.InflateTesting.Data;
import dev.kopi.image.decode.InflateTesting.Kind;
import dev.kopi.image.decode.InflateTesting.Outcome;
import dev.kopi.image.testing.ReferencePython;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Inflate} against zlib (java.util.zip) on valid streams: every level and strategy of zlib's
 * compressor, Python's RLE and fixed-Huffman strategies, hand-made streams reaching the format's
 * limits (distance 32768, length 258, 64 KiB stored blocks), the input in pieces, and the output
 * pulled in steps down to one byte, which stops and resumes the decoder at every position, inside
 * matches and stored blocks too. The output must be zlib's, byte for byte. Invalid streams are in
 * {@link InflateHostileTest}.
 */
class InflateTest {
  private static final int[] STRATEGIES = {
    Deflater.DEFAULT_STRATEGY, Deflater.FILTERED, Deflater.HUFFMAN_ONLY
  };

  static List<Arguments> levelsStrategiesData() {
    List<Arguments> out = new ArrayList<>();
    for (int level = 0; level <= 9; level++) {
      for (int strategy : STRATEGIES) {
        for (Data data : Data.values()) {
          out.add(Arguments.of(level, strategy, data));
        }
      }
    }
    return out;
  }

  /** Every level and strategy, four kinds of data, 0 bytes to 300 KB. */
  @ParameterizedTest(name = "level {0}, strategy {1}, {2}")
  @MethodSource("levelsStrategiesData")
  void decodesWhatZlibCompresses(int level, int strategy, Data data) throws Exception {
    long seed = 31L * level + 7L * strategy + data.ordinal();
    for (int size : new int[] {0, 1, 258, 40_000, 300_000}) {
      byte[] raw = data.make(size, seed + size);
      assertDecodes(deflate(raw, level, strategy), raw, seed, "size " + size);
    }
  }

  /** Several megabytes, as the largest PNGs: one call, and a PngDecoder-sized sliding window. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("severalMegabytes")
  void decodesSeveralMegabytes(Data data, int level, int strategy) throws Exception {
    byte[] raw = data.make(3_500_000, 99 + level);
    byte[] z = deflate(raw, level, strategy);
    assertThat(kopi(z, raw.length + 1)).isEqualTo(ok(raw));
    Outcome windowed =
        kopi(new Inflate(z, 0, z.length), raw.length + 1, () -> Integer.MAX_VALUE, 64 * 1024);
    assertThat(windowed.kind()).isEqualTo(Kind.OK);
    assertThat(windowed.output()).isEqualTo(raw);
  }

  static List<Arguments> severalMegabytes() {
    List<Arguments> out = new ArrayList<>();
    for (Data data : Data.values()) {
      out.add(Arguments.of(data, 1, Deflater.DEFAULT_STRATEGY));
      out.add(Arguments.of(data, 6, Deflater.FILTERED));
      out.add(Arguments.of(data, 9, Deflater.HUFFMAN_ONLY));
    }
    return out;
  }

  /**
   * One output byte per call stops the decoder at every position of a stream of stored, fixed and
   * dynamic blocks: inside stored blocks, inside matches of every distance (1 to 32768, overlapping
   * or not), between a length and its distance, at block boundaries and before the check.
   */
  @Test
  void resumesAtEveryOutputPosition() throws Exception {
    DeflateWriter w = mixedBlocks();
    byte[] z = w.toByteArray();
    byte[] expected = w.expected();
    assertThat(zlib(z, expected.length + 1)).isEqualTo(ok(expected));
    for (int max : new int[] {1, 2, 3, 7, 64, 300, 5000}) {
      Outcome o =
          kopi(new Inflate(z, 0, z.length), expected.length + 1, randomSteps(max, max), 777);
      assertThat(o.kind()).as("steps up to %d", max).isEqualTo(Kind.OK);
      assertThat(o.output()).as("steps up to %d", max).isEqualTo(expected);
    }
  }

  /** zlib's own mixed streams (levels switched mid-stream, sync and full flushes), stepped. */
  @Test
  void resumesAcrossFlushesAndLevelChanges() throws Exception {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    Deflater d = new Deflater(0);
    byte[] buf = new byte[1 << 20];
    SplittableRandom r = new SplittableRandom(5);
    for (int part = 0; part < 24; part++) {
      d.setLevel(part % 10);
      d.setStrategy(STRATEGIES[part % 3]);
      byte[] chunk = Data.values()[part % 4].make(1 + r.nextInt(70_000), part);
      raw.write(chunk);
      d.setInput(chunk);
      int flush = part % 3 == 0 ? Deflater.FULL_FLUSH : Deflater.SYNC_FLUSH;
      int n;
      while ((n = d.deflate(buf, 0, buf.length, flush)) > 0) {
        z.write(buf, 0, n);
      }
    }
    d.finish();
    while (!d.finished()) {
      z.write(buf, 0, d.deflate(buf));
    }
    d.end();
    assertDecodes(z.toByteArray(), raw.toByteArray(), 17, "mixed");
  }

  /** The format's limits: matches at distance 32768 and of length 258, 64 KiB stored blocks. */
  @Test
  void reachesTheFormatsLimits() throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    byte[] first = new byte[32_768];
    r.nextBytes(first);
    byte[] big = new byte[65_535];
    r.nextBytes(big);
    DeflateWriter w = new DeflateWriter().zlibHeader().fixedBlock(false).literals(first);
    w.match(258, 32_768).match(258, 32_768).match(3, 32_768).match(258, 32_767);
    w.match(258, 1).match(258, 2).match(257, 8).match(258, 9).match(4, 32_768);
    w.endOfBlock().storedBlock(false, big).storedBlock(false, new byte[0]);
    w.fixedBlock(true).match(258, 32_768).match(100, 65_535 - 32_768).literal(7).endOfBlock();
    byte[] z = w.adler().toByteArray();
    byte[] expected = w.expected();
    assertThat(zlib(z, expected.length + 1)).isEqualTo(ok(expected));
    assertDecodes(z, expected, 11, "limits");
  }

  /** A dynamic block whose codes are 15 bits long: subtables in both tables. */
  @Test
  void decodesFifteenBitCodes() throws Exception {
    int[] freq = new int[286];
    int[] distFreq = new int[30];
    // Fibonacci-like frequencies make the deepest possible tree, cut to 15 bits.
    long a = 1;
    long b = 1;
    for (int s = 0; s < 286; s++) {
      freq[s] = (int) Math.min(a, 1 << 20);
      long c = Math.min(a + b, 1L << 40);
      a = b;
      b = c;
    }
    for (int s = 0; s < 30; s++) {
      distFreq[s] = 1 << Math.min(s, 20);
    }
    int[] litlen = DeflateWriter.huffmanLengths(freq, 15);
    int[] dist = DeflateWriter.huffmanLengths(distFreq, 15);
    assertThat(max(litlen)).isEqualTo(15);
    assertThat(max(dist)).isEqualTo(15);
    DeflateWriter w = new DeflateWriter().zlibHeader().dynamicBlock(true, litlen, dist);
    SplittableRandom r = new SplittableRandom(8);
    for (int i = 0; i < 5000; i++) {
      w.literal(r.nextInt(256));
    }
    for (int i = 0; i < 3000; i++) {
      if (r.nextBoolean()) {
        w.literal(r.nextInt(256));
      } else {
        w.match(3 + r.nextInt(256), 1 + r.nextInt(5000));
      }
    }
    byte[] z = w.endOfBlock().adler().toByteArray();
    byte[] expected = w.expected();
    assertThat(zlib(z, expected.length + 1)).isEqualTo(ok(expected));
    assertDecodes(z, expected, 12, "15-bit codes");
  }

  /** Streams Python's zlib makes with the strategies java.util.zip does not offer: RLE, FIXED. */
  @Test
  void decodesPythonsRleAndFixedStreams(@TempDir Path dir) throws Exception {
    ReferencePython.require();
    List<byte[]> raws = new ArrayList<>();
    for (Data data : Data.values()) {
      for (int size : new int[] {0, 5, 70_000, 600_000}) {
        byte[] raw = data.make(size, size + data.ordinal());
        Files.write(dir.resolve(raws.size() + ".raw"), raw);
        raws.add(raw);
      }
    }
    String script =
        """
        import sys, zlib, pathlib
        d = pathlib.Path(sys.argv[1])
        for p in sorted(d.glob('*.raw')):
            data = p.read_bytes()
            for name, strategy in (('rle', zlib.Z_RLE), ('fixed', zlib.Z_FIXED)):
                for level in (1, 6, 9):
                    c = zlib.compressobj(level, zlib.DEFLATED, 15, 9, strategy)
                    out = p.with_suffix('.%s%d' % (name, level))
                    out.write_bytes(c.compress(data) + c.flush())
        print('ok')
        """;
    assertThat(ReferencePython.run(script, dir.toString()).strip()).isEqualTo("ok");
    int streams = 0;
    for (int i = 0; i < raws.size(); i++) {
      for (String name : new String[] {"rle", "fixed"}) {
        for (int level : new int[] {1, 6, 9}) {
          byte[] z = Files.readAllBytes(dir.resolve(i + "." + name + level));
          assertDecodes(z, raws.get(i), i * 10L + level, name + level + " of input " + i);
          streams++;
        }
      }
    }
    assertThat(streams).isEqualTo(6 * raws.size());
  }

  /** The input split into up to 300 pieces of one array (some empty), with garbage between. */
  @Test
  void decodesInputInPieces() throws Exception {
    byte[] raw = Data.PNG_LIKE.make(200_000, 4);
    byte[] z = deflate(raw, 6, Deflater.DEFAULT_STRATEGY);
    DeflateWriter w = mixedBlocks();
    byte[] z2 = w.toByteArray();
    for (int pieces : new int[] {1, 2, 3, 30, 300}) {
      for (long seed = 0; seed < 4; seed++) {
        Outcome whole = kopi(inPieces(z, pieces, seed), raw.length + 1, () -> 1 << 30, 300_000);
        assertThat(whole).as("%d pieces", pieces).isEqualTo(ok(raw));
        Outcome stepped = kopi(inPieces(z2, pieces, seed), 1 << 20, randomSteps(seed, 40), 1000);
        assertThat(stepped).as("%d pieces, stepped", pieces).isEqualTo(ok(w.expected()));
      }
    }
    // No pieces at all, or only empty ones: the input ends at once.
    assertThat(kopi(new Inflate(new byte[5], new int[0], 0), 10, () -> 10, 10).kind())
        .isEqualTo(Kind.TRUNCATED);
    assertThat(kopi(new Inflate(new byte[5], new int[] {1, 0, 4, 0}, 2), 10, () -> 10, 10).kind())
        .isEqualTo(Kind.TRUNCATED);
  }

  /** The caller's side of the contract is checked at the door. */
  @Test
  void refusesCallsThatBreakTheContract() throws Exception {
    byte[] raw = Data.TEXT.make(50_000, 1);
    byte[] z = deflate(raw, 6, Deflater.DEFAULT_STRATEGY);
    Inflate inflate = new Inflate(z, 0, z.length);
    byte[] out = new byte[100_000];
    assertThat(inflate.inflate(out, 0, 0)).isZero();
    assertThat(inflate.inflate(out, 0, 100)).isEqualTo(100);
    assertThat(inflate.totalOut()).isEqualTo(100);
    // The 100 bytes of history must be before the write position.
    assertThatThrownBy(() -> inflate.inflate(out, 99, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "off >= min(32768, totalOut()) = 100 required (the output history) but it was 99");
    assertThatThrownBy(() -> inflate.inflate(out, 100, out.length))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(inflate.inflate(out, 100, out.length - 100)).isEqualTo(raw.length - 100);
    assertThat(inflate.finished()).isTrue();
    assertThat(inflate.truncated()).isFalse();
    assertThat(out).startsWith(raw);
    // After the end: nothing more, however often asked.
    assertThat(inflate.inflate(out, 40_000, 100)).isZero();
    assertThat(inflate.inflate(out, 40_000, 100)).isZero();

    assertThatThrownBy(() -> new Inflate(z, 5, z.length))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> new Inflate(z, new int[] {0, 1}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("count in [0, 1] required but it was 2");
  }

  /** Decodes {@code z} every way kopi can be driven and checks each gives {@code raw}, as zlib. */
  private static void assertDecodes(byte[] z, byte[] raw, long seed, String what) {
    assertThat(zlib(z, raw.length + 1)).as("zlib, %s", what).isEqualTo(ok(raw));
    assertThat(kopi(z, raw.length + 1)).as("one call, %s", what).isEqualTo(ok(raw));
    Outcome stepped =
        kopi(new Inflate(z, 0, z.length), raw.length + 1, randomSteps(seed, 3000), 5000);
    assertThat(stepped).as("steps up to 3000 bytes, %s", what).isEqualTo(ok(raw));
    Outcome pieces = kopi(inPieces(z, 7, seed), raw.length + 1, randomSteps(seed, 70_000), 90_000);
    assertThat(pieces).as("7 pieces, %s", what).isEqualTo(ok(raw));
  }

  /** Stored, fixed and dynamic blocks with matches of every kind, by hand. */
  static DeflateWriter mixedBlocks() {
    SplittableRandom r = new SplittableRandom(21);
    byte[] noise = new byte[33_000];
    r.nextBytes(noise);
    DeflateWriter w = new DeflateWriter().zlibHeader();
    w.storedBlock(false, new byte[0]).storedBlock(false, Arrays.copyOf(noise, 1000));
    w.fixedBlock(false).literals(Arrays.copyOfRange(noise, 1000, 33_000));
    for (int distance = 1; distance <= 40; distance++) {
      w.match(3 + r.nextInt(256), distance).literal(r.nextInt(256));
    }
    w.match(258, 32_768).match(3, 32_768).match(10, 32_000).endOfBlock();
    int[] litlen = new int[286];
    int[] dist = new int[30];
    Arrays.fill(litlen, 9);
    Arrays.fill(litlen, 0, 64, 8);
    Arrays.fill(litlen, 256, 286, 7);
    Arrays.fill(dist, 5);
    litlen = DeflateWriter.huffmanLengths(litlen, 15);
    dist = DeflateWriter.huffmanLengths(dist, 15);
    w.dynamicBlock(false, litlen, dist);
    for (int i = 0; i < 3000; i++) {
      if (r.nextInt(3) == 0) {
        w.literal(r.nextInt(256));
      } else {
        w.match(3 + r.nextInt(256), 1 + r.nextInt(32_768));
      }
    }
    w.endOfBlock().storedBlock(false, Arrays.copyOf(noise, 2000));
    w.fixedBlock(true).match(258, 2000).literal(1).endOfBlock();
    return w.adler();
  }

  private static Outcome ok(byte[] raw) {
    return new Outcome(Kind.OK, raw, "");
  }

  private static int max(int[] a) {
    int m = 0;
    for (int v : a) {
      m = Math.max(m, v);
    }
    return m;
  }
}
