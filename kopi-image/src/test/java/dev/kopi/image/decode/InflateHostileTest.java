package dev.kopi.image.decode;

import static dev.kopi.image.decode.InflateTesting.deflate;
import static dev.kopi.image.decode.InflateTesting.kopi;
import static dev.kopi.image.decode.InflateTesting.randomSteps;
import static dev.kopi.image.decode.InflateTesting.zlib;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kopi.image.decode.InflateTesting.Data;
import dev.kopi.image.decode.InflateTesting.Kind;
import dev.kopi.image.decode.InflateTesting.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Inflate} on invalid and cut streams, against zlib (java.util.zip): every prefix of a few
 * streams, thousands of seeded byte flips, and a hand-made stream for each rule of the format.
 * Agreement means the same outcome (decoded, truncated, the same zlib error, or a preset dictionary
 * asked for) and, unless it is an error, the same output; anything thrown other than {@link
 * Inflate.DataException} is a failure.
 */
class InflateHostileTest {
  /** Output cap for damaged streams: a flip can turn a stream into a small decompression bomb. */
  private static final int CAP = 1 << 21;

  record Sample(String label, byte[] stream) {
    @Override
    public String toString() {
      return label;
    }
  }

  /** Small streams, each reaching other paths of the decoder. */
  static List<Sample> samples() {
    List<Sample> out = new ArrayList<>();
    out.add(new Sample("hand-made stored, fixed and dynamic blocks", smallMixed().toByteArray()));
    out.add(new Sample("zlib 6, text", deflate(Data.TEXT.make(6000, 1), 6, 0)));
    out.add(new Sample("zlib 1, PNG-like", deflate(Data.PNG_LIKE.make(2500, 2), 1, 0)));
    out.add(new Sample("zlib 9, runs", deflate(Data.RUNS.make(20_000, 3), 9, 0)));
    out.add(new Sample("zlib 0, stored", deflate(Data.RANDOM.make(1500, 4), 0, 0)));
    out.add(
        new Sample(
            "zlib 6 Huffman only, random",
            deflate(Data.RANDOM.make(900, 5), 6, Deflater.HUFFMAN_ONLY)));
    return out;
  }

  /**
   * Every prefix ends as truncated, with the bytes zlib produces from the same prefix: the decoder
   * reports truncation only when the bits it needs are missing, never earlier.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void everyPrefixIsTruncatedWithZlibsOutput(Sample sample) {
    byte[] full = sample.stream();
    for (int n = 0; n < full.length; n++) {
      byte[] cut = Arrays.copyOf(full, n);
      Outcome reference = zlib(cut, CAP);
      assertThat(reference.kind()).as("zlib, %d bytes", n).isEqualTo(Kind.TRUNCATED);
      assertThat(kopi(cut, CAP)).as("%d of %d bytes", n, full.length).isEqualTo(reference);
      Outcome stepped = kopi(new Inflate(cut, 0, n), CAP, randomSteps(n, 50), 300);
      assertThat(stepped).as("%d of %d bytes, stepped", n, full.length).isEqualTo(reference);
    }
  }

  /**
   * Seeded damage (one to three bytes replaced, sometimes the stream cut as well) gives zlib's
   * outcome, decoding in one call and in small steps; across the samples every kind of outcome and
   * many of zlib's error messages occur.
   */
  @Test
  void byteFlipsAgreeWithZlib(TestReporter reporter) {
    SplittableRandom random = new SplittableRandom(20_260_101);
    Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
    Map<String, Integer> messages = new TreeMap<>();
    int trials = 0;
    for (Sample sample : samples()) {
      byte[] full = sample.stream();
      for (int trial = 0; trial < 1000; trial++, trials++) {
        byte[] damaged = full.clone();
        int flips = 1 + random.nextInt(3);
        StringBuilder what = new StringBuilder(sample.label());
        for (int f = 0; f < flips; f++) {
          // Half the flips in the first bytes, where the block headers are.
          int at =
              random.nextBoolean()
                  ? random.nextInt(Math.min(full.length, 64))
                  : random.nextInt(full.length);
          int x = 1 + random.nextInt(255);
          damaged[at] ^= (byte) x;
          what.append(", byte ").append(at).append(" ^ ").append(x);
        }
        if (random.nextInt(5) == 0) {
          int n = random.nextInt(damaged.length + 1);
          damaged = Arrays.copyOf(damaged, n);
          what.append(", cut to ").append(n);
        }
        Outcome reference = zlib(damaged, CAP);
        assertAgree(kopi(damaged, CAP), reference, what + ", one call");
        Outcome stepped =
            kopi(new Inflate(damaged, 0, damaged.length), CAP, randomSteps(trial, 300), 1000);
        assertAgree(stepped, reference, what + ", stepped");
        kinds.merge(reference.kind(), 1, Integer::sum);
        if (reference.kind() == Kind.ERROR) {
          messages.merge(reference.message(), 1, Integer::sum);
        }
      }
    }
    reporter.publishEntry(
        "outcomes of " + trials + " damaged streams", kinds + ", errors " + messages);
    assertThat(trials).isEqualTo(6000);
    assertThat(kinds).as("outcomes").containsKeys(Kind.OK, Kind.TRUNCATED, Kind.ERROR);
    assertThat(messages.keySet())
        .as("zlib errors met: %s", messages)
        .contains(
            "invalid block type",
            "invalid stored block lengths",
            "invalid distance too far back",
            "incorrect data check",
            "incorrect header check",
            "invalid code lengths set");
  }

