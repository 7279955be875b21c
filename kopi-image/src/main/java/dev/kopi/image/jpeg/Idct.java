package dev.kopi.image.jpeg;

/**
 * Inverse DCTs at four output sizes, with libjpeg's integer arithmetic ({@code jidctint.c}'s
 * "islow" for 8x8, {@code jidctred.c} for 4x4, 2x2 and 1x1) so that kopi's pixels agree with
 * libjpeg-turbo's, which Pillow uses. libjpeg skips the work for all-zero columns and rows; here
 * those tests are left out, as in SIMD implementations: they depend on the data, so they
 * mispredict, and cost more than the arithmetic they save, whose result is the same (measured on
 * the sample corpus's sequential JPEGs: 1.65 to 1.46 ms per image at 1/4, 2.30 to 2.15 at 1/2, 4.44
 * to 4.22 at full size, pixels byte-identical). A reduced IDCT computes the low-frequency outputs
 * of the full transform directly from the coefficients it needs: decoding at 1/8 of the size is one
 * multiplication per block.
 *
 * <p>Inputs are quantised coefficients in natural (row-major) order and the quantisation table in
 * the same order; outputs are written into {@code out} at {@code offset} with row stride {@code
 * stride}.
 */
final class Idct {
  private Idct() {}

  private static final int CONST_BITS = 13;
  private static final int PASS1_BITS = 2;

  private static final int FIX_0_211164243 = 1730;
  private static final int FIX_0_298631336 = 2446;
  private static final int FIX_0_390180644 = 3196;
  private static final int FIX_0_509795579 = 4176;
  private static final int FIX_0_541196100 = 4433;
  private static final int FIX_0_601344887 = 4926;
  private static final int FIX_0_720959822 = 5906;
  private static final int FIX_0_765366865 = 6270;
  private static final int FIX_0_850430095 = 6967;
  private static final int FIX_0_899976223 = 7373;
  private static final int FIX_1_061594337 = 8697;
  private static final int FIX_1_175875602 = 9633;
  private static final int FIX_1_272758580 = 10426;
  private static final int FIX_1_451774981 = 11893;
  private static final int FIX_1_501321110 = 12299;
  private static final int FIX_1_847759065 = 15137;
  private static final int FIX_1_961570560 = 16069;
  private static final int FIX_2_053119869 = 16819;
  private static final int FIX_2_172734803 = 17799;
  private static final int FIX_2_562915447 = 20995;
  private static final int FIX_3_072711026 = 25172;
  private static final int FIX_3_624509785 = 29692;

  /** Clamps a level-shifted sample ({@code x + 128}) to 0..255, as libjpeg's range limit does. */
  static byte clamp(int x) {
    x += 128;
    return (byte) (x < 0 ? 0 : x > 255 ? 255 : x);
  }

  private static int descale(int x, int n) {
    return (x + (1 << (n - 1))) >> n;
  }

  /** Dispatches on the output size (1, 2, 4 or 8). {@code ws} is 64 ints of scratch. */
  static void idct(int size, int[] c, int[] q, int[] ws, byte[] out, int offset, int stride) {
    switch (size) {
      case 8 -> idct8(c, q, ws, out, offset, stride);
      case 4 -> idct4(c, q, ws, out, offset, stride);
      case 2 -> idct2(c, q, out, offset, stride);
      default -> out[offset] = clamp(descale(c[0] * q[0], 3));
    }
  }

