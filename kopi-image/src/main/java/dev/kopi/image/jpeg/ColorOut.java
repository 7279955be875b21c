package dev.kopi.image.jpeg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Turns decoded component planes into interleaved RGB: upsamples each component to the output
 * resolution the way libjpeg-turbo does (its "fancy" triangle filters where it uses them, sample
 * replication elsewhere), converts the colour space with libjpeg's integer arithmetic, and maps
 * CMYK to RGB the way Pillow's {@code convert("RGB")} does.
 */
final class ColorOut {
  private ColorOut() {}

  /** The stored colour space. */
  enum Space {
    GREY,
    YCBCR,
    RGB,
    CMYK,
    YCCK
  }

  private static final int SCALEBITS = 16;
  private static final int ONE_HALF = 1 << (SCALEBITS - 1);
  // libjpeg's FIX(x) factors for YCbCr to RGB (jdcolor.c).
  private static final int R_CR = fix(1.40200);
  private static final int B_CB = fix(1.77200);
  private static final int G_CR = fix(0.71414);
  private static final int G_CB = fix(0.34414);

  /** 4-byte little-endian stores into the output image. */
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private static int fix(double x) {
    return (int) (x * (1L << SCALEBITS) + 0.5);
  }

  static byte[] render(
      Component[] components, Space space, int outW, int outH, int hMax, int vMax, int minScaled) {
    int n = components.length;
    Upsampler[] up = new Upsampler[n];
    for (int i = 0; i < n; i++) {
      up[i] = new Upsampler(components[i], outW, hMax, vMax, minScaled);
    }
    byte[] out = new byte[Math.multiplyExact(outW * 3, outH)];
    if (space == Space.YCBCR) {
      ycc(components, up, out, outW, outH);
      return out;
    }
    byte[][] rows = new byte[n][];
    int[] offs = new int[n];
    // YCCK's first three components go through the YCbCr conversion into these.
    int[][] ycc = space == Space.YCCK ? new int[4][outW] : null;
    for (int y = 0, o = 0; y < outH; y++, o += 3 * outW) {
      for (int i = 0; i < n; i++) {
        rows[i] = up[i].row(y);
        offs[i] = up[i].rowOffset;
      }
      switch (space) {
        case GREY -> grey(rows[0], offs[0], out, o, outW);
        case RGB -> rgb(rows, offs, out, o, outW);
        case CMYK -> cmyk(rows, offs, null, out, o, outW);
        case YCCK -> {
          int[][] t = Objects.requireNonNull(ycc);
          for (int i = 0; i < 3; i++) {
            widen(rows[i], offs[i], t[i], outW);
          }
          yccRow(t[0], t[1], t[2], t[3], outW);
          cmyk(rows, offs, t[3], out, o, outW);
        }
        case YCBCR -> throw new AssertionError(space);
      }
    }
    return out;
  }

  private static void grey(byte[] g, int go, byte[] out, int o, int w) {
    for (int x = 0; x < w; x++, o += 3) {
      byte v = g[go + x];
      out[o] = v;
      out[o + 1] = v;
      out[o + 2] = v;
    }
  }

  /**
   * YCbCr to RGB, a row at a time: the three components' samples are widened into int rows, then
   * {@link #yccRow} converts them. In the common 4:2:0 case the chroma comes straight from the
   * triangle filter's column sums ({@link Upsampler#sums}), and the row is converted as two halves,
   * its even and its odd pixels: the filter gives even and odd output columns different weights, so
   * each half's chroma is a plain loop (which C2 vectorises) where the whole row's would alternate;
   * the halves are interleaved again by the stores, which are per pixel anyway.
   */
  private static void ycc(Component[] components, Upsampler[] up, byte[] out, int w, int h) {
    if (Upsampler.fusable(up, w)) {
      yccH2V2(components, up, out, w, h);
      return;
    }
    int[] ys = new int[w];
    int[] cbs = new int[w];
    int[] crs = new int[w];
    int[] rgb = new int[w];
    for (int y = 0, o = 0; y < h; y++, o += 3 * w) {
      widen(up[0].row(y), up[0].rowOffset, ys, w);
      widen(up[1].row(y), up[1].rowOffset, cbs, w);
      widen(up[2].row(y), up[2].rowOffset, crs, w);
      yccRow(ys, cbs, crs, rgb, w);
      store(rgb, out, o, w);
    }
  }