  private static void assertAgree(Outcome got, Outcome reference, String what) {
    if (reference.kind() == Kind.ERROR) {
      // zlib does not say how much it wrote before an error: compare the error only.
      assertThat(got.kind() + ": " + got.message())
          .as(what)
          .isEqualTo("ERROR: " + reference.message());
    } else {
      assertThat(got).as(what).isEqualTo(reference);
    }
  }

  /** Each rule of the format, broken once by hand: kopi and zlib give the same outcome. */
  @Test
  void eachRuleHasZlibsError() {
    // zlib header (RFC 1950): FCHECK, CM, CINFO, FDICT.
    expect(bytes(0x78, 0x9D, 0x03, 0x00), Kind.ERROR, "incorrect header check");
    expect(header(0x77, false), Kind.ERROR, "unknown compression method");
    expect(header(0x88, false), Kind.ERROR, "invalid window size");
    expect(concat(header(0x78, true), bytes(0, 0, 0, 1)), Kind.DICTIONARY, "");
    expect(concat(header(0x78, true), bytes(0, 0, 0)), Kind.TRUNCATED, "");
    // A smaller declared window does not limit distances (zlib checks them only when built with
    // INFLATE_STRICT).
    DeflateWriter small = new DeflateWriter().raw(header(0x08, false));
    small.fixedBlock(true).literals(Data.RANDOM.make(2000, 1)).match(50, 1500).endOfBlock();
    expect(small.adler().toByteArray(), Kind.OK, "");

    // Block types and stored blocks.
    expect(stream(w -> w.bits(1, 1).bits(3, 2)), Kind.ERROR, "invalid block type");
    expect(
        stream(w -> w.bits(1, 1).bits(0, 2).rawBytes(5, 0, 0xFA, 0xFE, 1, 2, 3, 4, 5)),
        Kind.ERROR,
        "invalid stored block lengths");

    // Dynamic headers: symbol counts, the code-length code, repeats.
    expect(
        stream(w -> w.bits(1, 1).bits(2, 2).bits(30, 5).bits(0, 5).bits(0, 4)),
        Kind.ERROR,
        "too many length or distance symbols");
    expect(
        stream(w -> w.bits(1, 1).bits(2, 2).bits(0, 5).bits(30, 5).bits(0, 4)),
        Kind.ERROR,
        "too many length or distance symbols");
    expect(
        dynamicHeaderOnly(precode(0, 1, 8, 1, 9, 1), 257, 1),
        Kind.ERROR,
        "invalid code lengths set");
    expect(dynamicHeaderOnly(precode(8, 1), 257, 1), Kind.ERROR, "invalid code lengths set");
    expect(dynamicHeaderOnly(precode(8, 1, 9, 2), 257, 1), Kind.ERROR, "invalid code lengths set");
    // No code-length code at all: zlib reads every length as 0 from one bit each.
    expect(
        concat(dynamicHeaderOnly(new int[19], 257, 1), new byte[40]),
        Kind.ERROR,
        "invalid code -- missing end-of-block");
    expect(dynamicHeaderOnly(new int[19], 257, 1), Kind.TRUNCATED, ""); // the 258 bits are missing
    int[] repeats = precode(16, 2, 18, 1, 8, 2);
    expect(
        lengths(repeats, 257, 1, new int[][] {{16, 0}}), Kind.ERROR, "invalid bit length repeat");
    expect(
        lengths(repeats, 257, 1, new int[][] {{18, 127}, {18, 127}}),
        Kind.ERROR,
        "invalid bit length repeat");
    expect(repeatAcrossTheBoundary(), Kind.OK, "");

    // The literal/length and distance codes.
    int[] litlen = fixedLike();
    int[] dist = new int[30];
    Arrays.fill(dist, 5);
    dist[0] = 4; // 2 x 1/16 + 28 x 1/32: complete
    dist[1] = 4;
    int[] noEnd = litlen.clone();
    noEnd[256] = 0;
    expect(dynamicOnly(noEnd, dist, 257), Kind.ERROR, "invalid code -- missing end-of-block");
    int[] over = litlen.clone();
    over[0] = 1;
    expect(dynamicOnly(over, dist, 286), Kind.ERROR, "invalid literal/lengths set");
    int[] incomplete = litlen.clone();
    incomplete[0] = 0;
    expect(dynamicOnly(incomplete, dist, 286), Kind.ERROR, "invalid literal/lengths set");
    int[] distOver = dist.clone();
    distOver[0] = 1;
    expect(dynamicOnly(litlen, distOver, 286), Kind.ERROR, "invalid distances set");
    int[] distIncomplete = dist.clone();
    distIncomplete[29] = 0;
    expect(dynamicOnly(litlen, distIncomplete, 286), Kind.ERROR, "invalid distances set");

    // Incomplete codes zlib allows: a single one-bit code. Its other bit pattern is invalid.
    int[] onlyEnd = new int[257];
    onlyEnd[256] = 1;
    int[] oneDist = new int[1];
    oneDist[0] = 1;
    DeflateWriter justEnd = new DeflateWriter().zlibHeader().dynamicBlock(true, onlyEnd, oneDist);
    expect(justEnd.endOfBlock().adler().toByteArray(), Kind.OK, "");
    expect(
        new DeflateWriter()
            .zlibHeader()
            .dynamicBlock(true, onlyEnd, oneDist)
            .code(1, 1)
            .toByteArray(),
        Kind.ERROR,
        "invalid literal/length code");
    int[] withLength = litlen.clone();
    DeflateWriter unusedDistance =
        new DeflateWriter().zlibHeader().dynamicBlock(true, withLength, oneDist);
    unusedDistance.literal(1).lengthCode(3).code(1, 1).bits(0, 16);
    expect(unusedDistance.toByteArray(), Kind.ERROR, "invalid distance code");
    DeflateWriter usedDistance =
        new DeflateWriter().zlibHeader().dynamicBlock(true, withLength, oneDist);
    usedDistance.literal(1).match(3, 1).endOfBlock();
    expect(usedDistance.adler().toByteArray(), Kind.OK, "");
    // No distance code at all: fine for literals, an invalid code when a distance comes.
    int[] noDist = new int[1];
    DeflateWriter literalsOnly =
        new DeflateWriter().zlibHeader().dynamicBlock(true, withLength, noDist);
    expect(literalsOnly.literal(5).literal(6).endOfBlock().adler().toByteArray(), Kind.OK, "");
    DeflateWriter distanceWithoutCode =
        new DeflateWriter().zlibHeader().dynamicBlock(true, withLength, noDist);
    distanceWithoutCode.literal(5).lengthCode(3).bits(0, 16);
    expect(distanceWithoutCode.toByteArray(), Kind.ERROR, "invalid distance code");

    // Fixed blocks reach the symbols dynamic blocks cannot declare.
    for (int symbol : new int[] {286, 287}) {
      expect(
          new DeflateWriter()
              .zlibHeader()
              .fixedBlock(true)
              .symbol(symbol)
              .bits(0, 16)
              .toByteArray(),
          Kind.ERROR,
          "invalid literal/length code");
    }
    for (int symbol : new int[] {30, 31}) {
      DeflateWriter w = new DeflateWriter().zlibHeader().fixedBlock(true).literal(0);
      w.lengthCode(3).distanceSymbol(symbol).bits(0, 16);
      expect(w.toByteArray(), Kind.ERROR, "invalid distance code");
    }

    // Distances: never beyond the output so far.
    expect(
        new DeflateWriter()
            .zlibHeader()
            .fixedBlock(true)
            .lengthCode(3)
            .distanceCode(1)
            .bits(0, 16)
            .toByteArray(),
        Kind.ERROR,
        "invalid distance too far back");
    byte[] noise = Data.RANDOM.make(32_768, 9);
    DeflateWriter tooFar = new DeflateWriter().zlibHeader().fixedBlock(true);
    tooFar.literals(Arrays.copyOf(noise, 32_767)).lengthCode(3).distanceCode(32_768).bits(0, 16);
    expect(tooFar.toByteArray(), Kind.ERROR, "invalid distance too far back");
    DeflateWriter farthest = new DeflateWriter().zlibHeader().fixedBlock(true);
    farthest.literals(noise).match(258, 32_768).endOfBlock();
    expect(farthest.adler().toByteArray(), Kind.OK, "");

    // The end: a missing end-of-block code is a cut stream; the check; data after the end.
    expect(
        new DeflateWriter().zlibHeader().fixedBlock(true).literal(1).literal(2).toByteArray(),
        Kind.TRUNCATED,
        "");
    DeflateWriter end = new DeflateWriter().zlibHeader().fixedBlock(true).literal(1).endOfBlock();
    byte[] good = end.adler().toByteArray();
    byte[] badCheck = good.clone();
    badCheck[badCheck.length - 1] ^= 1;
    expect(badCheck, Kind.ERROR, "incorrect data check");
    expect(Arrays.copyOf(good, good.length - 1), Kind.TRUNCATED, "");
    expect(concat(good, bytes(1, 2, 3)), Kind.OK, "");
    expect(new byte[0], Kind.TRUNCATED, "");
  }