  /**
   * The 8x8 transform, without libjpeg's shortcuts for all-zero columns and rows (see the class
   * comment; {@link #idct8Low} keeps its own, where removing them made no difference).
   */
  static void idct8(int[] c, int[] q, int[] ws, byte[] out, int offset, int stride) {
    for (int col = 0; col < 8; col++) {
      int z2 = c[16 + col] * q[16 + col];
      int z3 = c[48 + col] * q[48 + col];
      int z1 = (z2 + z3) * FIX_0_541196100;
      int tmp2 = z1 + z3 * -FIX_1_847759065;
      int tmp3 = z1 + z2 * FIX_0_765366865;
      z2 = c[col] * q[col];
      z3 = c[32 + col] * q[32 + col];
      int tmp0 = (z2 + z3) << CONST_BITS;
      int tmp1 = (z2 - z3) << CONST_BITS;
      int tmp10 = tmp0 + tmp3;
      int tmp13 = tmp0 - tmp3;
      int tmp11 = tmp1 + tmp2;
      int tmp12 = tmp1 - tmp2;

      tmp0 = c[56 + col] * q[56 + col];
      tmp1 = c[40 + col] * q[40 + col];
      tmp2 = c[24 + col] * q[24 + col];
      tmp3 = c[8 + col] * q[8 + col];
      z1 = tmp0 + tmp3;
      z2 = tmp1 + tmp2;
      z3 = tmp0 + tmp2;
      int z4 = tmp1 + tmp3;
      int z5 = (z3 + z4) * FIX_1_175875602;
      tmp0 *= FIX_0_298631336;
      tmp1 *= FIX_2_053119869;
      tmp2 *= FIX_3_072711026;
      tmp3 *= FIX_1_501321110;
      z1 *= -FIX_0_899976223;
      z2 *= -FIX_2_562915447;
      z3 *= -FIX_1_961570560;
      z4 *= -FIX_0_390180644;
      z3 += z5;
      z4 += z5;
      tmp0 += z1 + z3;
      tmp1 += z2 + z4;
      tmp2 += z2 + z3;
      tmp3 += z1 + z4;

      int n = CONST_BITS - PASS1_BITS;
      ws[col] = descale(tmp10 + tmp3, n);
      ws[56 + col] = descale(tmp10 - tmp3, n);
      ws[8 + col] = descale(tmp11 + tmp2, n);
      ws[48 + col] = descale(tmp11 - tmp2, n);
      ws[16 + col] = descale(tmp12 + tmp1, n);
      ws[40 + col] = descale(tmp12 - tmp1, n);
      ws[24 + col] = descale(tmp13 + tmp0, n);
      ws[32 + col] = descale(tmp13 - tmp0, n);
    }
    for (int r = 0, o = offset; r < 64; r += 8, o += stride) {
      int z2 = ws[r + 2];
      int z3 = ws[r + 6];
      int z1 = (z2 + z3) * FIX_0_541196100;
      int tmp2 = z1 + z3 * -FIX_1_847759065;
      int tmp3 = z1 + z2 * FIX_0_765366865;
      int tmp0 = (ws[r] + ws[r + 4]) << CONST_BITS;
      int tmp1 = (ws[r] - ws[r + 4]) << CONST_BITS;
      int tmp10 = tmp0 + tmp3;
      int tmp13 = tmp0 - tmp3;
      int tmp11 = tmp1 + tmp2;
      int tmp12 = tmp1 - tmp2;

      tmp0 = ws[r + 7];
      tmp1 = ws[r + 5];
      tmp2 = ws[r + 3];
      tmp3 = ws[r + 1];
      z1 = tmp0 + tmp3;
      z2 = tmp1 + tmp2;
      z3 = tmp0 + tmp2;
      int z4 = tmp1 + tmp3;
      int z5 = (z3 + z4) * FIX_1_175875602;
      tmp0 *= FIX_0_298631336;
      tmp1 *= FIX_2_053119869;
      tmp2 *= FIX_3_072711026;
      tmp3 *= FIX_1_501321110;
      z1 *= -FIX_0_899976223;
      z2 *= -FIX_2_562915447;
      z3 *= -FIX_1_961570560;
      z4 *= -FIX_0_390180644;
      z3 += z5;
      z4 += z5;
      tmp0 += z1 + z3;
      tmp1 += z2 + z4;
      tmp2 += z2 + z3;
      tmp3 += z1 + z4;

      int n = CONST_BITS + PASS1_BITS + 3;
      out[o] = clamp(descale(tmp10 + tmp3, n));
      out[o + 7] = clamp(descale(tmp10 - tmp3, n));
      out[o + 1] = clamp(descale(tmp11 + tmp2, n));
      out[o + 6] = clamp(descale(tmp11 - tmp2, n));
      out[o + 2] = clamp(descale(tmp12 + tmp1, n));
      out[o + 5] = clamp(descale(tmp12 - tmp1, n));
      out[o + 3] = clamp(descale(tmp13 + tmp0, n));
      out[o + 4] = clamp(descale(tmp13 - tmp0, n));
    }
  }

