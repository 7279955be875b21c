package dev.kopi.image.resize;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Shrinks interleaved 8-bit images by whole factors, exactly as Pillow's {@code
 * Image.reduce((factorX, factorY))} does (the reference is Pillow 9.4): every output pixel is the
 * rounded mean of a {@code factorX x factorY} box of source pixels. When a size is not a multiple
 * of its factor, the output size is rounded up and the last column and row of boxes average only
 * the source pixels that exist.
 *
 * <p><b>Images.</b> As for {@link Resampler}: {@code width * height * channels} unsigned samples,
 * row-major, channels interleaved, no padding; {@code channels} is 1 (Pillow "L"), 3 ("RGB") or 4
 * ("RGBA", straight alpha). Like Pillow, 4-channel images are premultiplied by alpha before
 * averaging and divided back afterwards (so transparent pixels do not bleed colour), except for the
 * factor {@code (1, 1)}, which is a plain copy.
 *
 * <p><b>Streaming.</b> {@link Rows} reduces an image whose rows arrive one at a time (a decoder's
 * output) while holding one row of sums (of output samples, and for boxes of four rows or more also
 * of source samples); {@link #reduce} is that same code run over a whole array, so both give the
 * same bytes.
 *
 * <p><b>Thread safety.</b> The static methods keep no state and may be called from any number of
 * threads; a {@link Rows} instance belongs to one thread at a time.
 */
public final class Reduce {
  /*
   * Pillow's arithmetic (src/libImaging/Reduce.c, ImagingReduceNxN and ImagingReduceCorners;
   * the specialised 1xN, Nx1, 2x2 ... 5x5 routines compute the same values): for a box of n
   * pixels, out = ((sum + n / 2) * multiplier) >> 24 in unsigned 32-bit integers, where
   * multiplier = (uint32) ((float) 2^32 / (float) (256 * n)) is computed in single precision
   * and truncated. For n a power of two this is (sum + n / 2) >> log2(n); otherwise the float
   * rounding of the multiplier decides some ties, which is why the formula is reproduced
   * literally rather than as round(sum / n). A partial box at the right or bottom edge uses its
   * own pixel count n. Sums are integers, so the order in which rows are added does not matter.
   */

  /**
   * The largest box, in pixels, that Pillow's 32-bit arithmetic averages correctly ({@code 2^24 -
   * 1}); {@code factorX * factorY} must not exceed it.
   */
  public static final int MAX_BOX_AREA = (1 << 24) - 1;

  /**
   * The shortest box for which grey and RGB rows are summed a column at a time, eight samples per
   * 64-bit word, rather than box by box. Measured on an 800x600 RGB image reduced by (f, f): 1.4x
   * as fast at f = 4 and 2.0x at 6, about the same at 3 (1.05x), and 0.9x at 2, where turning the
   * columns back into boxes every other row costs more than the words save.
   */
  static final int MIN_COLUMN_FACTOR = 4;

  /** Rows of byte samples that 16-bit lanes can add up without overflowing: 257 * 255 = 65535. */
  static final int MAX_LANE_ROWS = 257;

  private static final long EVEN_BYTES = 0x00FF00FF00FF00FFL;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private Reduce() {}

  /**
   * The reduced length of an axis of {@code size} pixels: {@code ceil(size / factor)}.
   *
   * @throws IllegalArgumentException if {@code size < 1} or {@code factor < 1}
   */
  public static int reducedSize(int size, int factor) {
    if (size < 1) {
      throw invalid("size >= 1", size);
    }
    if (factor < 1) {
      throw invalid("factor >= 1", factor);
    }
    return (int) (((long) size + factor - 1) / factor);
  }

  /**
   * Reduces a whole image, like Pillow's {@code image.reduce((factorX, factorY))}.
   *
   * @param src the source image, {@code width * height * channels} bytes; not modified
   * @param width source width in pixels, at least 1
   * @param height source height in pixels, at least 1
   * @param channels samples per pixel: 1, 3 or 4
   * @param factorX horizontal factor, at least 1
   * @param factorY vertical factor, at least 1; {@code factorX * factorY <= MAX_BOX_AREA}
   * @return a new array of {@code reducedSize(width, factorX) * reducedSize(height, factorY) *
   *     channels} bytes
   * @throws NullPointerException if {@code src} is null
   * @throws IllegalArgumentException if an argument breaks a rule above, naming the rule and value
   */
  public static byte[] reduce(
      byte[] src, int width, int height, int channels, int factorX, int factorY) {
    Objects.requireNonNull(src, "src");
    long expected = (long) width * height * channels;
    validate(width, height, channels, factorX, factorY);
    if (src.length != expected) {
      throw invalid("src.length == width * height * channels (" + expected + ")", src.length);
    }
    int outW = reducedSize(width, factorX);
    int outH = reducedSize(height, factorY);
    byte[] dst = new byte[Math.multiplyExact(Math.multiplyExact(outW, outH), channels)];
    Rows rows = new Rows(width, height, channels, factorX, factorY, dst, 0);
    int rowBytes = width * channels;
    for (int y = 0, p = 0; y < height; y++, p += rowBytes) {
      rows.add(src, p);
    }
    return dst;
  }

  /**
   * Reduces an image fed one source row at a time, top to bottom, writing each output row to the
   * destination as soon as its last source row has been added. Holds one row of sums: of output
   * samples, and for grey and RGB boxes at least {@link #MIN_COLUMN_FACTOR} rows tall also of
   * source samples (about six bytes of sums a source byte).
   *
   * <p>Not thread-safe: one thread feeds an instance (or callers hand it over with a happens-before
   * edge). The destination is complete once all {@code height} rows were added.
   */
  public static final class Rows {
    private final int width;
    private final int height;
    private final int channels;
    private final int factorX;
    private final int factorY;
    private final byte[] dst;
    private final int dstOffset;
    private final int outWidth;
    private final boolean identity;
    private final boolean premultiply;
    // Unsigned running sums of the current band of source rows, one per output sample; a box of
    // up to 2^24 - 1 pixels of 255 fits in 32 unsigned bits.
    private final int[] sums;
    // Column sums (grey and RGB with factorY >= MIN_COLUMN_FACTOR; else empty): each source row
    // is read eight samples at a time and added into 16-bit lanes, the even samples of each word
    // into evenLanes and the odd ones into oddLanes; every MAX_LANE_ROWS rows and at the end of
    // a band the lanes are moved into columns, one int per source sample, which the band's end
    // then sums box by box into sums.
    private final long[] evenLanes;
    private final long[] oddLanes;
    private final int[] columns;
    private int laneRows;
    private int rowsAdded;
    private int bandRows;
    private int outRow;

    /**
     * Prepares to reduce a {@code width x height} image into {@code dst} from {@code dstOffset}.
     *
     * @param width source width in pixels, at least 1
     * @param height source height in pixels, at least 1
     * @param channels samples per pixel: 1, 3 or 4
     * @param factorX horizontal factor, at least 1
     * @param factorY vertical factor, at least 1; {@code factorX * factorY <= MAX_BOX_AREA}
     * @param dst receives the {@code reducedSize(width, factorX) * reducedSize(height, factorY) *
     *     channels} output bytes; no other byte of it is touched
     * @param dstOffset where the output starts in {@code dst}
     * @throws NullPointerException if {@code dst} is null
     * @throws IllegalArgumentException if an argument breaks a rule above or the output does not
     *     fit in {@code dst} from {@code dstOffset}
     */
    public Rows(
        int width, int height, int channels, int factorX, int factorY, byte[] dst, int dstOffset) {
      validate(width, height, channels, factorX, factorY);
      Objects.requireNonNull(dst, "dst");
      this.outWidth = reducedSize(width, factorX);
      long outLength = (long) outWidth * reducedSize(height, factorY) * channels;
      if (dstOffset < 0) {
        throw invalid("dstOffset >= 0", dstOffset);
      }
      if (dstOffset + outLength > dst.length) {
        throw invalid(
            "dstOffset + reduced width * reduced height * channels <= dst.length ("
                + dst.length
                + ")",
            dstOffset + outLength);
      }
      this.width = width;
      this.height = height;
      this.channels = channels;
      this.factorX = factorX;
      this.factorY = factorY;
      this.dst = dst;
      this.dstOffset = dstOffset;
      this.identity = factorX == 1 && factorY == 1;
      this.premultiply = channels == 4 && !identity;
      this.sums = new int[identity ? 0 : outWidth * channels];
      boolean byColumns = !identity && !premultiply && factorY >= MIN_COLUMN_FACTOR;
      int words = byColumns ? (width * channels + 7) >>> 3 : 0;
      this.evenLanes = new long[words];
      this.oddLanes = new long[words];
      this.columns = new int[words * 8];
    }

    /**
     * Adds the next source row: {@code width * channels} bytes of {@code row} from {@code offset}.
     *
     * @throws IndexOutOfBoundsException if the row does not fit in {@code row} from {@code offset}
     * @throws IllegalStateException if all {@code height} rows were already added
     */
    public void add(byte[] row, int offset) {
      int rowBytes = width * channels;
      Objects.checkFromIndexSize(offset, rowBytes, row.length);
      if (rowsAdded == height) {
        throw new IllegalStateException("all " + height + " rows were already added");
      }
      rowsAdded++;
      if (identity) {
        System.arraycopy(row, offset, dst, dstOffset + (rowsAdded - 1) * rowBytes, rowBytes);
        return;
      }
      if (evenLanes.length != 0) {
        addLanes(row, offset, rowBytes);
      } else {
        switch (channels) {
          case 1 -> add1(row, offset);
          case 3 -> add3(row, offset);
          default -> add4(row, offset);
        }
      }
      bandRows++;
      if (bandRows == factorY || rowsAdded == height) {
        emit();
      }
    }

    /** Whether all {@code height} rows have been added, so the output is complete. */
    public boolean complete() {
      return rowsAdded == height;
    }

    private void addLanes(byte[] row, int offset, int rowBytes) {
      long[] even = evenLanes;
      long[] odd = oddLanes;
      int whole = rowBytes >>> 3;
      for (int i = 0, p = offset; i < whole; i++, p += 8) {
        long w = (long) LONGS.get(row, p);
        even[i] += w & EVEN_BYTES;
        odd[i] += (w >>> 8) & EVEN_BYTES;
      }
      if (whole < even.length) {
        long w = 0;
        for (int p = offset + rowBytes - 1; p >= offset + (whole << 3); p--) {
          w = (w << 8) | (row[p] & 0xff);
        }
        even[whole] += w & EVEN_BYTES;
        odd[whole] += (w >>> 8) & EVEN_BYTES;
      }
      if (++laneRows == MAX_LANE_ROWS) {
        flushLanes();
      }
    }

    /** Moves the lanes' sums into {@link #columns} and clears the lanes. */
    private void flushLanes() {
      long[] even = evenLanes;
      long[] odd = oddLanes;
      int[] col = columns;
      for (int i = 0, c = 0; i < even.length; i++, c += 8) {
        long e = even[i];
        long o = odd[i];
        col[c] += (int) e & 0xFFFF;
        col[c + 1] += (int) o & 0xFFFF;
        col[c + 2] += (int) (e >>> 16) & 0xFFFF;
        col[c + 3] += (int) (o >>> 16) & 0xFFFF;
        col[c + 4] += (int) (e >>> 32) & 0xFFFF;
        col[c + 5] += (int) (o >>> 32) & 0xFFFF;
        col[c + 6] += (int) (e >>> 48);
        col[c + 7] += (int) (o >>> 48);
      }
      Arrays.fill(even, 0);
      Arrays.fill(odd, 0);
      laneRows = 0;
    }

    /** Sums the band's columns box by box into {@link #sums}, and clears the columns. */
    private void sumColumns() {
      flushLanes();
      int[] col = columns;
      int[] s = sums;
      if (channels == 1) {
        for (int ox = 0, x = 0; ox < outWidth; ox++, x += factorX) {
          int end = x + Math.min(factorX, width - x);
          int s0 = 0;
          for (int p = x; p < end; p++) {
            s0 += col[p];
          }
          s[ox] = s0;
        }
      } else {
        for (int ox = 0, x = 0, o = 0; ox < outWidth; ox++, x += factorX, o += 3) {
          int end = 3 * (x + Math.min(factorX, width - x));
          int s0 = 0;
          int s1 = 0;
          int s2 = 0;
          for (int p = 3 * x; p < end; p += 3) {
            s0 += col[p];
            s1 += col[p + 1];
            s2 += col[p + 2];
          }
          s[o] = s0;
          s[o + 1] = s1;
          s[o + 2] = s2;
        }
      }
      Arrays.fill(col, 0);
    }

    private void add1(byte[] row, int offset) {
      int[] s = sums;
      int p = offset;
      for (int ox = 0, x = 0; ox < outWidth; ox++, x += factorX) {
        int n = Math.min(factorX, width - x);
        int s0 = 0;
        for (int i = 0; i < n; i++) {
          s0 += row[p++] & 0xff;
        }
        s[ox] += s0;
      }
    }

    private void add3(byte[] row, int offset) {
      int[] s = sums;
      int p = offset;
      for (int ox = 0, x = 0, o = 0; ox < outWidth; ox++, x += factorX, o += 3) {
        int n = Math.min(factorX, width - x);
        int s0 = 0;
        int s1 = 0;
        int s2 = 0;
        for (int i = 0; i < n; i++, p += 3) {
          s0 += row[p] & 0xff;
          s1 += row[p + 1] & 0xff;
          s2 += row[p + 2] & 0xff;
        }
        s[o] += s0;
        s[o + 1] += s1;
        s[o + 2] += s2;
      }
    }

    private void add4(byte[] row, int offset) {
      int[] s = sums;
      int p = offset;
      for (int ox = 0, x = 0, o = 0; ox < outWidth; ox++, x += factorX, o += 4) {
        int n = Math.min(factorX, width - x);
        int s0 = 0;
        int s1 = 0;
        int s2 = 0;
        int s3 = 0;
        for (int i = 0; i < n; i++, p += 4) {
          int a = row[p + 3] & 0xff;
          s0 += Alpha.mulDiv255(row[p] & 0xff, a);
          s1 += Alpha.mulDiv255(row[p + 1] & 0xff, a);
          s2 += Alpha.mulDiv255(row[p + 2] & 0xff, a);
          s3 += a;
        }
        s[o] += s0;
        s[o + 1] += s1;
        s[o + 2] += s2;
        s[o + 3] += s3;
      }
    }

    /** Turns the sums of the finished band of {@code bandRows} source rows into an output row. */
    private void emit() {
      if (evenLanes.length != 0) {
        sumColumns();
      }
      int c = channels;
      int fullBox = factorX * bandRows;
      long fullMultiplier = multiplier(fullBox);
      int start = dstOffset + outRow * outWidth * c;
      int o = start;
      int[] s = sums;
      for (int ox = 0, x = 0, i = 0; ox < outWidth; ox++, x += factorX) {
        int n = Math.min(factorX, width - x);
        int box = n == factorX ? fullBox : n * bandRows;
        long multiplier = n == factorX ? fullMultiplier : multiplier(box);
        int amend = box / 2;
        for (int k = 0; k < c; k++, i++) {
          dst[o++] = (byte) average(s[i], amend, multiplier);
        }
      }
      if (premultiply) {
        Alpha.unpremultiply(dst, start, outWidth);
      }
      Arrays.fill(s, 0);
      bandRows = 0;
      outRow++;
    }
  }

  /** Pillow's {@code division_UINT32(n, 8)}: {@code 2^24 / n}, via a single-precision division. */
  static long multiplier(int box) {
    return (long) (4294967296.0f / (float) (256L * box));
  }

  /**
   * The mean of a box from the unsigned sum of its samples, rounded as Pillow rounds it. The
   * product stays below 2^32, as in Pillow's unsigned arithmetic, for boxes up to {@link
   * #MAX_BOX_AREA}.
   */
  static int average(int sum, int amend, long multiplier) {
    return (int) (((Integer.toUnsignedLong(sum) + amend) * multiplier) >>> 24);
  }

  private static void validate(int width, int height, int channels, int factorX, int factorY) {
    if (width < 1) {
      throw invalid("width >= 1", width);
    }
    if (height < 1) {
      throw invalid("height >= 1", height);
    }
    if (channels != 1 && channels != 3 && channels != 4) {
      throw invalid("channels in {1, 3, 4}", channels);
    }
    if (factorX < 1) {
      throw invalid("factorX >= 1", factorX);
    }
    if (factorY < 1) {
      throw invalid("factorY >= 1", factorY);
    }
    if ((long) factorX * factorY > MAX_BOX_AREA) {
      throw invalid("factorX * factorY <= " + MAX_BOX_AREA, (long) factorX * factorY);
    }
  }

  private static IllegalArgumentException invalid(String rule, Object value) {
    return new IllegalArgumentException(rule + " required but it was " + value);
  }
}
