package dev.kopi.image.decode;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.Adler32;
import org.jspecify.annotations.Nullable;

/**
 * A strict decoder of one zlib stream (RFC 1950 around RFC 1951 DEFLATE) held whole in memory,
 * possibly split into several pieces of one array (a PNG's IDAT chunks), whose output is pulled in
 * steps into the caller's buffer. It accepts and rejects exactly what zlib's {@code inflate} (and
 * so {@link java.util.zip.Inflater}) accepts and rejects, with zlib's message for each error, and
 * produces the same bytes.
 *
 * <p><b>The output contract.</b> The decoder keeps no copy of its output: matches are copied from
 * the bytes before the write position in the caller's array. So before each call of {@link
 * #inflate}, {@code out[off - h, off)} must hold the last {@code h} bytes this stream produced, in
 * order, where {@code h = min(32768, bytes produced so far)}: write into one array, and when
 * sliding or replacing it, keep the last 32 KiB in front of the next write position. Violating the
 * count is refused ({@link IllegalArgumentException}); changing those bytes is not detected and
 * gives wrong output (and a failed Adler-32 check at the end). Bytes of {@code out} after the
 * returned count, up to {@code off + len}, may have been overwritten.
 *
 * <p><b>Outcomes.</b> {@link #inflate} returns fewer bytes than asked for only when the stream
 * ended ({@link #finished()}: the final block and the Adler-32 check are done) or the input ended
 * first ({@link #truncated()}); it throws {@link DataException} when the data is invalid. Data
 * after the end of the stream is ignored, as zlib ignores it.
 *
 * <p>Not thread-safe: one instance decodes one stream on one thread at a time. Memory: about 12 KiB
 * of tables and scratch per instance, nothing per call.
 */
final class Inflate {
  /*
   * Maintainer overview.
   *
   * Why by hand: java.util.zip.Inflater (native zlib) inflates our noisy PNG image data at about
   * 220 MB/s, and inflating was ~85 % of kopi's PNG decoding. libdeflate showed that when the
   * whole input is in memory, DEFLATE decodes 2-3x faster than zlib's streaming inflate; this is
   * its design in Java (see libdeflate's deflate_decompress.c and decompress_template.h):
   *
   *  - Bit buffer: a 64-bit little-endian long, refilled branch-free in the fast loop by reading
   *    8 bytes at once (a VarHandle long view) and advancing by the whole bytes that fit; after a
   *    refill at least 56 bits are valid, enough for three literals of the main table and the
   *    next lookup (3 x 11 + 11), or a length and a distance with their extra bits (20 + 28). Bits above `bitsleft` are then the next input
   *    bits, which the next refill ORs in again unchanged (libdeflate's trick); leaving the fast
   *    loop masks them off, and the slow paths refill one byte at a time.
   *  - Tables: one int per entry packs the symbol or base value (bits 16-30), the code length
   *    (bits 8-11) and the bits to consume (bits 0-4: the code length plus, for lengths and
   *    distances, the extra bits), so one lookup and one shift decode a literal, and one more
   *    mask-and-shift of the saved buffer gives a length's or distance's extra bits. Literals have
   *    bit 31 set (one sign test); bit 15 marks the rare entries (end of block, invalid code,
   *    subtable pointer). Root tables of 11 bits (literal/length) and 8 bits (distance) resolve
   *    nearly every code in one lookup; longer codes go through subtables, built the way zlib's
   *    inftrees.c builds them (same sizes: 2342 and 402 entries at most, zlib's `enough 288 11
   *    15` and `enough 32 8 15`). Dynamic tables are rebuilt in place per block; the fixed tables
   *    are built once and shared.
   *  - Fast loop: runs while at least IN_MARGIN input bytes remain in the current piece and
   *    OUT_MARGIN bytes of output space remain, so it checks neither per symbol. As libdeflate,
   *    it consumes an entry before looking at its type, and looks up the next entry before it
   *    refills and before it copies a match (the preload), so table loads overlap the rest
   *    rather than wait for it: 1.4-1.5x zlib's speed without the preload, 1.6-1.7x with it
   *    (interleaved runs on the corpus streams). Up to three literals per refill (our PNG data is ~80 % literals, most
   *    codes shorter than 11 bits). Matches at distance >= 8 are copied 8 bytes at a time
   *    (overshooting by up to 7 bytes, inside the margin), distance 1 is a byte fill, 2-7 a byte
   *    loop; the matches of PNG data are short (3.7 bytes on average), so System.arraycopy's
   *    call would cost more than it saves. Only "distance too far back" is checked per match.
   *  - Slow path: one symbol at a time with every availability check, near the ends of the
   *    input pieces and of the caller's output space, and for headers and stored blocks.
   *
   * Pieces: the input is (offset, length) pieces of one array, so PNG's IDAT chunks are decoded
   * in place, without concatenating them (a copy of the compressed image, ~1.2 MB for our corpus,
   * and an array to allocate). The fast loop never reads past its piece; the slow path crosses to
   * the next piece byte by byte, ~20 bytes per IDAT chunk boundary.
   *
   * Output history: the caller keeps the last 32 KiB before the write position (see the class
   * Javadoc). That costs nothing when the output is one array (tests, benchmarks), and for
   * PngDecoder's sliding window one 32 KiB move per window refill, where a decoder-owned window
   * (zlib's design) would copy every output byte once more.
   *
   * Strictness is zlib's, error for error, so that switching from java.util.zip changes no
   * outcome (the differential tests and the fuzz target check it):
   *  - zlib header: FCHECK, CM = 8, CINFO <= 7, FDICT refused (PNG has no preset dictionary).
   *    As in zlib, distances beyond a smaller declared window are accepted.
   *  - Code lengths: over-subscribed sets are refused, and so are incomplete ones, except (as
   *    inftrees.c) a literal/length or distance code of a single one-bit code, whose unused bit
   *    pattern is then an invalid code. A distance code with no codes at all is accepted until
   *    a distance is needed; a code-length code with no codes at all reads every length as 0
   *    from one bit, which is what zlib's placeholder table for it does.
   *  - Symbols 286-287 and distances 30-31 (reachable in fixed blocks) are invalid codes; a
   *    repeat with no previous length or past the end, a missing end-of-block code, stored
   *    LEN/NLEN mismatch, block type 3, a distance beyond the output so far, a wrong Adler-32.
   *  - Truncation (the input ends) is reported only when the bits actually needed are missing,
   *    never earlier, so every prefix of a valid stream is truncated (zlib asks for more input),
   *    and the output produced before that point is zlib's.
   *  - Like zlib, when the caller's space is full the decoder still decodes the next symbol (and
   *    block headers, and the final check) until it needs output space, so a damaged code right
   *    after the last byte asked for is reported in the same call as zlib reports it.
   */

