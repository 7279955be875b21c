package dev.kopi.image.jpeg;

/**
 * One scan of a progressive JPEG (ITU T.81 G.1.2): DC first and refinement scans, AC spectral
 * selection and successive approximation. Coefficients accumulate in each component's coefficient
 * array; {@link #render} transforms them once all scans are in. Components decoded at 1/8 keep only
 * their DC coefficients, and their AC scans are never decoded (the caller skips them).
 */
final class ProgressiveScan extends Scan {
  private final int ss;
  private final int se;
  private final int ah;
  private final int al;
  private int eobrun;

  ProgressiveScan(
      JpegDecoder frame, Component[] components, BitReader in, int ss, int se, int ah, int al) {
    super(frame, components, in);
    this.ss = ss;
    this.se = se;
    this.ah = ah;
    this.al = al;
  }

  @Override
  void restarted() {
    eobrun = 0;
  }

  @Override
  void decodeBlock(Component c, int bx, int by) throws JpegException {
    short[] coef = c.coefficients;
    int base = (by * c.blocksPerLine + bx) * c.coefficientsPerBlock();
    if (ss == 0) {
      if (ah == 0) {
        int t = in.decode(frame.dcTable(c));
        c.pred += in.receiveExtend(t);
        coef[base] = (short) (c.pred << al);
      } else if (in.bits(1) != 0) {
        coef[base] = (short) (coef[base] | (1 << al));
      }
    } else if (ah == 0) {
      acFirst(frame.acTable(c), coef, base, c.nonzero);
    } else {
      acRefine(frame.acTable(c), coef, base, c.nonzero);
    }
  }

  // The AC passes keep the bit buffer in locals, as SequentialScan does, written back around the
  // rare calls (refills and long codes): progressive files are mostly refinement bits.

  private void acFirst(Huffman ac, short[] coef, int base, long[] nonzero) throws JpegException {
    if (eobrun > 0) {
      eobrun--;
      return;
    }
    BitReader in = this.in;
    long buf = in.buf;
    int bits = in.bits;
    int[] fastAc = ac.fastAc;
    int[] fast = ac.fast;
    for (int k = ss; k <= se; ) {
      if (bits < 32) {
        in.buf = buf;
        in.bits = bits;
        in.fill();
        buf = in.buf;
        bits = in.bits;
      }
      int look = (int) (buf >>> (64 - Huffman.FAST_BITS));
      int fa = fastAc[look];
      if (fa != 0) {
        int len = fa & 0xFF;
        buf <<= len;
        bits -= len;
        k += (fa >>> 8) & 0xFF;
        if (k > se) {
          in.buf = buf;
          in.bits = bits;
          throw SequentialScan.runPastEnd();
        }
        store(coef, base, k, (fa >> 16) << al, nonzero);
        k++;
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
        if (r < 15) {
          eobrun = (1 << r) - 1;
          if (r > 0) {
            // At least 16 bits remain after a code: r is at most 14.
            eobrun += (int) (buf >>> (64 - r));
            buf <<= r;
            bits -= r;
          }
          break;
        }
        k += 16;
        continue;
      }
      k += r;
      if (k > se) {
        in.buf = buf;
        in.bits = bits;
        throw SequentialScan.runPastEnd();
      }
      int v = (int) (buf >>> (64 - s));
      buf <<= s;
      bits -= s;
      v = v < (1 << (s - 1)) ? v - (1 << s) + 1 : v;
      store(coef, base, k, v << al, nonzero);
      k++;
    }
    in.buf = buf;
    in.bits = bits;
  }