  private static void yccH2V2(Component[] components, Upsampler[] up, byte[] out, int w, int h) {
    Component luma = components[0];
    int evens = (w + 1) >> 1;
    int odds = w >> 1;
    int[] cbSums = new int[components[1].width + 2];
    int[] crSums = new int[components[2].width + 2];
    int[] yEven = new int[evens];
    int[] yOdd = new int[odds];
    int[] cbEven = new int[evens];
    int[] cbOdd = new int[odds];
    int[] crEven = new int[evens];
    int[] crOdd = new int[odds];
    int[] rgbEven = new int[evens];
    int[] rgbOdd = new int[odds];
    for (int y = 0, o = 0; y < h; y++, o += 3 * w) {
      up[1].sums(y, cbSums);
      up[2].sums(y, crSums);
      triangle(cbSums, cbEven, cbOdd, w);
      triangle(crSums, crEven, crOdd, w);
      split(luma.plane, y * luma.stride, yEven, yOdd, w);
      yccRow(yEven, cbEven, crEven, rgbEven, evens);
      yccRow(yOdd, cbOdd, crOdd, rgbOdd, odds);
      storePairs(rgbEven, rgbOdd, out, o, w);
    }
  }

  private static void widen(byte[] src, int off, int[] dst, int w) {
    for (int x = 0; x < w; x++) {
      dst[x] = src[off + x] & 0xFF;
    }
  }

  /** Widens the even and the odd samples of a row of {@code w} into two int rows. */
  private static void split(byte[] src, int off, int[] even, int[] odd, int w) {
    for (int i = 0, n = w >> 1; i < n; i++) {
      even[i] = src[off + 2 * i] & 0xFF;
      odd[i] = src[off + 2 * i + 1] & 0xFF;
    }
    if ((w & 1) != 0) {
      even[w >> 1] = src[off + w - 1] & 0xFF;
    }
  }

  /**
   * The horizontal step of libjpeg-turbo's 2x2 triangle filter ({@link Upsampler#h2v2}) from the
   * column sums {@link Upsampler#sums} gives, for the even and the odd output columns of a row of
   * {@code w}: column {@code 2i} leans left, {@code 2i + 1} right, with libjpeg's two biases. The
   * sums are padded with a copy of the edge sum at both ends, which is what the filter's edge cases
   * compute.
   */
  private static void triangle(int[] sums, int[] even, int[] odd, int w) {
    for (int i = 0, n = (w + 1) >> 1; i < n; i++) {
      even[i] = (3 * sums[i + 1] + sums[i] + 8) >> 4;
    }
    for (int i = 0, n = w >> 1; i < n; i++) {
      odd[i] = (3 * sums[i + 1] + sums[i + 2] + 7) >> 4;
    }
  }

  /**
   * Converts {@code w} samples of Y, Cb and Cr (each 0..255) into pixels packed as {@code r | g <<
   * 8 | b << 16}, with libjpeg's integer arithmetic ({@code jdcolor.c}: 16-bit fixed-point factors,
   * rounded the same way, so the same bytes as its tables). One loop per channel, not one for all
   * three: C2 compiles each of these to SIMD instructions, but not a loop that computes all three.
   * With the rest of this row-at-a-time conversion, a full-size decode of the bench corpus's
   * sequential JPEGs runs 1.2x faster than with libjpeg's per-pixel table lookups.
   */
  static void yccRow(int[] ys, int[] cbs, int[] crs, int[] rgb, int w) {
    for (int x = 0; x < w; x++) {
      rgb[x] = clamp255(ys[x] + ((R_CR * (crs[x] - 128) + ONE_HALF) >> SCALEBITS));
    }
    for (int x = 0; x < w; x++) {
      int g = ys[x] + ((-G_CB * (cbs[x] - 128) - G_CR * (crs[x] - 128) + ONE_HALF) >> SCALEBITS);
      rgb[x] |= clamp255(g) << 8;
    }
    for (int x = 0; x < w; x++) {
      rgb[x] |= clamp255(ys[x] + ((B_CB * (cbs[x] - 128) + ONE_HALF) >> SCALEBITS)) << 16;
    }
  }

  /** Clamps to 0..255, in the form C2 vectorises (a ternary one is not). */
  private static int clamp255(int x) {
    return Math.min(255, Math.max(0, x));
  }

  /**
   * Writes {@code w} packed pixels as RGB bytes from {@code out[o]}: one 4-byte store per pixel,
   * whose fourth byte the next pixel's store overwrites, instead of three 1-byte stores; the row's
   * last pixel is written bytewise, so nothing past the row is touched.
   */
  private static void store(int[] rgb, byte[] out, int o, int w) {
    for (int x = 0; x < w - 1; x++, o += 3) {
      INTS.set(out, o, rgb[x]);
    }
    put3(out, o, rgb[w - 1]);
  }