  /**
   * {@link #idct8} for a block whose non-zero coefficients all lie in the top-left 4x4 (zig-zag
   * positions 0 to {@link #LOW_LAST}, common in chroma and in smooth areas). It is the same integer
   * arithmetic with the terms of the zero coefficients left out, so its output is identical, with
   * about half the multiplications and none of the zero tests on the empty half.
   */
  static final int LOW_LAST = 9;

  static void idct8Low(int[] c, int[] q, int[] ws, byte[] out, int offset, int stride) {
    for (int col = 0; col < 4; col++) {
      int r1 = c[8 + col] * q[8 + col];
      int r2 = c[16 + col] * q[16 + col];
      int r3 = c[24 + col] * q[24 + col];
      int r0 = c[col] * q[col];
      if ((r1 | r2 | r3) == 0) {
        int dc = r0 << PASS1_BITS;
        for (int r = 0; r < 64; r += 8) {
          ws[r + col] = dc;
        }
        continue;
      }
      int z1 = r2 * FIX_0_541196100;
      int tmp3 = z1 + r2 * FIX_0_765366865;
      int tmp0 = r0 << CONST_BITS;
      int tmp10 = tmp0 + tmp3;
      int tmp13 = tmp0 - tmp3;
      int tmp11 = tmp0 + z1;
      int tmp12 = tmp0 - z1;

      int z5 = (r3 + r1) * FIX_1_175875602;
      int o1 = r1 * -FIX_0_899976223;
      int o2 = r3 * -FIX_2_562915447;
      int o3 = r3 * -FIX_1_961570560 + z5;
      int o4 = r1 * -FIX_0_390180644 + z5;
      int t0 = o1 + o3;
      int t1 = o2 + o4;
      int t2 = r3 * FIX_3_072711026 + o2 + o3;
      int t3 = r1 * FIX_1_501321110 + o1 + o4;

      int n = CONST_BITS - PASS1_BITS;
      ws[col] = descale(tmp10 + t3, n);
      ws[56 + col] = descale(tmp10 - t3, n);
      ws[8 + col] = descale(tmp11 + t2, n);
      ws[48 + col] = descale(tmp11 - t2, n);
      ws[16 + col] = descale(tmp12 + t1, n);
      ws[40 + col] = descale(tmp12 - t1, n);
      ws[24 + col] = descale(tmp13 + t0, n);
      ws[32 + col] = descale(tmp13 - t0, n);
    }
    for (int r = 0, o = offset; r < 64; r += 8, o += stride) {
      int r0 = ws[r];
      int r1 = ws[r + 1];
      int r2 = ws[r + 2];
      int r3 = ws[r + 3];
      if ((r1 | r2 | r3) == 0) {
        byte v = clamp(descale(r0, PASS1_BITS + 3));
        for (int i = 0; i < 8; i++) {
          out[o + i] = v;
        }
        continue;
      }
      int z1 = r2 * FIX_0_541196100;
      int tmp3 = z1 + r2 * FIX_0_765366865;
      int tmp0 = r0 << CONST_BITS;
      int tmp10 = tmp0 + tmp3;
      int tmp13 = tmp0 - tmp3;
      int tmp11 = tmp0 + z1;
      int tmp12 = tmp0 - z1;

      int z5 = (r3 + r1) * FIX_1_175875602;
      int o1 = r1 * -FIX_0_899976223;
      int o2 = r3 * -FIX_2_562915447;
      int o3 = r3 * -FIX_1_961570560 + z5;
      int o4 = r1 * -FIX_0_390180644 + z5;
      int t0 = o1 + o3;
      int t1 = o2 + o4;
      int t2 = r3 * FIX_3_072711026 + o2 + o3;
      int t3 = r1 * FIX_1_501321110 + o1 + o4;

      int n = CONST_BITS + PASS1_BITS + 3;
      out[o] = clamp(descale(tmp10 + t3, n));
      out[o + 7] = clamp(descale(tmp10 - t3, n));
      out[o + 1] = clamp(descale(tmp11 + t2, n));
      out[o + 6] = clamp(descale(tmp11 - t2, n));
      out[o + 2] = clamp(descale(tmp12 + t1, n));
      out[o + 5] = clamp(descale(tmp12 - t1, n));
      out[o + 3] = clamp(descale(tmp13 + t0, n));
      out[o + 4] = clamp(descale(tmp13 - t0, n));
    }
  }

