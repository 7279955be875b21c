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
      acFirst(frame.acTable(c), coef, base);
    } else {
      acRefine(frame.acTable(c), coef, base);
    }
  }

  private void acFirst(Huffman ac, short[] coef, int base) throws JpegException {
    if (eobrun > 0) {
      eobrun--;
      return;
    }
    for (int k = ss; k <= se; ) {
      int rs = in.decode(ac);
      int r = rs >>> 4;
      int s = rs & 15;
      if (s == 0) {
        if (r < 15) {
          eobrun = (1 << r) - 1;
          if (r > 0) {
            eobrun += in.bits(r);
          }
          return;
        }
        k += 16;
        continue;
      }
      k += r;
      if (k > se) {
        throw SequentialScan.runPastEnd();
      }
      coef[base + JpegDecoder.NATURAL[k]] = (short) (in.receiveExtend(s) << al);
      k++;
    }
  }

  private void acRefine(Huffman ac, short[] coef, int base) throws JpegException {
    int p1 = 1 << al;
    int m1 = -1 << al;
    int k = ss;
    if (eobrun == 0) {
      for (; k <= se; k++) {
        int rs = in.decode(ac);
        int r = rs >>> 4;
        int s = rs & 15;
        int value = 0;
        if (s != 0) {
          if (s != 1) {
            throw JpegException.corrupt("corrupt JPEG data: a bad refinement coefficient size");
          }
          value = in.bits(1) != 0 ? p1 : m1;
        } else if (r != 15) {
          eobrun = 1 << r;
          if (r > 0) {
            eobrun += in.bits(r);
          }
          break;
        }
        // Refine the nonzero coefficients on the way; r counts the zero ones to pass over.
        while (k <= se) {
          int i = base + JpegDecoder.NATURAL[k];
          if (coef[i] != 0) {
            refine(coef, i, p1, m1);
          } else {
            if (r == 0) {
              break;
            }
            r--;
          }
          k++;
        }
        if (value != 0) {
          if (k > se) {
            throw SequentialScan.runPastEnd();
          }
          coef[base + JpegDecoder.NATURAL[k]] = (short) value;
        }
      }
    }
    if (eobrun > 0) {
      for (; k <= se; k++) {
        int i = base + JpegDecoder.NATURAL[k];
        if (coef[i] != 0) {
          refine(coef, i, p1, m1);
        }
      }
      eobrun--;
    }
  }

  private void refine(short[] coef, int i, int p1, int m1) {
    if (in.bits(1) != 0 && (coef[i] & p1) == 0) {
      coef[i] = (short) (coef[i] + (coef[i] >= 0 ? p1 : m1));
    }
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
        Idct.idct(ss, blk, q, ws, c.plane, offset, c.stride);
      }
    }
  }
}