  private void acRefine(Huffman ac, short[] coef, int base, long[] nonzero) throws JpegException {
    int p1 = 1 << al;
    int m1 = -1 << al;
    int k = ss;
    BitReader in = this.in;
    long buf = in.buf;
    int bits = in.bits;
    int[] fast = ac.fast;
    if (eobrun == 0) {
      for (; k <= se; k++) {
        if (bits < 32) {
          in.buf = buf;
          in.bits = bits;
          in.fill();
          buf = in.buf;
          bits = in.bits;
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
        int value = 0;
        if (s != 0) {
          if (s != 1) {
            in.buf = buf;
            in.bits = bits;
            throw JpegException.corrupt("corrupt JPEG data: a bad refinement coefficient size");
          }
          value = buf < 0 ? p1 : m1; // the next bit is the sign
          buf <<= 1;
          bits--;
        } else if (r != 15) {
          eobrun = 1 << r;
          if (r > 0) {
            eobrun += (int) (buf >>> (64 - r));
            buf <<= r;
            bits -= r;
          }
          break;
        }
        // Pass over r zero coefficients and stop at the next zero one (or past se), refining the
        // nonzero ones on the way (one bit each): found from the block's mask.
        long mask = nonzero[base >> 6];
        long zeros = ~mask & (-1L << k) & (-1L >>> (63 - se));
        for (; r > 0 && zeros != 0; r--) {
          zeros &= zeros - 1;
        }
        int stop = zeros == 0 ? se + 1 : Long.numberOfTrailingZeros(zeros);
        long passed = mask & (-1L << k) & (stop == 64 ? -1L : (1L << stop) - 1);
        if (passed != 0) {
          in.buf = buf;
          in.bits = bits;
          refine(in, coef, base, passed, p1, m1);
          buf = in.buf;
          bits = in.bits;
        }
        k = stop;
        if (value != 0) {
          if (k > se) {
            in.buf = buf;
            in.bits = bits;
            throw SequentialScan.runPastEnd();
          }
          store(coef, base, k, value, nonzero);
        }
      }
    }
    if (eobrun > 0 && k <= se) {
      // Inside an end-of-band run only the nonzero coefficients take a correction bit: visit
      // those of [k, se], in zig-zag order, from the block's mask.
      in.buf = buf;
      in.bits = bits;
      refine(in, coef, base, nonzero[base >> 6] & (-1L << k) & (-1L >>> (63 - se)), p1, m1);
      buf = in.buf;
      bits = in.bits;
    }
    if (eobrun > 0) {
      eobrun--;
    }
    in.buf = buf;
    in.bits = bits;
  }

  /**
   * Reads one correction bit for each nonzero coefficient marked in {@code marked}, in zig-zag
   * order: a 1 grows the magnitude by {@code p1} unless that bit is already set.
   */
  private static void refine(BitReader in, short[] coef, int base, long marked, int p1, int m1) {
    long buf = in.buf;
    int bits = in.bits;
    for (long left = marked; left != 0; left &= left - 1) {
      if (bits == 0) {
        in.buf = buf;
        in.bits = bits;
        in.fill();
        buf = in.buf;
        bits = in.bits;
      }
      int i = base + JpegDecoder.NATURAL[Long.numberOfTrailingZeros(left)];
      short c = coef[i];
      if (buf < 0 && (c & p1) == 0) {
        coef[i] = (short) (c + (c >= 0 ? p1 : m1));
      }
      buf <<= 1;
      bits--;
    }
    in.buf = buf;
    in.bits = bits;
  }

  /**
   * Stores a new coefficient at zig-zag position {@code k} and marks it nonzero, unless it is not:
   * a value that does not fit in 16 bits wraps, as in libjpeg, and a wrap to 0 stays a zero.
   */
  private static void store(short[] coef, int base, int k, int value, long[] nonzero) {
    short v = (short) value;
    coef[base + JpegDecoder.NATURAL[k]] = v;
    if (v != 0) {
      nonzero[base >> 6] |= 1L << k;
    }
  }

  /** The bits of every coefficient outside the top-left 4x4 of a block, ORed: 0 if all are 0. */
  private static int outsideLow(int[] blk) {
    int or = 0;
    for (int r = 0; r < 32; r += 8) {
      or |= blk[r + 4] | blk[r + 5] | blk[r + 6] | blk[r + 7];
    }
    for (int i = 32; i < 64; i++) {
      or |= blk[i];
    }
    return or;
  }

  /** Transforms a component's accumulated coefficients into its plane. */
  static void render(JpegDecoder frame, Component c) {
    int[] q = frame.quant(c);
    int[] blk = frame.block();
    int[] ws = frame.workspace();
    int ss = c.scaled;
    short[] coef = c.coefficients;
    for (int by = 0; by < c.dataBlocksY; by++) {
      for (int bx = 0; bx < c.dataBlocksX; bx++) {
        int bi = by * c.blocksPerLine + bx;
        int offset = by * ss * c.stride + bx * ss;
        if (ss == 1) {
          c.plane[offset] = Idct.clamp((coef[bi] * q[0] + 4) >> 3);
          continue;
        }
        for (int i = 0, b = bi * 64; i < 64; i++) {
          blk[i] = coef[b + i];
        }
        if (ss == 8 && outsideLow(blk) == 0) {
          Idct.idct8Low(blk, q, ws, c.plane, offset, c.stride);
        } else {
          Idct.idct(ss, blk, q, ws, c.plane, offset, c.stride);
        }
      }
    }
  }
}