  /** {@link #store} for a row held as its even and its odd pixels. */
  private static void storePairs(int[] even, int[] odd, byte[] out, int o, int w) {
    int i = 0;
    // Both stores of a pair spill into a pixel that follows while 2i + 2 < w.
    for (; 2 * i + 2 < w; i++, o += 6) {
      INTS.set(out, o, even[i]);
      INTS.set(out, o + 3, odd[i]);
    }
    if (2 * i + 1 < w) {
      INTS.set(out, o, even[i]);
      put3(out, o + 3, odd[i]);
    } else {
      put3(out, o, even[i]);
    }
  }

  private static void put3(byte[] out, int o, int rgb) {
    out[o] = (byte) rgb;
    out[o + 1] = (byte) (rgb >> 8);
    out[o + 2] = (byte) (rgb >> 16);
  }

  private static void rgb(byte[][] rows, int[] offs, byte[] out, int o, int w) {
    for (int x = 0; x < w; x++, o += 3) {
      out[o] = rows[0][offs[0] + x];
      out[o + 1] = rows[1][offs[1] + x];
      out[o + 2] = rows[2][offs[2] + x];
    }
  }

  /**
   * CMYK as stored by Adobe applications is inverted; Pillow assumes so for every CMYK JPEG and
   * then converts with {@code 255 - k' - c' * (255 - k') / 255}. For YCCK, {@code ycck} holds the
   * row's first three components converted from YCbCr (packed as {@link #yccRow} packs them), which
   * libjpeg turns back into stored CMYK as {@code 255 - rgb}.
   */
  private static void cmyk(
      byte[][] rows, int[] offs, int @Nullable [] ycck, byte[] out, int o, int w) {
    for (int x = 0; x < w; x++, o += 3) {
      int c;
      int m;
      int ye;
      if (ycck == null) {
        c = rows[0][offs[0] + x] & 0xFF;
        m = rows[1][offs[1] + x] & 0xFF;
        ye = rows[2][offs[2] + x] & 0xFF;
      } else {
        int rgb = ycck[x];
        c = 255 - (rgb & 0xFF);
        m = 255 - ((rgb >> 8) & 0xFF);
        ye = 255 - ((rgb >> 16) & 0xFF);
      }
      // Pillow's "CMYK;I" raw mode inverts all four; then cmyk2rgb with nk = 255 - k.
      int nk = rows[3][offs[3] + x] & 0xFF;
      out[o] = (byte) clamp255(nk - mulDiv255(255 - c, nk));
      out[o + 1] = (byte) clamp255(nk - mulDiv255(255 - m, nk));
      out[o + 2] = (byte) clamp255(nk - mulDiv255(255 - ye, nk));
    }
  }