  /** The 4x4 transform, without shortcuts for all-zero columns and rows (see the class comment). */
  static void idct4(int[] c, int[] q, int[] ws, byte[] out, int offset, int stride) {
    // Column 4 does not contribute to a 4-point output.
    for (int col = 0; col < 8; col++) {
      if (col == 4) {
        continue;
      }
      int tmp0 = (c[col] * q[col]) << (CONST_BITS + 1);
      int z2 = c[16 + col] * q[16 + col];
      int z3 = c[48 + col] * q[48 + col];
      int tmp2 = z2 * FIX_1_847759065 + z3 * -FIX_0_765366865;
      int tmp10 = tmp0 + tmp2;
      int tmp12 = tmp0 - tmp2;

      int z1 = c[56 + col] * q[56 + col];
      z2 = c[40 + col] * q[40 + col];
      z3 = c[24 + col] * q[24 + col];
      int z4 = c[8 + col] * q[8 + col];
      tmp0 =
          z1 * -FIX_0_211164243
              + z2 * FIX_1_451774981
              + z3 * -FIX_2_172734803
              + z4 * FIX_1_061594337;
      tmp2 =
          z1 * -FIX_0_509795579
              + z2 * -FIX_0_601344887
              + z3 * FIX_0_899976223
              + z4 * FIX_2_562915447;

      int n = CONST_BITS - PASS1_BITS + 1;
      ws[col] = descale(tmp10 + tmp2, n);
      ws[24 + col] = descale(tmp10 - tmp2, n);
      ws[8 + col] = descale(tmp12 + tmp0, n);
      ws[16 + col] = descale(tmp12 - tmp0, n);
    }
    for (int r = 0, o = offset; r < 32; r += 8, o += stride) {
      int tmp0 = ws[r] << (CONST_BITS + 1);
      int tmp2 = ws[r + 2] * FIX_1_847759065 + ws[r + 6] * -FIX_0_765366865;
      int tmp10 = tmp0 + tmp2;
      int tmp12 = tmp0 - tmp2;
      int z1 = ws[r + 7];
      int z2 = ws[r + 5];
      int z3 = ws[r + 3];
      int z4 = ws[r + 1];
      tmp0 =
          z1 * -FIX_0_211164243
              + z2 * FIX_1_451774981
              + z3 * -FIX_2_172734803
              + z4 * FIX_1_061594337;
      tmp2 =
          z1 * -FIX_0_509795579
              + z2 * -FIX_0_601344887
              + z3 * FIX_0_899976223
              + z4 * FIX_2_562915447;
      int n = CONST_BITS + PASS1_BITS + 3 + 1;
      out[o] = clamp(descale(tmp10 + tmp2, n));
      out[o + 3] = clamp(descale(tmp10 - tmp2, n));
      out[o + 1] = clamp(descale(tmp12 + tmp0, n));
      out[o + 2] = clamp(descale(tmp12 - tmp0, n));
    }
  }