  /** kopi and zlib both end {@code stream} as {@code kind} with {@code message}. */
  private static void expect(byte[] stream, Kind kind, String message) {
    Outcome reference = zlib(stream, CAP);
    Outcome got = kopi(stream, CAP);
    String what = kind + (message.isEmpty() ? "" : ": " + message);
    assertThat(reference.kind() + (reference.message().isEmpty() ? "" : ": " + reference.message()))
        .as("zlib's outcome (this test's premise)")
        .isEqualTo(what);
    assertThat(got.kind() + (got.message().isEmpty() ? "" : ": " + got.message()))
        .as("kopi's outcome")
        .isEqualTo(what);
    if (kind != Kind.ERROR) {
      assertThat(got.output()).isEqualTo(reference.output());
    }
  }

  /** A zlib header with this CMF and a valid FCHECK, with or without FDICT. */
  private static byte[] header(int cmf, boolean dictionary) {
    for (int flg = 0; flg < 256; flg++) {
      if (((flg & 0x20) != 0) == dictionary && ((cmf << 8) | flg) % 31 == 0) {
        return bytes(cmf, flg);
      }
    }
    throw new AssertionError("no FLG for CMF " + cmf);
  }

  private interface Body {
    void write(DeflateWriter w);
  }

  private static byte[] stream(Body body) {
    DeflateWriter w = new DeflateWriter().zlibHeader();
    body.write(w);
    return w.align().rawBytes(0, 0, 0, 0, 0, 0, 0, 0).toByteArray();
  }

