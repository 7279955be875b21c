package dev.kopi.image.jpeg;

import java.util.Arrays;

/**
 * One scan of a sequential (baseline or extended) JPEG: each block is entropy-decoded and
 * immediately transformed into its component's plane at the component's scale. A component decoded
 * at 1/8 needs only its DC coefficient, so its AC coefficients are skipped without being stored.
 */
final class SequentialScan extends Scan {
  private final int[] block;
  private final int[] workspace;

  SequentialScan(JpegDecoder frame, Component[] components, BitReader in) {
    super(frame, components, in);
    this.block = frame.block();
    this.workspace = frame.workspace();
  }

  @Override
  void decodeBlock(Component c, int bx, int by) throws JpegException {
    BitReader in = this.in;
    int t = in.decode(frame.dcTable(c));
    c.pred += in.receiveExtend(t);
    Huffman ac = frame.acTable(c);
    int[] q = frame.quant(c);
    int ss = c.scaled;
    int offset = by * ss * c.stride + bx * ss;
    if (ss == 1) {
      skipAc(in, ac);
      c.plane[offset] = Idct.clamp((c.pred * q[0] + 4) >> 3);
      return;
    }
    int[] blk = block;
    blk[0] = c.pred;
    // The bit buffer lives in locals for the whole block (written back around the rare calls),
    // so that the JIT keeps it in registers.
    long buf = in.buf;
    int bits = in.bits;
    int pos = in.pos;
    int limit = in.fastLimit();
    byte[] data = in.data();
    int[] fastAc = ac.fastAc;
    int[] fast = ac.fast;
    int k = 1;
    int last = 0; // zig-zag position of the last coefficient stored
    while (k < 64) {
      // Top the buffer up before every symbol, not when it runs low: that test depends on the
      // data and mispredicts. Eight bytes are ORed in below the valid bits and the whole bytes
      // that fit are counted; the bits below those are the next input's, which the next top-up
      // ORs in again unchanged (libdeflate's refill), and store() clears them. Only when the
      // eight bytes hold a 0xFF (byte stuffing, a marker) or the segment's end is near does the
      // careful fill run, and only when the buffer is low.
      long w = BitReader.peek8(data, pos, limit);
      if (BitReader.noFF(w)) {
        buf |= w >>> bits;
        pos += (63 - bits) >>> 3;
        bits |= 56;
      } else if (bits < 32) {
        in.store(buf, bits, pos);
        in.fill();
        buf = in.buf;
        bits = in.bits;
        pos = in.pos;
        limit = in.fastLimit();
      }
      int look = (int) (buf >>> (64 - Huffman.FAST_BITS));
      int fa = fastAc[look];
      if (fa != 0) {
        int len = fa & 0xFF;
        buf <<= len;
        bits -= len;
        k += (fa >>> 8) & 0xFF;
        if (k > 63) {
          in.store(buf, bits, pos);
          throw runPastEnd();
        }
        blk[JpegDecoder.NATURAL[k]] = fa >> 16;
        last = k++;
        // A second coefficient from the same top-up when it too is one lookup: such an entry
        // takes at most FAST_BITS of the >= 32 bits there were. Written out twice on purpose: as
        // a do-while of two passes it ran 10 % slower at 1/4.
        fa = fastAc[(int) (buf >>> (64 - Huffman.FAST_BITS))];
        if (fa != 0 && k < 64) {
          len = fa & 0xFF;
          buf <<= len;
          bits -= len;
          k += (fa >>> 8) & 0xFF;
          if (k > 63) {
            in.store(buf, bits, pos);
            throw runPastEnd();
          }
          blk[JpegDecoder.NATURAL[k]] = fa >> 16;
          last = k++;
        }
        continue;
      }
      int rs;
      int e = fast[look];
      if (e != 0) {
        int len = e >>> 8;
        buf <<= len;
        bits -= len;
        rs = e & 0xFF;
      } else {
        in.buf = buf;
        in.bits = bits;
        rs = in.decodeSlow(ac);
        buf = in.buf;
        bits = in.bits;
      }
      int r = rs >>> 4;
      int s = rs & 15;
      if (s == 0) {
        if (r != 15) {
          break;
        }
        k += 16;
        continue;
      }
      k += r;
      if (k > 63) {
        in.store(buf, bits, pos);
        throw runPastEnd();
      }
      // At least 16 bits remain: 32 before the symbol, at most 16 taken by its code.
      int v = (int) (buf >>> (64 - s));
      buf <<= s;
      bits -= s;
      blk[JpegDecoder.NATURAL[k]] = v < (1 << (s - 1)) ? v - (1 << s) + 1 : v;
      last = k++;
    }
    in.store(buf, bits, pos);
    if (last == 0) {
      // No AC coefficient: every IDCT size reduces to the DC value, (dc * q + 4) >> 3, repeated
      // (exactly what the transforms compute for such a block).
      byte v = Idct.clamp((c.pred * q[0] + 4) >> 3);
      for (int y = 0, o = offset; y < ss; y++, o += c.stride) {
        Arrays.fill(c.plane, o, o + ss, v);
      }
      return;
    }
    if (last <= Idct.LOW_LAST && ss >= 4) {
      if (ss == 8) {
        Idct.idct8Low(blk, q, workspace, c.plane, offset, c.stride);
      } else {
        Idct.idct4Low(blk, q, workspace, c.plane, offset, c.stride);
      }
    } else {
      Idct.idct(ss, blk, q, workspace, c.plane, offset, c.stride);
    }
    Arrays.fill(blk, 0);
  }