  /**
   * {@link #idct4} for a block whose non-zero coefficients all lie in the top-left 4x4 (zig-zag
   * positions 0 to {@link #LOW_LAST}), as {@link #idct8Low} is for the 8x8 transform: the same
   * integer arithmetic with the terms of the zero coefficients left out, so the output is
   * identical, from four columns instead of seven and about a third of the multiplications.
   */
  static void idct4Low(int[] c, int[] q, int[] ws, byte[] out, int offset, int stride) {
    for (int col = 0; col < 4; col++) {
      int tmp0 = (c[col] * q[col]) << (CONST_BITS + 1);
      int tmp2 = c[16 + col] * q[16 + col] * FIX_1_847759065;
      int tmp10 = tmp0 + tmp2;
      int tmp12 = tmp0 - tmp2;
      int z3 = c[24 + col] * q[24 + col];
      int z4 = c[8 + col] * q[8 + col];
      tmp0 = z3 * -FIX_2_172734803 + z4 * FIX_1_061594337;
      tmp2 = z3 * FIX_0_899976223 + z4 * FIX_2_562915447;
      int n = CONST_BITS - PASS1_BITS + 1;
      ws[col] = descale(tmp10 + tmp2, n);
      ws[24 + col] = descale(tmp10 - tmp2, n);
      ws[8 + col] = descale(tmp12 + tmp0, n);
      ws[16 + col] = descale(tmp12 - tmp0, n);
    }
    for (int r = 0, o = offset; r < 32; r += 8, o += stride) {
      int tmp0 = ws[r] << (CONST_BITS + 1);
      int tmp2 = ws[r + 2] * FIX_1_847759065;
      int tmp10 = tmp0 + tmp2;
      int tmp12 = tmp0 - tmp2;
      int z3 = ws[r + 3];
      int z4 = ws[r + 1];
      tmp0 = z3 * -FIX_2_172734803 + z4 * FIX_1_061594337;
      tmp2 = z3 * FIX_0_899976223 + z4 * FIX_2_562915447;
      int n = CONST_BITS + PASS1_BITS + 3 + 1;
      out[o] = clamp(descale(tmp10 + tmp2, n));
      out[o + 3] = clamp(descale(tmp10 - tmp2, n));
      out[o + 1] = clamp(descale(tmp12 + tmp0, n));
      out[o + 2] = clamp(descale(tmp12 - tmp0, n));
    }
  }

  /**
   * The 2x2 transform, without shortcuts for all-zero columns and rows (see the class comment):
   * with a zero odd part the general formulas give the shortcuts' values, {@code (dc << 15 + 2^12)
   * >> 13 = dc << 2} and {@code (w << 15 + 2^19) >> 20 = (w + 16) >> 5}.
   */
  static void idct2(int[] c, int[] q, byte[] out, int offset, int stride) {
    // Columns 0, 1, 3, 5 and 7; the even ones but the first do not contribute to a 2-point output.
    int e0 = (c[0] * q[0]) << (CONST_BITS + 2);
    int e1 = (c[1] * q[1]) << (CONST_BITS + 2);
    int e3 = (c[3] * q[3]) << (CONST_BITS + 2);
    int e5 = (c[5] * q[5]) << (CONST_BITS + 2);
    int e7 = (c[7] * q[7]) << (CONST_BITS + 2);
    int o0 = odd2(c, q, 0);
    int o1 = odd2(c, q, 1);
    int o3 = odd2(c, q, 3);
    int o5 = odd2(c, q, 5);
    int o7 = odd2(c, q, 7);
    int n = CONST_BITS - PASS1_BITS + 2;
    row2(
        descale(e0 + o0, n),
        descale(e1 + o1, n),
        descale(e3 + o3, n),
        descale(e5 + o5, n),
        descale(e7 + o7, n),
        out,
        offset);
    row2(
        descale(e0 - o0, n),
        descale(e1 - o1, n),
        descale(e3 - o3, n),
        descale(e5 - o5, n),
        descale(e7 - o7, n),
        out,
        offset + stride);
  }

  /** The odd part of a 2-point column: rows 1, 3, 5 and 7. */
  private static int odd2(int[] c, int[] q, int col) {
    return c[56 + col] * q[56 + col] * -FIX_0_720959822
        + c[40 + col] * q[40 + col] * FIX_0_850430095
        + c[24 + col] * q[24 + col] * -FIX_1_272758580
        + c[8 + col] * q[8 + col] * FIX_3_624509785;
  }

  /** One output row of the 2x2 transform from its columns 0, 1, 3, 5 and 7. */
  private static void row2(int w0, int w1, int w3, int w5, int w7, byte[] out, int o) {
    int tmp10 = w0 << (CONST_BITS + 2);
    int tmp0 =
        w7 * -FIX_0_720959822 + w5 * FIX_0_850430095 + w3 * -FIX_1_272758580 + w1 * FIX_3_624509785;
    int n = CONST_BITS + PASS1_BITS + 3 + 2;
    out[o] = clamp(descale(tmp10 + tmp0, n));
    out[o + 1] = clamp(descale(tmp10 - tmp0, n));
  }
}