  /** Code-length code lengths in symbol order from (symbol, length) pairs. */
  private static int[] precode(int... pairs) {
    int[] lengths = new int[19];
    for (int i = 0; i < pairs.length; i += 2) {
      lengths[pairs[i]] = pairs[i + 1];
    }
    return lengths;
  }

  /** A final dynamic block's header up to and including the code-length code lengths. */
  private static byte[] dynamicHeaderOnly(int[] precode, int nlen, int ndist) {
    DeflateWriter w = new DeflateWriter().zlibHeader().bits(1, 1).bits(2, 2);
    return w.dynamicHeader(nlen, ndist, precode).toByteArray();
  }

  /** A dynamic header, then the given (code-length symbol, extra bits) pairs, then zeros. */
  private static byte[] lengths(int[] precode, int nlen, int ndist, int[][] symbols) {
    DeflateWriter w = new DeflateWriter().zlibHeader().bits(1, 1).bits(2, 2);
    w.dynamicHeader(nlen, ndist, precode);
    int[] codes = DeflateWriter.codes(precode);
    for (int[] s : symbols) {
      w.code(codes[s[0]], precode[s[0]]);
      w.bits(s[1], s[0] == 16 ? 2 : s[0] == 17 ? 3 : s[0] == 18 ? 7 : 0);
    }
    return w.rawBytes(0, 0, 0, 0).toByteArray();
  }

