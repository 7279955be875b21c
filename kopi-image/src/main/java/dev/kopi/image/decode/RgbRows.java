package dev.kopi.image.decode;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import dev.kopi.image.resize.Reduce;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;

/**
 * Where kopi's own BMP, GIF and TIFF decoders put their pixels: interleaved 8-bit RGB (or RGB +
 * alpha) rows, top to bottom, written straight into the output image, or, when reducing, into one
 * scratch row that a Pillow-exact box reducer ({@link Reduce.Rows}) consumes, so that a reduced
 * image never exists at full size.
 *
 * <p>Usage: {@link #allocate} once the header has given the size (it refuses sizes that do not fit
 * in a Java array), then for each row write {@code width * channels} bytes into {@link #row()} from
 * {@link #offset()} and call {@link #next()}; {@link #pixels()} once every row was written. One
 * thread at a time.
 */
final class RgbRows {
  /** The largest reduction accepted: its box must stay within {@link Reduce#MAX_BOX_AREA}. */
  static final int MAX_REDUCE = 4095;

  private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /** 4-byte little-endian access to byte arrays, for the row conversions. */
  static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final byte[] out;
  private final int width;
  private final int height;
  private final int channels;
  private final int outWidth;
  private final int outHeight;
  private final Reduce.@Nullable Rows reducer;
  private final byte[] row;
  private int y;

  private RgbRows(int width, int height, int channels, int reduce) {
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.outWidth = reduce == 1 ? width : Reduce.reducedSize(width, reduce);
    this.outHeight = reduce == 1 ? height : Reduce.reducedSize(height, reduce);
    this.out = new byte[outWidth * outHeight * channels];
    if (reduce == 1) {
      this.reducer = null;
      this.row = out;
    } else {
      this.reducer = new Reduce.Rows(width, height, channels, reduce, reduce, out, 0);
      this.row = new byte[width * channels];
    }
  }

  /**
   * Allocates the output of a {@code width x height} image of {@code channels} (3 or 4) samples per
   * pixel, box-reduced by {@code reduce} (1 for none, up to {@link #MAX_REDUCE}).
   *
   * @throws ItemException {@code too_many_pixels} when the output or one row does not fit in a Java
   *     array
   */
  static RgbRows allocate(int width, int height, int channels, int reduce) throws ItemException {
    if (width < 1 || height < 1 || (channels != 3 && channels != 4)) {
      throw new IllegalArgumentException(width + "x" + height + "x" + channels);
    }
    if (reduce < 1 || reduce > MAX_REDUCE) {
      throw new IllegalArgumentException(
          "reduce in [1, " + MAX_REDUCE + "] required but it was " + reduce);
    }
    long outW = reduce == 1 ? width : Reduce.reducedSize(width, reduce);
    long outH = reduce == 1 ? height : Reduce.reducedSize(height, reduce);
    if (outW * outH * channels > MAX_ARRAY_LENGTH || (long) width * channels > MAX_ARRAY_LENGTH) {
      throw new ItemException(
          ItemStatus.TOO_MANY_PIXELS,
          width
              + "x"
              + height
              + " pixels do not fit in one Java array; use a smaller --max-pixels");
    }
    return new RgbRows(width, height, channels, reduce);
  }

  /** The array the next row goes into, from {@link #offset()}. */
  byte[] row() {
    return row;
  }

  /** Where the next row starts in {@link #row()}. */
  int offset() {
    return reducer == null ? y * width * channels : 0;
  }

  /** Samples per pixel: 3 (RGB) or 4 (RGB + alpha). */
  int channels() {
    return channels;
  }

  /** Hands the row just written on (to the reducer, if any). */
  void next() {
    if (reducer != null) {
      reducer.add(row, 0);
    }
    y++;
  }

  /** Writes the next row as {@code width} copies of one {@link #rgba} pixel. */
  void fillRow(int rgba) {
    fill(row, offset(), width, rgba, channels);
    next();
  }

  /** Writes {@code n} copies of one {@link #rgba} pixel, {@code channels} bytes each, at o. */
  static void fill(byte[] out, int o, int n, int rgba, int channels) {
    for (int i = 0; i < n; i++, o += channels) {
      putRgb(out, o, rgba);
      if (channels == 4) {
        out[o + 3] = (byte) (rgba >>> 24);
      }
    }
  }

  /** The image, once all {@code height} rows were written. */
  Pixels pixels() {
    if (y != height) {
      throw new IllegalStateException(y + " of " + height + " rows written");
    }
    return new Pixels(out, outWidth, outHeight, channels);
  }

  /**
   * A 256-entry colour table as Pillow's palette images have it: {@code entries} colours from
   * {@code table} (each {@code stride} bytes, red, green and blue at {@code r}, {@code g}, {@code
   * b} from the entry's start), and every index beyond them shows the grey {@code (i, i, i)},
   * because Pillow's palettes start as a grey ramp that the file's colours overwrite. Each entry is
   * packed as the little-endian int of its opaque RGBA bytes, for {@link #indexed}.
   */
  static int[] palette(byte[] table, int start, int entries, int stride, int r, int g, int b) {
    int[] packed = new int[256];
    int n = Math.min(entries, 256);
    for (int i = 0; i < 256; i++) {
      int red = i;
      int green = i;
      int blue = i;
      if (i < n) {
        int p = start + i * stride;
        red = table[p + r] & 0xFF;
        green = table[p + g] & 0xFF;
        blue = table[p + b] & 0xFF;
      }
      packed[i] = rgba(red, green, blue, 0xFF);
    }
    return packed;
  }

  /** The little-endian int of the bytes red, green, blue, alpha. */
  static int rgba(int red, int green, int blue, int alpha) {
    return red | green << 8 | blue << 16 | alpha << 24;
  }

  /**
   * Looks up {@code n} 8-bit indices from {@code src[s]} in a {@link #palette} and writes {@code
   * channels} (3 or 4) bytes per pixel at {@code out[o]}: one 4-byte store per pixel, the next
   * pixel's store overwriting the fourth byte when {@code channels} is 3 (the last pixel is stored
   * byte by byte, so nothing after it is touched).
   */
  static void indexed(byte[] src, int s, int n, int[] palette, byte[] out, int o, int channels) {
    if (n <= 0) {
      return;
    }
    if (channels == 4) {
      for (int i = 0; i < n; i++, o += 4) {
        INTS.set(out, o, palette[src[s + i] & 0xFF]);
      }
      return;
    }
    int last = s + n - 1;
    for (; s < last; s++, o += 3) {
      INTS.set(out, o, palette[src[s] & 0xFF]);
    }
    putRgb(out, o, palette[src[last] & 0xFF]);
  }

  /**
   * Like {@link #indexed} for indices of {@code bits} (1, 2 or 4) packed most significant first
   * from {@code src[s]}, as BMP and TIFF store them; the output is RGB.
   */
  static void packed(byte[] src, int s, int n, int bits, int[] palette, byte[] out, int o) {
    int mask = (1 << bits) - 1;
    int shift = 8 - bits;
    for (int i = 0; i < n; i++, o += 3) {
      putRgb(out, o, palette[(src[s] >> shift) & mask]);
      shift -= bits;
      if (shift < 0) {
        shift = 8 - bits;
        s++;
      }
    }
  }

  /** Writes the three low bytes of a packed {@link #rgba} value. */
  static void putRgb(byte[] out, int o, int rgba) {
    out[o] = (byte) rgba;
    out[o + 1] = (byte) (rgba >>> 8);
    out[o + 2] = (byte) (rgba >>> 16);
  }
}
