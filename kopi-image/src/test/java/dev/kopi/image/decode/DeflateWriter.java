package dev.kopi.image.decode;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.Adler32;

/**
 * Writes zlib streams bit by bit, for what no compressor emits: distances of exactly 32768, fixed
 * Huffman blocks on demand, and every kind of invalid stream. It tracks the output a decoder should
 * produce for the literals, matches and stored blocks written through it ({@link #expected()}).
 *
 * <p>Bits go out least significant first, Huffman codes most significant bit first (RFC 1951
 * 3.1.1). The literal/length and distance codes in force are the fixed ones after {@link
 * #fixedBlock} and those given to {@link #dynamicBlock}.
 */
final class DeflateWriter {
  private static final int[] LENGTH_BASE = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258
  };
  private static final int[] LENGTH_EXTRA = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
  };
  private static final int[] DIST_BASE = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
    3073, 4097, 6145, 8193, 12289, 16385, 24577
  };
  private static final int[] DIST_EXTRA = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
  };
  static final int[] PRECODE_ORDER = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  };

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private long acc;
  private int accBits;
  private final ByteArrayOutputStream expected = new ByteArrayOutputStream();
  private byte[] history = new byte[0];
  private int[] litlenLengths = fixedLitlenLengths();
  private int[] litlenCodes = codes(litlenLengths);
  private int[] distLengths = fixedDistLengths();
  private int[] distCodes = codes(distLengths);

  /** The usual zlib header, 0x78 0x9C (32 KiB window, default level, no dictionary). */
  DeflateWriter zlibHeader() {
    return rawBytes(0x78, 0x9C);
  }

  /** {@code count} bits of {@code value}, least significant first. */
  DeflateWriter bits(long value, int count) {
    for (int i = 0; i < count; i++) {
      acc |= ((value >>> i) & 1) << accBits;
      accBits++;
      if (accBits == 8) {
        bytes.write((int) acc);
        acc = 0;
        accBits = 0;
      }
    }
    return this;
  }

  /** A Huffman code of {@code length} bits, most significant bit first. */
  DeflateWriter code(int code, int length) {
    for (int i = length - 1; i >= 0; i--) {
      bits((code >>> i) & 1, 1);
    }
    return this;
  }

  /** Zero bits up to the next byte boundary. */
  DeflateWriter align() {
    if (accBits > 0) {
      bits(0, 8 - accBits);
    }
    return this;
  }

  /** Whole bytes (after aligning). */
  DeflateWriter rawBytes(int... values) {
    align();
    for (int v : values) {
      bytes.write(v);
    }
    return this;
  }

  /** Whole bytes (after aligning). */
  DeflateWriter raw(byte[] values) {
    align();
    bytes.write(values, 0, values.length);
    return this;
  }

  /** A stored block holding {@code data}. */
  DeflateWriter storedBlock(boolean last, byte[] data) {
    bits(last ? 1 : 0, 1).bits(0, 2).align();
    int n = data.length;
    rawBytes(n & 0xFF, n >>> 8, ~n & 0xFF, (~n >>> 8) & 0xFF);
    bytes.write(data, 0, n);
    produce(data);
    return this;
  }

  /** A fixed Huffman block's header; its symbols follow. */
  DeflateWriter fixedBlock(boolean last) {
    bits(last ? 1 : 0, 1).bits(1, 2);
    litlenLengths = fixedLitlenLengths();
    litlenCodes = codes(litlenLengths);
    distLengths = fixedDistLengths();
    distCodes = codes(distLengths);
    return this;
  }

  /**
   * A dynamic block's header for these code lengths, sent with a code-length code of symbols 0-15
   * only (no repeats); its symbols follow, coded with them.
   */
  DeflateWriter dynamicBlock(boolean last, int[] litlen, int[] dist) {
    bits(last ? 1 : 0, 1).bits(2, 2);
    int[] all = concat(litlen, dist);
    int[] precodeLengths = new int[19];
    int[] freq = new int[19];
    for (int l : all) {
      freq[l]++;
    }
    // A complete code over the symbols used: lengths from a simple Huffman construction.
    int[] lens = huffmanLengths(freq, 7);
    System.arraycopy(lens, 0, precodeLengths, 0, 19);
    dynamicHeader(litlen.length, dist.length, precodeLengths);
    int[] pc = codes(precodeLengths);
    for (int l : all) {
      code(pc[l], precodeLengths[l]);
    }
    litlenLengths = litlen.clone();
    litlenCodes = codes(litlenLengths);
    distLengths = dist.clone();
    distCodes = codes(distLengths);
    return this;
  }

  /** Codes the following symbols with these lengths (after a header written by hand). */
  DeflateWriter useCodes(int[] litlen, int[] dist) {
    litlenLengths = litlen.clone();
    litlenCodes = codes(litlenLengths);
    distLengths = dist.clone();
    distCodes = codes(distLengths);
    return this;
  }

  /** HLIT, HDIST, HCLEN and the code-length code lengths (in symbol order; trailing zeros cut). */
  DeflateWriter dynamicHeader(int nlen, int ndist, int[] precodeLengths) {
    int ncode = 19;
    while (ncode > 4 && precodeLengths[PRECODE_ORDER[ncode - 1]] == 0) {
      ncode--;
    }
    bits(nlen - 257, 5).bits(ndist - 1, 5).bits(ncode - 4, 4);
    for (int i = 0; i < ncode; i++) {
      bits(precodeLengths[PRECODE_ORDER[i]], 3);
    }
    return this;
  }

  /** Literal {@code b} in the current code. */
  DeflateWriter literal(int b) {
    symbol(b);
    produce(new byte[] {(byte) b});
    return this;
  }

  /** Literals, one per byte. */
  DeflateWriter literals(byte[] data) {
    for (byte b : data) {
      literal(b & 0xFF);
    }
    return this;
  }

  /** A match in the current codes; its bytes are tracked (a valid distance is assumed). */
  DeflateWriter match(int length, int distance) {
    lengthCode(length);
    distanceCode(distance);
    byte[] h = history;
    byte[] copy = new byte[length];
    int n = h.length;
    for (int i = 0; i < length; i++) {
      int from = n - distance + i;
      copy[i] = from < n ? h[from] : copy[from - n];
    }
    produce(copy);
    return this;
  }

  /** Only the length symbol and its extra bits (for invalid streams). */
  DeflateWriter lengthCode(int length) {
    int i = 28;
    while (LENGTH_BASE[i] > length) {
      i--;
    }
    symbol(257 + i);
    return bits(length - LENGTH_BASE[i], LENGTH_EXTRA[i]);
  }

  /** Only the distance symbol and its extra bits (for invalid streams). */
  DeflateWriter distanceCode(int distance) {
    int i = 29;
    while (DIST_BASE[i] > distance) {
      i--;
    }
    if (distLengths[i] == 0) {
      throw new IllegalArgumentException("distance symbol " + i + " has no code");
    }
    code(distCodes[i], distLengths[i]);
    return bits(distance - DIST_BASE[i], DIST_EXTRA[i]);
  }

  /** Distance symbol {@code sym} with zero extra bits (for invalid streams). */
  DeflateWriter distanceSymbol(int sym) {
    return code(distCodes[sym], distLengths[sym]);
  }

  /** Literal/length symbol {@code sym} of the current code, without its extra bits. */
  DeflateWriter symbol(int sym) {
    if (litlenLengths[sym] == 0) {
      throw new IllegalArgumentException("symbol " + sym + " has no code");
    }
    return code(litlenCodes[sym], litlenLengths[sym]);
  }

  DeflateWriter endOfBlock() {
    return symbol(256);
  }

  /** The Adler-32 of the tracked output, big-endian, after aligning. */
  DeflateWriter adler() {
    return adler(adlerOf(expected()));
  }

  DeflateWriter adler(int value) {
    return rawBytes(value >>> 24, (value >>> 16) & 0xFF, (value >>> 8) & 0xFF, value & 0xFF);
  }

  /** The stream so far (a partial last byte padded with zeros). */
  byte[] toByteArray() {
    byte[] whole = bytes.toByteArray();
    if (accBits == 0) {
      return whole;
    }
    byte[] out = Arrays.copyOf(whole, whole.length + 1);
    out[whole.length] = (byte) acc;
    return out;
  }

  /** The output a decoder should produce for what was written. */
  byte[] expected() {
    return expected.toByteArray();
  }

  static int adlerOf(byte[] data) {
    Adler32 a = new Adler32();
    a.update(data);
    return (int) a.getValue();
  }

  private void produce(byte[] data) {
    expected.write(data, 0, data.length);
    byte[] h = Arrays.copyOf(history, history.length + data.length);
    System.arraycopy(data, 0, h, history.length, data.length);
    history = h.length > 65_536 ? Arrays.copyOfRange(h, h.length - 32_768, h.length) : h;
  }

  /** Canonical Huffman codes for these lengths (RFC 1951 3.2.2). */
  static int[] codes(int[] lengths) {
    int[] count = new int[16];
    for (int l : lengths) {
      count[l]++;
    }
    count[0] = 0;
    int[] next = new int[16];
    int code = 0;
    for (int bits = 1; bits < 16; bits++) {
      code = (code + count[bits - 1]) << 1;
      next[bits] = code;
    }
    int[] codes = new int[lengths.length];
    for (int i = 0; i < lengths.length; i++) {
      if (lengths[i] != 0) {
        codes[i] = next[lengths[i]]++;
      }
    }
    return codes;
  }

  static int[] fixedLitlenLengths() {
    int[] l = new int[288];
    Arrays.fill(l, 0, 144, 8);
    Arrays.fill(l, 144, 256, 9);
    Arrays.fill(l, 256, 280, 7);
    Arrays.fill(l, 280, 288, 8);
    return l;
  }

  static int[] fixedDistLengths() {
    int[] l = new int[32];
    Arrays.fill(l, 5);
    return l;
  }

  /**
   * Complete code lengths (at most {@code maxBits}) for the symbols with a non-zero frequency: a
   * plain Huffman construction, then lengths over the limit clamped and the code refilled. Enough
   * for test streams; one used symbol gets a one-bit code with a second, unused one.
   */
  static int[] huffmanLengths(int[] freq, int maxBits) {
    int n = freq.length;
    int[] lengths = new int[n];
    int used = 0;
    for (int f : freq) {
      if (f > 0) {
        used++;
      }
    }
    if (used == 0) {
      return lengths;
    }
    if (used == 1) {
      // Two one-bit codes keep the code complete: the used symbol and any other.
      for (int i = 0; i < n; i++) {
        if (freq[i] > 0) {
          lengths[i] = 1;
          lengths[i == 0 ? 1 : 0] = 1;
          return lengths;
        }
      }
    }
    // Package the symbols into a tree with a simple O(n^2) Huffman.
    long[] weight = new long[2 * n];
    int[] parent = new int[2 * n];
    boolean[] alive = new boolean[2 * n];
    int nodes = n;
    for (int i = 0; i < n; i++) {
      weight[i] = freq[i];
      alive[i] = freq[i] > 0;
    }
    for (int merges = 0; merges < used - 1; merges++) {
      int a = -1;
      int b = -1;
      for (int i = 0; i < nodes; i++) {
        if (!alive[i]) {
          continue;
        }
        if (a < 0 || weight[i] < weight[a]) {
          b = a;
          a = i;
        } else if (b < 0 || weight[i] < weight[b]) {
          b = i;
        }
      }
      alive[a] = false;
      alive[b] = false;
      weight[nodes] = weight[a] + weight[b];
      parent[a] = nodes;
      parent[b] = nodes;
      alive[nodes] = true;
      nodes++;
    }
    int root = nodes - 1;
    for (int i = 0; i < n; i++) {
      if (freq[i] > 0) {
        int d = 0;
        for (int x = i; x != root; x = parent[x]) {
          d++;
        }
        lengths[i] = Math.min(d, maxBits);
      }
    }
    // Clamping may over-subscribe: lengthen the shortest codes until the Kraft sum fits, then
    // shorten codes while it stays within 1 (the result is complete or nearly so; tests that
    // need completeness use symbol sets for which it is).
    while (kraft(lengths, maxBits) > (1L << maxBits)) {
      int best = -1;
      for (int i = 0; i < n; i++) {
        if (lengths[i] > 0 && lengths[i] < maxBits && (best < 0 || lengths[i] > lengths[best])) {
          best = i;
        }
      }
      lengths[best]++;
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int i = 0; i < n; i++) {
        if (lengths[i] > 1) {
          lengths[i]--;
          if (kraft(lengths, maxBits) <= (1L << maxBits)) {
            changed = true;
          } else {
            lengths[i]++;
          }
        }
      }
    }
    return lengths;
  }

  private static long kraft(int[] lengths, int maxBits) {
    long sum = 0;
    for (int l : lengths) {
      if (l > 0) {
        sum += 1L << (maxBits - l);
      }
    }
    return sum;
  }

  static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