  /** The distance a match may reach back, and so the output history the caller must keep. */
  static final int HISTORY = 32 * 1024;

  /** Thrown for invalid data; the message is zlib's for the same error. */
  static final class DataException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean presetDictionary;

    DataException(String zlibMessage, boolean presetDictionary) {
      super(zlibMessage, null, false, false);
      this.presetDictionary = presetDictionary;
    }

    /** Whether the stream's header asks for a preset dictionary (zlib's {@code Z_NEED_DICT}). */
    boolean presetDictionary() {
      return presetDictionary;
    }
  }

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  // Table entry bits (see the overview).
  private static final int LITERAL = 0x8000_0000;
  private static final int EXCEPTIONAL = 0x8000;
  private static final int SUBTABLE = 0x4000;
  private static final int END_OF_BLOCK = 0x2000;

  private static final int LITLEN_BITS = 11;
  private static final int LITLEN_MASK = (1 << LITLEN_BITS) - 1;
  private static final int LITLEN_ENOUGH = 2342;
  private static final int DIST_BITS = 8;
  private static final int DIST_MASK = (1 << DIST_BITS) - 1;
  private static final int DIST_ENOUGH = 402;
  private static final int PRECODE_BITS = 7;
  private static final int PRECODE_MASK = (1 << PRECODE_BITS) - 1;

  /**
   * Input bytes the fast loop needs left in the current piece: two refills of 8 bytes, each
   * advancing at most 7.
   */
  private static final int IN_MARGIN = 16;

  /** Output space the fast loop needs: two literals, a 258-byte match and 7 bytes of overshoot. */
  private static final int OUT_MARGIN = 2 + 258 + 8;

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
  private static final int[] PRECODE_ORDER = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  };

  /*
   * What each symbol decodes to, by kind of code: a table entry less its code bits, which build()
   * adds as len * 0x101 (the code length in bits 8-11 and, added to the extra bits, in bits 0-4).
   */
  private static final int[] PRECODE_RESULTS = new int[19];
  private static final int[] LITLEN_RESULTS = new int[288];
  private static final int[] DIST_RESULTS = new int[32];

  static {
    for (int sym = 0; sym < 19; sym++) {
      PRECODE_RESULTS[sym] = sym << 16;
    }
    for (int sym = 0; sym < 288; sym++) {
      LITLEN_RESULTS[sym] =
          sym < 256
              ? LITERAL | (sym << 16)
              : sym == 256
                  ? EXCEPTIONAL | END_OF_BLOCK
                  : sym < 286
                      ? (LENGTH_BASE[sym - 257] << 16) | LENGTH_EXTRA[sym - 257]
                      : EXCEPTIONAL; // 286 and 287: invalid, as in zlib
    }
    for (int sym = 0; sym < 32; sym++) {
      DIST_RESULTS[sym] = sym < 30 ? (DIST_BASE[sym] << 16) | DIST_EXTRA[sym] : EXCEPTIONAL;
    }
  }

  // Decoder states.
  private static final int HEADER = 0;
  private static final int BLOCK = 1;
  private static final int STORED = 2;
  private static final int CODES = 3;
  private static final int TRAILER = 4;
  private static final int DONE = 5;
  private static final int TRUNCATED = 6;
  private static final int FAILED = 7;

  /** The fixed Huffman tables (RFC 1951 3.2.6), built once; never written after. */
  private static final class Fixed {
    static final int[] LITLEN_TABLE = new int[1 << LITLEN_BITS];
    static final int[] DIST_TABLE = new int[1 << DIST_BITS];

    static {
      byte[] lens = new byte[288 + 32];
      Arrays.fill(lens, 0, 144, (byte) 8);
      Arrays.fill(lens, 144, 256, (byte) 9);
      Arrays.fill(lens, 256, 280, (byte) 7);
      Arrays.fill(lens, 280, 288, (byte) 8);
      Arrays.fill(lens, 288, 320, (byte) 5);
      Scratch s = new Scratch();
      if (!build(LITLEN_RESULTS, lens, 0, 288, LITLEN_TABLE, LITLEN_BITS, s)
          || !build(DIST_RESULTS, lens, 288, 32, DIST_TABLE, DIST_BITS, s)) {
        throw new AssertionError("the fixed Huffman codes are complete");
      }
    }

    private Fixed() {}
  }

  /** Scratch for {@link #build}: counts, offsets and the symbols sorted by code length. */
  private static final class Scratch {
    final int[] count = new int[16];
    final int[] offs = new int[16];
    final int[] work = new int[288];
  }

  // Input: pieces of one array.
  private final byte[] in;
  private final int[] pieces;
  private final int pieceCount;
  private int piece;
  private int ip;
  private int pieceEnd;

  // Bits not yet consumed: bitsleft of them, lowest first; the bits above are zero here.
  private long bitbuf;
  private int bitsleft;

  private int state = HEADER;
  private boolean lastBlock;
  private int[] litlen = Fixed.LITLEN_TABLE;
  private int[] dist = Fixed.DIST_TABLE;
  private final int[] dynamicLitlen = new int[LITLEN_ENOUGH];
  private final int[] dynamicDist = new int[DIST_ENOUGH];
  private final int[] precode = new int[1 << PRECODE_BITS];
  private final byte[] lens = new byte[286 + 30];
  private final Scratch scratch = new Scratch();

  // A stored block's bytes still to copy.
  private int storedLeft;
  // A decoded match (or, with pendingDist 0, one literal) not yet written for lack of space.
  private int pendingLength;
  private int pendingDist;
  private byte pendingLiteral;

  private long totalOut;
  private final Adler32 adler = new Adler32();
  private @Nullable DataException failure;

  /**
   * A decoder of the zlib stream in {@code input[offset, offset + length)}.
   *
   * @throws IndexOutOfBoundsException if the range is outside {@code input}
   */
  Inflate(byte[] input, int offset, int length) {
    this(input, new int[] {offset, length}, 1);
  }

  /**
   * A decoder of the zlib stream made of {@code count} pieces of {@code input}, in order: piece
   * {@code i} is {@code input[pieces[2i], pieces[2i] + pieces[2i + 1])}. Neither array is copied or
   * modified; both must stay unchanged while decoding.
   *
   * @throws IllegalArgumentException if {@code count} is negative or {@code pieces} holds fewer
   *     than {@code count} pairs
   * @throws IndexOutOfBoundsException if a piece is outside {@code input}
   */
  Inflate(byte[] input, int[] pieces, int count) {
    if (count < 0 || 2L * count > pieces.length) {
      throw new IllegalArgumentException(
          "count in [0, " + pieces.length / 2 + "] required but it was " + count);
    }
    for (int i = 0; i < count; i++) {
      Objects.checkFromIndexSize(pieces[2 * i], pieces[2 * i + 1], input.length);
    }
    this.in = input;
    this.pieces = pieces;
    this.pieceCount = count;
    this.piece = -1;
    nextPiece();
  }

  /** Whether the stream ended: its final block and Adler-32 check are done. */
  boolean finished() {
    return state == DONE;
  }

  /** Whether the input ended before the stream did. */
  boolean truncated() {
    return state == TRUNCATED;
  }

  /** Bytes produced so far. */
  long totalOut() {
    return totalOut;
  }

  /**
   * Decodes up to {@code len} bytes into {@code out[off, off + len)}.
   *
   * @param out the output array; before the call {@code out[off - min(32768, totalOut()), off)}
   *     must hold the stream's last output (see the class Javadoc)
   * @return the bytes written from {@code off}; fewer than {@code len} only when the stream
   *     {@linkplain #finished() finished} or the input was {@linkplain #truncated() truncated}, and
   *     then 0 on every later call
   * @throws DataException if the stream is invalid; every later call throws it again
   * @throws IndexOutOfBoundsException if {@code [off, off + len)} is outside {@code out}
   * @throws IllegalArgumentException if {@code off < min(32768, totalOut())}: no room for the
   *     history before the write position
   */
  int inflate(byte[] out, int off, int len) throws DataException {
    Objects.checkFromIndexSize(off, len, out.length);
    int history = (int) Math.min(totalOut, HISTORY);
    if (off < history) {
      throw new IllegalArgumentException(
          "off >= min(32768, totalOut()) = "
              + history
              + " required (the output history) but it was "
              + off);
    }
    DataException failed = failure;
    if (failed != null) {
      throw failed;
    }
    int op = off;
    int end = off + len;
    // The lowest position a match may copy from: the start of the history.
    int minSource = off - history;
    // Output from here on is not in the Adler-32 yet.
    int unchecked = off;
    try {
      loop:
      while (true) {
        switch (state) {
          case HEADER -> header();
          case BLOCK -> block();
          case STORED -> {
            op = stored(out, op, end);
            if (state == STORED) {
              break loop;
            }
          }
          case CODES -> {
            op = codes(out, op, end, minSource);
            if (state == CODES) {
              break loop;
            }
          }
          case TRAILER -> {
            adler.update(out, unchecked, op - unchecked);
            unchecked = op;
            trailer();
          }
          default -> {
            break loop;
          }
        }
      }
    } catch (DataException e) {
      state = FAILED;
      failure = e;
      throw e;
    }
    adler.update(out, unchecked, op - unchecked);
    totalOut += op - off;
    return op - off;
  }

  /** The zlib header: CMF and FLG (RFC 1950 2.2). */
  private void header() throws DataException {
    if (!need(16)) {
      return;
    }
    int cmf = (int) bitbuf & 0xFF;
    int flg = (int) (bitbuf >>> 8) & 0xFF;
    if (((cmf << 8) | flg) % 31 != 0) {
      throw data("incorrect header check");
    }
    if ((cmf & 0x0F) != 8) {
      throw data("unknown compression method");
    }
    if ((cmf >>> 4) + 8 > 15) {
      throw data("invalid window size");
    }
    drop(16);
    if ((flg & 0x20) != 0) {
      // zlib reads the dictionary's Adler-32 before asking for the dictionary.
      if (!need(32)) {
        return;
      }
      throw new DataException("a preset dictionary is required", true);
    }
    state = BLOCK;
  }

  /** A block header: BFINAL, BTYPE and what follows up to the block's data. */
  private void block() throws DataException {
    if (lastBlock) {
      state = TRAILER;
      return;
    }
    if (!need(3)) {
      return;
    }
    lastBlock = (bitbuf & 1) != 0;
    int type = (int) (bitbuf >>> 1) & 3;
    drop(3);
    switch (type) {
      case 0 -> {
        drop(bitsleft & 7);
        if (!need(32)) {
          return;
        }
        int length = (int) bitbuf & 0xFFFF;
        int inverse = (int) (bitbuf >>> 16) & 0xFFFF;
        if (length != (inverse ^ 0xFFFF)) {
          throw data("invalid stored block lengths");
        }
        drop(32);
        storedLeft = length;
        state = STORED;
      }
      case 1 -> {
        litlen = Fixed.LITLEN_TABLE;
        dist = Fixed.DIST_TABLE;
        state = CODES;
      }
      case 2 -> dynamicHeader();
      default -> throw data("invalid block type");
    }
  }

  /** A dynamic block's header: the code-length code, then the literal/length and distance codes. */
  private void dynamicHeader() throws DataException {
    if (!need(14)) {
      return;
    }
    int nlen = 257 + ((int) bitbuf & 31);
    int ndist = 1 + ((int) (bitbuf >>> 5) & 31);
    int ncode = 4 + ((int) (bitbuf >>> 10) & 15);
    drop(14);
    if (nlen > 286 || ndist > 30) {
      throw data("too many length or distance symbols");
    }
    byte[] l = lens;
    Arrays.fill(l, 0, 19, (byte) 0);
    for (int i = 0; i < ncode; i++) {
      if (!need(3)) {
        return;
      }
      l[PRECODE_ORDER[i]] = (byte) (bitbuf & 7);
      drop(3);
    }
    if (!build(PRECODE_RESULTS, l, 0, 19, precode, PRECODE_BITS, scratch)) {
      throw data("invalid code lengths set");
    }
    int total = nlen + ndist;
    int have = 0;
    while (have < total) {
      refill();
      int e = precode[(int) bitbuf & PRECODE_MASK];
      int codeLength = (e >>> 8) & 15;
      int symbol = e >>> 16;
      if (symbol < 16) {
        if (bitsleft < codeLength) {
          state = TRUNCATED;
          return;
        }
        drop(codeLength);
        l[have++] = (byte) symbol;
        continue;
      }
      int extra = symbol == 16 ? 2 : symbol == 17 ? 3 : 7;
      if (bitsleft < codeLength + extra) {
        state = TRUNCATED;
        return;
      }
      drop(codeLength);
      byte value = 0;
      int copy;
      if (symbol == 16) {
        if (have == 0) {
          throw data("invalid bit length repeat");
        }
        value = l[have - 1];
        copy = 3 + ((int) bitbuf & 3);
      } else if (symbol == 17) {
        copy = 3 + ((int) bitbuf & 7);
      } else {
        copy = 11 + ((int) bitbuf & 127);
      }
      drop(extra);
      if (have + copy > total) {
        throw data("invalid bit length repeat");
      }
      Arrays.fill(l, have, have + copy, value);
      have += copy;
    }
    if (l[256] == 0) {
      throw data("invalid code -- missing end-of-block");
    }
    if (!build(LITLEN_RESULTS, l, 0, nlen, dynamicLitlen, LITLEN_BITS, scratch)) {
      throw data("invalid literal/lengths set");
    }
    if (!build(DIST_RESULTS, l, nlen, ndist, dynamicDist, DIST_BITS, scratch)) {
      throw data("invalid distances set");
    }
    litlen = dynamicLitlen;
    dist = dynamicDist;
    state = CODES;
  }

  /** Copies a stored block's bytes; returns the new output position. */
  private int stored(byte[] out, int op, int end) {
    // After the block header the bit buffer holds whole bytes: they come first.
    while (storedLeft > 0 && op < end && bitsleft >= 8) {
      out[op++] = (byte) bitbuf;
      drop(8);
      storedLeft--;
    }
    while (storedLeft > 0 && op < end) {
      if (ip == pieceEnd && !nextPiece()) {
        state = TRUNCATED;
        return op;
      }
      int n = Math.min(storedLeft, Math.min(end - op, pieceEnd - ip));
      System.arraycopy(in, ip, out, op, n);
      ip += n;
      op += n;
      storedLeft -= n;
    }
    if (storedLeft == 0) {
      state = BLOCK;
    }
    return op;
  }

  /** The Adler-32 of the output, big-endian, after the final block (at a byte boundary). */
  private void trailer() throws DataException {
    drop(bitsleft & 7);
    if (!need(32)) {
      return;
    }
    int expected = Integer.reverseBytes((int) bitbuf);
    drop(32);
    if (expected != (int) adler.getValue()) {
      throw data("incorrect data check");
    }
    state = DONE;
  }

  /**
   * Decodes a Huffman block's symbols into {@code out[op, end)} until the block ends (state BLOCK),
   * the output is full (state CODES, with a pending literal or match when one was decoded), or the
   * input ends (state TRUNCATED); returns the new output position.
   */
  private int codes(byte[] out, int op, int end, int minSource) throws DataException {
    while (true) {
      if (pendingLength > 0) {
        if (op == end) {
          return op;
        }
        if (pendingDist == 0) {
          out[op++] = pendingLiteral;
          pendingLength = 0;
        } else {
          // zlib checks the distance when it copies, so only once there is room to copy.
          int src = op - pendingDist;
          if (src < minSource) {
            throw data("invalid distance too far back");
          }
          int n = Math.min(pendingLength, end - op);
          for (int i = 0; i < n; i++) {
            out[op + i] = out[src + i];
          }
          op += n;
          pendingLength -= n;
          if (pendingLength > 0) {
            return op;
          }
        }
      }
      if (op <= end - OUT_MARGIN && ip <= pieceEnd - IN_MARGIN) {
        op = fast(out, op, end, minSource);
        if (state != CODES) {
          return op;
        }
      }
      op = slow(out, op, end);
      if (state != CODES) {
        return op;
      }
      if (pendingLength > 0 && op == end) {
        return op;
      }
    }
  }

  /**
   * The fast loop: decodes while the margins hold, with the bit buffer in locals; returns the new
   * output position, with the state BLOCK if it met the end of the block.
   */
  private int fast(byte[] out, int op, int end, int minSource) throws DataException {
    final byte[] in = this.in;
    final int[] lt = litlen;
    final int[] dt = dist;
    final int inLimit = pieceEnd - IN_MARGIN;
    final int outLimit = end - OUT_MARGIN;
    long bb = bitbuf;
    int bl = bitsleft;
    int ip = this.ip;
    // Refill, then look up the next entry ahead of its use (libdeflate's preload): the table load
    // then overlaps the refill and the match copies instead of waiting for them.
    bb |= (long) LONG_LE.get(in, ip) << bl;
    ip += (63 - bl) >>> 3;
    bl |= 56;
    int e = lt[(int) bb & LITLEN_MASK];
    do {
      // Consume the entry whatever it is: a literal's code, a length's code and extra bits, or the
      // root bits of a subtable pointer.
      long saved = bb;
      bb >>>= e;
      bl -= e & 31;
      if (e < 0) {
        // Two more literals from the main table while the bits last: 3 x 11 of the >= 56 after
        // a refill, leaving >= 23 for the preload; or two and a length (<= 20 bits).
        int lit = e >>> 16;
        e = lt[(int) bb & LITLEN_MASK];
        saved = bb;
        bb >>>= e;
        bl -= e & 31;
        out[op++] = (byte) lit;
        if (e < 0) {
          lit = e >>> 16;
          e = lt[(int) bb & LITLEN_MASK];
          saved = bb;
          bb >>>= e;
          bl -= e & 31;
          out[op++] = (byte) lit;
          if (e < 0) {
            lit = e >>> 16;
            e = lt[(int) bb & LITLEN_MASK];
            bb |= (long) LONG_LE.get(in, ip) << bl;
            ip += (63 - bl) >>> 3;
            bl |= 56;
            out[op++] = (byte) lit;
            continue;
          }
        }
      }
      if ((e & EXCEPTIONAL) != 0) {
        if ((e & SUBTABLE) != 0) {
          // The root bits are consumed; the subtable entry is a literal, a length or the end.
          e = lt[(e >>> 16) + ((int) bb & ((1 << ((e >>> 8) & 15)) - 1))];
          saved = bb;
          bb >>>= e;
          bl -= e & 31;
          if (e < 0) {
            int lit = e >>> 16;
            e = lt[(int) bb & LITLEN_MASK];
            bb |= (long) LONG_LE.get(in, ip) << bl;
            ip += (63 - bl) >>> 3;
            bl |= 56;
            out[op++] = (byte) lit;
            continue;
          }
        }
        if ((e & EXCEPTIONAL) != 0) {
          if ((e & END_OF_BLOCK) == 0) {
            throw data("invalid literal/length code");
          }
          state = BLOCK;
          break;
        }
      }
      int length = (e >>> 16) + (int) ((saved & ~(-1L << e)) >>> ((e >>> 8) & 15));
      // >= 14 bits are left: enough to preload the distance entry; refill if the distance's up
      // to 28 bits and the next preload's 11 might not be there.
      int d = dt[(int) bb & DIST_MASK];
      if (bl < 28 + LITLEN_BITS) {
        bb |= (long) LONG_LE.get(in, ip) << bl;
        ip += (63 - bl) >>> 3;
        bl |= 56;
      }
      if ((d & EXCEPTIONAL) != 0) {
        if ((d & SUBTABLE) == 0) {
          throw data("invalid distance code");
        }
        bb >>>= DIST_BITS;
        bl -= DIST_BITS;
        d = dt[(d >>> 16) + ((int) bb & ((1 << ((d >>> 8) & 15)) - 1))];
        if ((d & EXCEPTIONAL) != 0) {
          throw data("invalid distance code");
        }
      }
      saved = bb;
      bb >>>= d;
      bl -= d & 31;
      int distance = (d >>> 16) + (int) ((saved & ~(-1L << d)) >>> ((d >>> 8) & 15));
      int src = op - distance;
      if (src < minSource) {
        throw data("invalid distance too far back");
      }
      e = lt[(int) bb & LITLEN_MASK];
      bb |= (long) LONG_LE.get(in, ip) << bl;
      ip += (63 - bl) >>> 3;
      bl |= 56;
      int stop = op + length;
      if (distance >= 8) {
        // Eight bytes at a time: each read is of bytes already written, as distance >= 8.
        do {
          LONG_LE.set(out, op, (long) LONG_LE.get(out, src));
          op += 8;
          src += 8;
        } while (op < stop);
      } else if (distance == 1) {
        long run = (out[src] & 0xFFL) * 0x0101_0101_0101_0101L;
        do {
          LONG_LE.set(out, op, run);
          op += 8;
        } while (op < stop);
      } else {
        do {
          out[op++] = out[src++];
        } while (op < stop);
      }
      op = stop;
    } while (ip <= inLimit && op <= outLimit);
    // The bits above bitsleft are input the slow path will read again: clear them.
    bitbuf = bb & ~(-1L << bl);
    bitsleft = bl;
    this.ip = ip;
    return op;
  }

  /**
   * Decodes one symbol (and a length's distance) with every check; writes a literal if there is
   * room, else leaves it pending, and leaves a match pending for {@link #codes} to copy.
   */
  private int slow(byte[] out, int op, int end) throws DataException {
    refill();
    int e = litlen[(int) bitbuf & LITLEN_MASK];
    if ((e & SUBTABLE) != 0) {
      if (bitsleft < LITLEN_BITS) {
        state = TRUNCATED;
        return op;
      }
      drop(LITLEN_BITS);
      e = litlen[(e >>> 16) + ((int) bitbuf & ((1 << ((e >>> 8) & 15)) - 1))];
    }
    if (bitsleft < ((e >>> 8) & 15)) {
      state = TRUNCATED;
      return op;
    }
    if (e < 0) {
      drop(e & 31);
      if (op < end) {
        out[op++] = (byte) (e >>> 16);
      } else {
        pendingLiteral = (byte) (e >>> 16);
        pendingDist = 0;
        pendingLength = 1;
      }
      return op;
    }
    if ((e & EXCEPTIONAL) != 0) {
      if ((e & END_OF_BLOCK) == 0) {
        throw data("invalid literal/length code");
      }
      drop(e & 31);
      state = BLOCK;
      return op;
    }
    if (bitsleft < (e & 31)) {
      state = TRUNCATED;
      return op;
    }
    long saved = bitbuf;
    drop(e & 31);
    int length = (e >>> 16) + (int) ((saved & ~(-1L << e)) >>> ((e >>> 8) & 15));
    refill();
    int d = dist[(int) bitbuf & DIST_MASK];
    if ((d & SUBTABLE) != 0) {
      if (bitsleft < DIST_BITS) {
        state = TRUNCATED;
        return op;
      }
      drop(DIST_BITS);
      d = dist[(d >>> 16) + ((int) bitbuf & ((1 << ((d >>> 8) & 15)) - 1))];
    }
    if (bitsleft < ((d >>> 8) & 15)) {
      state = TRUNCATED;
      return op;
    }
    if ((d & EXCEPTIONAL) != 0) {
      throw data("invalid distance code");
    }
    if (bitsleft < (d & 31)) {
      state = TRUNCATED;
      return op;
    }
    saved = bitbuf;
    drop(d & 31);
    pendingDist = (d >>> 16) + (int) ((saved & ~(-1L << d)) >>> ((d >>> 8) & 15));
    pendingLength = length;
    return op;
  }

  /** Whether {@code n} bits are available after a refill; if not, the input ended: truncated. */
  private boolean need(int n) {
    refill();
    if (bitsleft < n) {
      state = TRUNCATED;
      return false;
    }
    return true;
  }

  private void drop(int n) {
    bitbuf >>>= n;
    bitsleft -= n;
  }

  /**
   * Fills the bit buffer a byte at a time, crossing pieces, to 56-63 bits (never 64: the fast
   * loop's refill shifts by bitsleft) or the input's end.
   */
  private void refill() {
    while (bitsleft < 56) {
      if (ip == pieceEnd && !nextPiece()) {
        return;
      }
      bitbuf |= (in[ip++] & 0xFFL) << bitsleft;
      bitsleft += 8;
    }
  }

  /** Moves to the next non-empty piece; false when there is none. */
  private boolean nextPiece() {
    while (piece + 1 < pieceCount) {
      piece++;
      ip = pieces[2 * piece];
      pieceEnd = ip + pieces[2 * piece + 1];
      if (ip < pieceEnd) {
        return true;
      }
    }
    return false;
  }

  private static DataException data(String zlibMessage) {
    return new DataException(zlibMessage, false);
  }

  /**
   * Builds the decode table of a canonical Huffman code (RFC 1951 3.2.2) from the code lengths
   * {@code lens[off, off + n)} whose symbols decode to {@code results} (one of the *_RESULTS
   * arrays), zlib's inflate_table (inftrees.c) with the root fixed at {@code rootBits}: codes up to
   * {@code rootBits} long fill every root entry they prefix, longer ones go to subtables after the
   * root, each just large enough for its codes. Returns false for a set of lengths zlib refuses:
   * over-subscribed, or incomplete unless it is a single one-bit literal/length or distance code.
   * With no codes at all, every entry is an invalid code (for the code-length code, the length 0)
   * of one bit, as zlib's placeholder table.
   */
  private static boolean build(
      int[] results, byte[] lens, int off, int n, int[] table, int rootBits, Scratch s) {
    boolean precode = results == PRECODE_RESULTS;
    int[] count = s.count;
    int[] offs = s.offs;
    int[] work = s.work;
    Arrays.fill(count, 0);
    for (int sym = 0; sym < n; sym++) {
      count[lens[off + sym]]++;
    }
    int max = 15;
    while (max >= 1 && count[max] == 0) {
      max--;
    }
    int rootSize = 1 << rootBits;
    if (max == 0) {
      Arrays.fill(table, 0, rootSize, (precode ? PRECODE_RESULTS[0] : EXCEPTIONAL) + 0x101);
      return true;
    }
    int left = 1;
    for (int len = 1; len <= 15; len++) {
      left <<= 1;
      left -= count[len];
      if (left < 0) {
        return false; // over-subscribed
      }
    }
    if (left > 0 && (precode || max != 1)) {
      return false; // incomplete
    }
    offs[1] = 0;
    for (int len = 1; len < 15; len++) {
      offs[len + 1] = offs[len] + count[len];
    }
    for (int sym = 0; sym < n; sym++) {
      int len = lens[off + sym];
      if (len != 0) {
        work[offs[len]++] = sym;
      }
    }
    int len = 1;
    while (count[len] == 0) {
      len++;
    }
    // A complete code with every length above the root would need 2^(rootBits + 1) symbols,
    // more than any kind has, so the root never grows (zlib's "root < min" case cannot arise).
    int huff = 0; // the current code, bit-reversed (DEFLATE sends codes most significant bit first)
    int sym = 0;
    int next = 0; // where the current (sub)table starts
    int curr = rootBits; // its index bits
    int drop = 0; // code bits the root resolves (0 while filling the root)
    int low = -1; // the root index of the current subtable
    int used = rootSize;
    int mask = rootSize - 1;
    while (true) {
      int here = results[work[sym]] + (len - drop) * 0x101;
      int incr = 1 << (len - drop);
      int fill = 1 << curr;
      int size = fill;
      do {
        fill -= incr;
        table[next + (huff >>> drop) + fill] = here;
      } while (fill != 0);
      // The next code of this length, bit-reversed: increment from the top bit.
      incr = 1 << (len - 1);
      while ((huff & incr) != 0) {
        incr >>>= 1;
      }
      if (incr != 0) {
        huff &= incr - 1;
        huff += incr;
      } else {
        huff = 0;
      }
      sym++;
      if (--count[len] == 0) {
        if (len == max) {
          break;
        }
        len = lens[off + work[sym]];
      }
      if (len > rootBits && (huff & mask) != low) {
        if (drop == 0) {
          drop = rootBits;
        }
        next += size;
        // The subtable's bits: enough for the codes under this root entry.
        curr = len - drop;
        left = 1 << curr;
        while (curr + drop < max) {
          left -= count[curr + drop];
          if (left <= 0) {
            break;
          }
          curr++;
          left <<= 1;
        }
        used += 1 << curr;
        if (used > table.length) {
          throw new IllegalStateException(
              "Huffman table overflow (" + used + " > " + table.length + " entries)");
        }
        low = huff & mask;
        table[low] = EXCEPTIONAL | SUBTABLE | (next << 16) | (curr << 8) | rootBits;
      }
    }
    if (huff != 0) {
      // Incomplete: a single one-bit code; the other one-bit pattern is an invalid code.
      for (int i = huff; i < rootSize; i += 2) {
        table[i] = EXCEPTIONAL + 0x101;
      }
    }
    return true;
  }
}