  private static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }

  /**
   * Produces one component's rows at the output resolution. Ratios of 2 use libjpeg-turbo's
   * triangle ("fancy") filters when it would (not at 1/8, where it turns them off), other integral
   * ratios replicate samples. Rows above and below the plane's data repeat its edge rows, as
   * libjpeg's context rows do.
   */
  static final class Upsampler {
    private final Component c;
    private final int rh;
    private final int rv;
    private final boolean fancyH;
    private final boolean fancyV;
    private final byte[] buf;
    private final int[] colSums;
    private final int[][] wide;
    private final int[] wideRow = {-1, -1, -1};
    int rowOffset;

    Upsampler(Component c, int outW, int hMax, int vMax, int minScaled) {
      this.c = c;
      this.rh = hMax * minScaled / (c.h * c.scaled);
      this.rv = vMax * minScaled / (c.v * c.scaled);
      boolean fancy = minScaled > 1;
      boolean h2 = rh == 2 && fancy && c.width > 2;
      this.fancyV = rv == 2 && fancy && (rh == 1 || h2);
      this.fancyH = h2 && (rv == 1 || fancyV);
      this.buf = new byte[Math.max(outW, c.width * rh) + 2];
      this.colSums = new int[c.width];
      this.wide = new int[fancyH && fancyV ? 3 : 0][c.width + 2];
    }

    /**
     * Whether the chroma upsampling of a three-component image can be fused into the colour
     * conversion: luma at output resolution, both chroma planes 2x2 with the triangle filter and
     * wide enough for every output column.
     */
    static boolean fusable(Upsampler[] up, int outW) {
      return up.length == 3
          && up[0].rh == 1
          && up[0].rv == 1
          && up[1].fancyH
          && up[1].fancyV
          && up[2].fancyH
          && up[2].fancyV
          && up[1].c.width == up[2].c.width
          && 2 * up[1].c.width >= outW;
    }

    /**
     * The vertical step of the 2x2 triangle filter for output row {@code y}: {@code 3 * near + far}
     * per input column, into {@code sums[1 .. width]}, with {@code sums[0]} and {@code sums[width +
     * 1]} repeating the edge values. Each input row is widened to ints once ({@link #widened}), for
     * the two or three output rows that use it, so that this is a loop of int arithmetic that C2
     * vectorises.
     */
    void sums(int y, int[] sums) {
      int inRow = Math.min(y / rv, c.height - 1);
      boolean upper = (y & 1) == 0;
      int other = Math.max(0, Math.min(c.height - 1, upper ? inRow - 1 : inRow + 1));
      int[] near = widened(inRow);
      int[] far = widened(other);
      for (int x = 0, n = c.width + 2; x < n; x++) {
        sums[x] = 3 * near[x] + far[x];
      }
    }

    /**
     * Input row {@code row} as ints at {@code [1 .. width]}, with the edge samples repeated at
     * {@code [0]} and {@code [width + 1]}. Three rows are kept, by row number modulo 3: output rows
     * go down the image and each reads an input row and one of its neighbours.
     */
    private int[] widened(int row) {
      int slot = row % 3;
      int[] w = wide[slot];
      if (wideRow[slot] != row) {
        wideRow[slot] = row;
        byte[] p = c.plane;
        int base = row * c.stride;
        int n = c.width;
        for (int x = 0; x < n; x++) {
          w[x + 1] = p[base + x] & 0xFF;
        }
        w[0] = w[1];
        w[n + 1] = w[n];
      }
      return w;
    }

    /** The output row {@code y}: a reference into the plane or into a scratch row. */
    byte[] row(int y) {
      if (rh == 1 && rv == 1) {
        rowOffset = y * c.stride;
        return c.plane;
      }
      rowOffset = 0;
      int inRow = Math.min(y / rv, c.height - 1);
      int base = inRow * c.stride;
      byte[] p = c.plane;
      if (fancyV) {
        // The nearer input row weighs 3, the other 1; upper output rows look up, lower look down.
        boolean upper = (y & 1) == 0;
        int other = Math.max(0, Math.min(c.height - 1, upper ? inRow - 1 : inRow + 1));
        int ob = other * c.stride;
        for (int x = 0; x < c.width; x++) {
          colSums[x] = 3 * (p[base + x] & 0xFF) + (p[ob + x] & 0xFF);
        }
        if (!fancyH) {
          int bias = upper ? 1 : 2;
          for (int x = 0; x < c.width; x++) {
            buf[x] = (byte) ((colSums[x] + bias) >> 2);
          }
          return buf;
        }
        h2v2(c.width);
        return buf;
      }
      if (fancyH) {
        h2v1(p, base, c.width);
        return buf;
      }
      for (int x = 0, o = 0; x < c.width; x++) {
        byte v = p[base + x];
        for (int i = 0; i < rh; i++) {
          buf[o++] = v;
        }
      }
      return buf;
    }

    private void h2v1(byte[] p, int base, int w) {
      int o = 0;
      int cur = p[base] & 0xFF;
      buf[o++] = (byte) cur;
      buf[o++] = (byte) ((cur * 3 + (p[base + 1] & 0xFF) + 2) >> 2);
      for (int x = 1; x < w - 1; x++) {
        int v = (p[base + x] & 0xFF) * 3;
        buf[o++] = (byte) ((v + (p[base + x - 1] & 0xFF) + 1) >> 2);
        buf[o++] = (byte) ((v + (p[base + x + 1] & 0xFF) + 2) >> 2);
      }
      cur = p[base + w - 1] & 0xFF;
      buf[o++] = (byte) ((cur * 3 + (p[base + w - 2] & 0xFF) + 1) >> 2);
      buf[o] = (byte) cur;
    }

    private void h2v2(int w) {
      int[] s = colSums;
      int o = 0;
      buf[o++] = (byte) ((s[0] * 4 + 8) >> 4);
      buf[o++] = (byte) ((s[0] * 3 + s[1] + 7) >> 4);
      for (int x = 1; x < w - 1; x++) {
        buf[o++] = (byte) ((s[x] * 3 + s[x - 1] + 8) >> 4);
        buf[o++] = (byte) ((s[x] * 3 + s[x + 1] + 7) >> 4);
      }
      buf[o++] = (byte) ((s[w - 1] * 3 + s[w - 2] + 8) >> 4);
      buf[o] = (byte) ((s[w - 1] * 4 + 7) >> 4);
    }
  }
}