  /** A final dynamic block's header with these lengths (first {@code nlen}), then zero bytes. */
  private static byte[] dynamicOnly(int[] litlen, int[] dist, int nlen) {
    DeflateWriter w = new DeflateWriter().zlibHeader();
    w.dynamicBlock(true, Arrays.copyOf(litlen, nlen), dist);
    return w.rawBytes(0, 0, 0, 0, 0, 0, 0, 0).toByteArray();
  }

  /** Literal/length lengths like the fixed code's, for 286 symbols: complete (8/9/7/8 bits). */
  private static int[] fixedLike() {
    int[] l = Arrays.copyOf(DeflateWriter.fixedLitlenLengths(), 286);
    // Without 286 and 287 (8 bits each) the code is incomplete by 2/256: lengthen nothing,
    // shorten two 8-bit codes to 7 bits instead.
    l[280] = 7;
    l[281] = 7;
    return l;
  }

  /**
   * Repeat code 16 copying the last literal/length code length into the distance lengths: allowed,
   * as zlib reads both as one sequence.
   */
  private static byte[] repeatAcrossTheBoundary() {
    int[] precode = precode(9, 1, 2, 2, 16, 2);
    int[] codes = DeflateWriter.codes(precode);
    DeflateWriter w = new DeflateWriter().zlibHeader().bits(1, 1).bits(2, 2);
    w.dynamicHeader(258, 4, precode);
    for (int i = 0; i < 256; i++) {
      w.code(codes[9], 1);
    }
    w.code(codes[2], 2).code(codes[2], 2); // end of block, length symbol 257
    w.code(codes[16], 2).bits(1, 2); // four more 2s: the four distance codes
    int[] litlen = new int[258];
    Arrays.fill(litlen, 0, 256, 9);
    litlen[256] = 2;
    litlen[257] = 2;
    w.useCodes(litlen, new int[] {2, 2, 2, 2});
    return w.literal('A').match(3, 1).endOfBlock().adler().toByteArray();
  }

  /** A small stream of every block type, for the prefix and flip tests. */
  static DeflateWriter smallMixed() {
    SplittableRandom r = new SplittableRandom(77);
    byte[] noise = Data.RANDOM.make(400, 6);
    DeflateWriter w = new DeflateWriter().zlibHeader();
    w.storedBlock(false, Arrays.copyOf(noise, 50)).fixedBlock(false);
    w.literals(Arrays.copyOfRange(noise, 50, 200));
    for (int i = 1; i < 30; i++) {
      w.match(3 + r.nextInt(40), i).literal(r.nextInt(256));
    }
    w.endOfBlock();
    int[] litlen = new int[286];
    Arrays.fill(litlen, 0, 256, 9);
    Arrays.fill(litlen, 256, 286, 8);
    litlen = DeflateWriter.huffmanLengths(litlen, 15);
    int[] dist = DeflateWriter.huffmanLengths(new int[] {1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5}, 15);
    w.dynamicBlock(false, litlen, Arrays.copyOf(dist, 30));
    for (int i = 0; i < 150; i++) {
      if (r.nextBoolean()) {
        w.literal(r.nextInt(256));
      } else {
        w.match(3 + r.nextInt(100), 1 + r.nextInt(60));
      }
    }
    w.endOfBlock().storedBlock(false, Arrays.copyOfRange(noise, 200, 260));
    w.fixedBlock(true).match(20, 7).literal(3).endOfBlock();
    return w.adler();
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