  /**
   * Reads past a block's AC coefficients without storing them, several whole symbols per lookup
   * where the {@link Huffman#skip} table allows and the block cannot end inside the batch.
   */
  private static void skipAc(BitReader in, Huffman ac) throws JpegException {
    long buf = in.buf;
    int bits = in.bits;
    int pos = in.pos;
    int limit = in.fastLimit();
    byte[] data = in.data();
    int[] skip = ac.skip;
    int[] fast = ac.fast;
    int k = 1;
    while (k < 64) {
      // Topped up before every lookup, as in decodeBlock.
      long w = BitReader.peek8(data, pos, limit);
      if (BitReader.noFF(w)) {
        buf |= w >>> bits;
        pos += (63 - bits) >>> 3;
        bits |= 56;
      } else if (bits < 32) {
        in.store(buf, bits, pos);
        in.fill();
        buf = in.buf;
        bits = in.bits;
        pos = in.pos;
        limit = in.fastLimit();
      }
      int sk = skip[(int) (buf >>> (64 - Huffman.SKIP_BITS))];
      if (sk != 0) {
        int next = k + (sk & Huffman.SKIP_ADVANCE_MASK);
        boolean eob = (sk & Huffman.SKIP_EOB) != 0;
        // A batch may not reach the block's end: after coefficient 63 (or a run to it) the block
        // is over without an EOB, and the bits that follow are the next block's, even when they
        // happen to read as an EOB here.
        if (next < 64) {
          int used = (sk >>> Huffman.SKIP_BITS_SHIFT) & 0xFF;
          buf <<= used;
          bits -= used;
          if (eob) {
            break;
          }
          k = next;
          continue;
        }
      }
      int rs;
      int e = fast[(int) (buf >>> (64 - Huffman.FAST_BITS))];
      if (e != 0) {
        int len = e >>> 8;
        buf <<= len;
        bits -= len;
        rs = e & 0xFF;
      } else {
        in.buf = buf;
        in.bits = bits;
        rs = in.decodeSlow(ac);
        buf = in.buf;
        bits = in.bits;
      }
      int r = rs >>> 4;
      int s = rs & 15;
      if (s == 0) {
        if (r != 15) {
          break;
        }
        k += 16;
        continue;
      }
      k += r;
      if (k > 63) {
        in.store(buf, bits, pos);
        throw runPastEnd();
      }
      k++;
      buf <<= s;
      bits -= s;
    }
    in.store(buf, bits, pos);
  }

  static JpegException runPastEnd() {
    return JpegException.corrupt("corrupt JPEG data: a run of coefficients goes past the block");
  }
}
