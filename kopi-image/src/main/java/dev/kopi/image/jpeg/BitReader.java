package dev.kopi.image.jpeg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads entropy-coded data: a 64-bit buffer, most significant bit first, refilled eight bytes at a
 * time when none of them is 0xFF (the common case), and byte by byte otherwise, to undo byte
 * stuffing ({@code FF 00}) and stop at markers.
 *
 * <p>At a marker or at the end of the data the buffer is padded with zero bits, as libjpeg does;
 * the padding is counted so that a decoder that goes on to <em>consume</em> it can be told that the
 * segment ended early ({@link #overran()}), which is damage, not a picture.
 */
final class BitReader {
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final byte[] data;
  private final int end;
  int pos;
  long buf;
  int bits;

  /** Zero bits added past the segment's real data; when {@code bits < padded}, some were used. */
  int padded;

  /** Whether the padding was added because the data ended (rather than at a marker). */
  boolean hitEnd;

  byte[] data() {
    return data;
  }

  BitReader(byte[] data, int start, int end) {
    this.data = data;
    this.end = end;
    this.pos = start;
  }

  /**
   * The last position from which a block loop may top its buffer up from eight bytes at once
   * ({@link #peek8}), or -1 once the segment has ended (padding began).
   */
  int fastLimit() {
    return padded == 0 ? end - 8 : -1;
  }

  /**
   * The eight bytes at {@code pos} as a big-endian long, or all ones (which {@link #noFF} refuses)
   * when {@code pos > limit}.
   */
  static long peek8(byte[] data, int pos, int limit) {
    return pos <= limit ? (long) LONG_BE.get(data, pos) : -1L;
  }

  /** Whether none of the eight bytes of {@code w} is 0xFF (the classic has-zero test on ~w). */
  static boolean noFF(long w) {
    return ((~w - 0x0101010101010101L) & w & 0x8080808080808080L) == 0;
  }

  /**
   * Stores a block loop's buffer back: {@code buf} may hold input bits below its {@code bits} valid
   * ones (see {@link SequentialScan}), which are cleared, because {@link #fill} ORs bytes in there
   * and, after byte stuffing, they would differ.
   */
  void store(long buf, int bits, int pos) {
    this.buf = buf & ~(-1L >>> bits);
    this.bits = bits;
    this.pos = pos;
  }

  /**
   * Brings the buffer to at least 56 bits, and never to 64: the block loops' top-up shifts by the
   * count of valid bits, and a shift by 64 would be a shift by 0.
   */
  void fill() {
    if (bits >= 56) {
      return;
    }
    int p = pos;
    if (padded == 0 && p + 8 <= end) {
      long w = (long) LONG_BE.get(data, p);
      if (noFF(w)) {
        int k = (63 - bits) >>> 3;
        buf |= (w >>> (64 - 8 * k)) << (64 - bits - 8 * k);
        bits += 8 * k;
        pos = p + k;
        return;
      }
    }
    fillSlow();
  }

  private void fillSlow() {
    while (bits < 56) {
      int b;
      if (padded > 0 || pos >= end) {
        if (pos >= end) {
          hitEnd = true;
        }
        b = 0;
        padded += 8;
      } else {
        b = data[pos] & 0xFF;
        if (b == 0xFF) {
          if (pos + 1 >= end) {
            hitEnd = true;
            b = 0;
            padded += 8;
          } else if (data[pos + 1] == 0) {
            pos += 2;
          } else {
            // A marker (or a fill byte before one): the segment's data ends here.
            b = 0;
            padded += 8;
          }
        } else {
          pos++;
        }
      }
      buf |= ((long) b) << (56 - bits);
      bits += 8;
    }
  }

  /** Whether the decoder consumed padding: the segment's data ran out before its blocks did. */
  boolean overran() {
    return bits < padded;
  }

  /** Decodes one Huffman symbol. */
  int decode(Huffman h) throws JpegException {
    if (bits < 32) {
      fill();
    }
    int e = h.fast[(int) (buf >>> (64 - Huffman.FAST_BITS))];
    if (e != 0) {
      int len = e >>> 8;
      buf <<= len;
      bits -= len;
      return e & 0xFF;
    }
    return decodeSlow(h);
  }

  /** The canonical path for codes longer than the lookahead; the buffer holds at least 16 bits. */
  int decodeSlow(Huffman h) throws JpegException {
    int len = Huffman.FAST_BITS + 1;
    int code = (int) (buf >>> (64 - len));
    while (code > h.maxCode[len]) {
      len++;
      code = (int) (buf >>> (64 - len));
    }
    if (len > 16) {
      throw JpegException.corrupt("corrupt entropy-coded data: no Huffman code matches");
    }
    buf <<= len;
    bits -= len;
    return h.values[h.valOffset[len] + code] & 0xFF;
  }

  /**
   * Reads {@code s} bits (0..16) as a JPEG "receive and extend": the signed value they code. The
   * caller has made sure that enough bits are buffered (one {@link #decode} call guarantees 16).
   */
  int receiveExtend(int s) {
    if (s == 0) {
      return 0;
    }
    if (bits < s) {
      fill();
    }
    int v = (int) (buf >>> (64 - s));
    buf <<= s;
    bits -= s;
    return v < (1 << (s - 1)) ? v - (1 << s) + 1 : v;
  }

  /** Reads {@code s} bits (1..16) as an unsigned number. */
  int bits(int s) {
    if (bits < s) {
      fill();
    }
    int v = (int) (buf >>> (64 - s));
    buf <<= s;
    bits -= s;
    return v;
  }

  /**
   * Finishes a segment at a restart marker or the end of a scan: the unread bits must be no more
   * than the padding of the last byte. Returns the position of the next marker.
   */
  int finishSegment() throws JpegException {
    if (overran()) {
      throw hitEnd
          ? JpegException.truncated("the file ends inside the image data; it was probably cut off")
          : JpegException.corrupt(
              "corrupt JPEG data: a data segment ends early (premature end of data segment)");
    }
    int unreadBits = bits - padded;
    // Whole bytes left in the buffer were never used: extraneous data before the marker.
    int extraneous = unreadBits >>> 3;
    int p = pos;
    while (p < end && !(data[p] == (byte) 0xFF && p + 1 < end && data[p + 1] != 0)) {
      p++;
      extraneous++;
    }
    if (p >= end) {
      // No marker follows: the file was cut, perhaps between a marker's two bytes (the lone 0xFF
      // at the end is not an extraneous byte).
      throw JpegException.truncated("the file ends inside the image data; it was probably cut off");
    }
    if (extraneous > 0) {
      throw JpegException.corrupt(
          "corrupt JPEG data: " + extraneous + " extraneous bytes before a marker");
    }
    return p;
  }

  /** Starts a new segment at {@code start}. */
  void reset(int start) {
    pos = start;
    buf = 0;
    bits = 0;
    padded = 0;
    hitEnd = false;
  }
}
