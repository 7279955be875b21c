package dev.kopi.image.resize;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Resizes interleaved 8-bit images exactly as Pillow's {@code Image.resize(size, resample, box)}
 * does (the reference is Pillow 9.4), so that a model trained on Pillow-resized arrays sees the
 * same pixels from kopi.
 *
 * <p><b>Images.</b> An image is a {@code byte[]} of {@code width * height * channels} unsigned
 * samples, row-major, channels interleaved, no row padding. {@code channels} is 1 (grey, Pillow
 * mode "L"), 3 (Pillow "RGB") or 4 (Pillow "RGBA": straight, not premultiplied, alpha in the last
 * channel). For 4 channels every filter but {@link Filter#NEAREST} premultiplies colour by alpha
 * before filtering and divides it out afterwards, as Pillow does; on opaque images both steps are
 * the identity, so 4-channel RGBX data is resized like independent channels.
 *
 * <p><b>Box.</b> The overloads taking {@code x0, y0, x1, y1} resample only that source rectangle
 * (edges in pixel units, fractions allowed) onto the whole output, like Pillow's {@code box}
 * argument; a centre crop is a box. As in Pillow, the coordinates are first rounded to {@code
 * float}, and an integer box whose size equals the output size is a plain crop.
 *
 * <p><b>Thread safety.</b> All methods are static and may be called from any number of threads at
 * once; the only state is a per-thread scratch area (see below). A call reads {@code src} and
 * writes the destination only during the call; callers must not modify {@code src} concurrently.
 *
 * <p><b>Memory.</b> Each thread keeps up to four scratch buffers between calls (the intermediate
 * image of the two-pass filter, a premultiplied RGBA copy of the source, an output staging area for
 * {@link ByteBuffer}s without array, and one row of sums), each kept only while it is at most 8
 * MiB, so a thread retains at most about 32 MiB; larger needs are allocated for the call and
 * dropped. Filter weights, and the one source row repacked for the horizontal pass (8 to 16 bytes
 * per pixel), are allocated once per call.
 */
public final class Resampler {
  /*
   * Maintainer overview.
   *
   * Pillow (src/libImaging/Resample.c, Geometry.c, _imaging.c _resize, Image.py resize) takes one
   * of four routes, and so do we, in the same order:
   *
   *  1. Identity: the output size equals the input size and the box is the whole image (compared
   *     in double, as Python does). The pixels are copied.
   *  2. Crop: the box's left and top edges are whole numbers and its float width and height equal
   *     the output size. The rectangle is copied. For RGBA this happens after premultiplication,
   *     which is lossy, and we reproduce that.
   *  3. NEAREST: an affine nearest-neighbour scale. The source coordinate of output x is
   *     x0 + scale * 0.5 + x * scale, accumulated by repeated addition in double (not multiplied:
   *     the accumulated rounding decides ties), truncated toward zero; positions outside the
   *     source give 0.
   *  4. Convolution (all other filters): separable, horizontal pass first, then vertical, each
   *     skipped when its axis keeps its size and box span. Weights come from Coefficients as
   *     22-bit fixed-point integers; every output sample is (HALF + sum(sample * weight)) >> 22,
   *     clamped to 0..255. The horizontal pass runs only over the source rows the vertical pass
   *     reads and stores clamped bytes, exactly like Pillow's intermediate image, because
   *     clamping there changes the final rounding.
   *
   * Integer sums make the result independent of summation order, so the vertical pass adds whole
   * rows into an int accumulator (sequential memory, vectorisable by C2) instead of walking
   * columns as Pillow does. Inner loops are specialised by channel count and touch only primitive
   * arrays. The horizontal pass dominates a downscale and is multiply-bound, so for 3 and 4
   * channels each source row is first repacked into longs holding two channels each (see pack),
   * and one 64-bit multiply serves two channels: 800x600 RGB to 64x64 BICUBIC went from 1.8 to
   * 0.93 ms on one AMD EPYC core (Pillow 9.4 ~2.9 ms). De-interleaving rows into int planes, to
   * turn it into vectorisable dot products, was measured and was not faster (BILINEAR got slower);
   * neither was processing two rows per pass to share the weight loads (27 % slower).
   */

  private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  private Resampler() {}

  /**
   * Resizes a whole image to {@code outWidth x outHeight}, like Pillow's {@code
   * image.resize((outWidth, outHeight), filter)}.
   *
   * @param src the source image, {@code width * height * channels} bytes; not modified
   * @param width source width in pixels, at least 1
   * @param height source height in pixels, at least 1
   * @param channels samples per pixel: 1, 3 or 4
   * @param outWidth output width in pixels, at least 1
   * @param outHeight output height in pixels, at least 1
   * @param filter the resampling filter
   * @return a new array of {@code outWidth * outHeight * channels} bytes
   * @throws NullPointerException if {@code src} or {@code filter} is null
   * @throws IllegalArgumentException if an argument breaks a rule above, naming the rule and value,
   *     or if the output or the intermediate image would exceed the largest Java array
   */
  public static byte[] resize(
      byte[] src, int width, int height, int channels, int outWidth, int outHeight, Filter filter) {
    return resize(src, width, height, channels, 0, 0, width, height, outWidth, outHeight, filter);
  }

  /**
   * Resizes the source rectangle {@code [x0, x1) x [y0, y1)} to {@code outWidth x outHeight}, like
   * Pillow's {@code image.resize((outWidth, outHeight), filter, box=(x0, y0, x1, y1))}; used for
   * centre crops. The coordinates are rounded to {@code float} first, as Pillow does, and the rules
   * below apply to the rounded values.
   *
   * @param src the source image, {@code width * height * channels} bytes; not modified
   * @param width source width in pixels, at least 1
   * @param height source height in pixels, at least 1
   * @param channels samples per pixel: 1, 3 or 4
   * @param x0 left edge of the box, {@code 0 <= x0 <= x1}
   * @param y0 top edge of the box, {@code 0 <= y0 <= y1}
   * @param x1 right edge of the box, {@code x1 <= width}
   * @param y1 bottom edge of the box, {@code y1 <= height}
   * @param outWidth output width in pixels, at least 1
   * @param outHeight output height in pixels, at least 1
   * @param filter the resampling filter
   * @return a new array of {@code outWidth * outHeight * channels} bytes
   * @throws NullPointerException if {@code src} or {@code filter} is null
   * @throws IllegalArgumentException if an argument breaks a rule above (a coordinate that is NaN
   *     or infinite breaks them too), naming the rule and value, or if the output or the
   *     intermediate image would exceed the largest Java array
   */
  public static byte[] resize(
      byte[] src,
      int width,
      int height,
      int channels,
      double x0,
      double y0,
      double x1,
      double y1,
      int outWidth,
      int outHeight,
      Filter filter) {
    long length =
        validate(src, width, height, channels, x0, y0, x1, y1, outWidth, outHeight, filter);
    if (length > MAX_ARRAY_LENGTH) {
      throw invalid("outWidth * outHeight * channels <= " + MAX_ARRAY_LENGTH, length);
    }
    byte[] dst = new byte[(int) length];
    run(src, width, height, channels, x0, y0, x1, y1, outWidth, outHeight, filter, dst, 0);
    return dst;
  }

  /**
   * Resizes a whole image like {@link #resize(byte[], int, int, int, int, int, Filter)}, writing
   * the {@code outWidth * outHeight * channels} result bytes into {@code dst} from {@code
   * dstOffset} instead of allocating. Bytes of {@code dst} outside that range are not touched; on
   * an exception nothing has been written.
   *
   * @param src the source image, {@code width * height * channels} bytes; not modified
   * @param width source width in pixels, at least 1
   * @param height source height in pixels, at least 1
   * @param channels samples per pixel: 1, 3 or 4
   * @param outWidth output width in pixels, at least 1
   * @param outHeight output height in pixels, at least 1
   * @param filter the resampling filter
   * @param dst the destination; must not be {@code src}
   * @param dstOffset where the result starts in {@code dst}
   * @throws NullPointerException if {@code src}, {@code filter} or {@code dst} is null
   * @throws IllegalArgumentException if an argument breaks a rule of the allocating overload, if
   *     {@code dst} is {@code src}, or if the result does not fit in {@code dst} from {@code
   *     dstOffset}
   */
  public static void resize(
      byte[] src,
      int width,
      int height,
      int channels,
      int outWidth,
      int outHeight,
      Filter filter,
      byte[] dst,
      int dstOffset) {
    resize(
        src, width, height, channels, 0, 0, width, height, outWidth, outHeight, filter, dst,
        dstOffset);
  }

  /**
   * Resizes a source box like {@link #resize(byte[], int, int, int, double, double, double, double,
   * int, int, Filter)}, writing the {@code outWidth * outHeight * channels} result bytes into
   * {@code dst} from {@code dstOffset} instead of allocating. Bytes of {@code dst} outside that
   * range are not touched; on an exception nothing has been written.
   *
   * @param src the source image, {@code width * height * channels} bytes; not modified
   * @param width source width in pixels, at least 1
   * @param height source height in pixels, at least 1
   * @param channels samples per pixel: 1, 3 or 4
   * @param x0 left edge of the box, {@code 0 <= x0 <= x1}
   * @param y0 top edge of the box, {@code 0 <= y0 <= y1}
   * @param x1 right edge of the box, {@code x1 <= width}
   * @param y1 bottom edge of the box, {@code y1 <= height}
   * @param outWidth output width in pixels, at least 1
   * @param outHeight output height in pixels, at least 1
   * @param filter the resampling filter
   * @param dst the destination; must not be {@code src}
   * @param dstOffset where the result starts in {@code dst}
   * @throws NullPointerException if {@code src}, {@code filter} or {@code dst} is null
   * @throws IllegalArgumentException if an argument breaks a rule of the allocating overload, if
   *     {@code dst} is {@code src}, or if the result does not fit in {@code dst} from {@code
   *     dstOffset}
   */
  public static void resize(
      byte[] src,
      int width,
      int height,
      int channels,
      double x0,
      double y0,
      double x1,
      double y1,
      int outWidth,
      int outHeight,
      Filter filter,
      byte[] dst,
      int dstOffset) {
    long length =
        validate(src, width, height, channels, x0, y0, x1, y1, outWidth, outHeight, filter);
    Objects.requireNonNull(dst, "dst");
    if (isSameArray(dst, src)) {
      throw new IllegalArgumentException("dst != src required but dst was src");
    }
    if (dstOffset < 0) {
      throw invalid("dstOffset >= 0", dstOffset);
    }
    if (dstOffset + length > dst.length) {
      throw invalid(
          "dstOffset + outWidth * outHeight * channels <= dst.length (" + dst.length + ")",
          dstOffset + length);
    }
    run(src, width, height, channels, x0, y0, x1, y1, outWidth, outHeight, filter, dst, dstOffset);
  }

  /**
   * Resizes a whole image like {@link #resize(byte[], int, int, int, int, int, Filter)}, writing
   * the result into {@code dst} at its position, which advances past the {@code outWidth *
   * outHeight * channels} bytes written (a relative bulk put). Suits a memory-mapped output file. A
   * buffer without accessible array is filled from a per-thread staging area in one bulk copy.
   *
   * @param src the source image, {@code width * height * channels} bytes; not modified
   * @param width source width in pixels, at least 1
   * @param height source height in pixels, at least 1
   * @param channels samples per pixel: 1, 3 or 4
   * @param outWidth output width in pixels, at least 1
   * @param outHeight output height in pixels, at least 1
   * @param filter the resampling filter
   * @param dst the destination; must not be backed by {@code src}
   * @throws NullPointerException if {@code src}, {@code filter} or {@code dst} is null
   * @throws IllegalArgumentException if an argument breaks a rule of the allocating overload, if
   *     {@code dst} is backed by {@code src}, or if fewer than the result's bytes remain in {@code
   *     dst}
   * @throws java.nio.ReadOnlyBufferException if {@code dst} is read-only
   */
  public static void resize(
      byte[] src,
      int width,
      int height,
      int channels,
      int outWidth,
      int outHeight,
      Filter filter,
      ByteBuffer dst) {
    resize(src, width, height, channels, 0, 0, width, height, outWidth, outHeight, filter, dst);
  }

  /**
   * Resizes a source box like {@link #resize(byte[], int, int, int, double, double, double, double,
   * int, int, Filter)}, writing the result into {@code dst} at its position, which advances past
   * the {@code outWidth * outHeight * channels} bytes written (a relative bulk put). Suits a
   * memory-mapped output file. A buffer without accessible array is filled from a per-thread
   * staging area in one bulk copy.
   *
   * @param src the source image, {@code width * height * channels} bytes; not modified
   * @param width source width in pixels, at least 1
   * @param height source height in pixels, at least 1
   * @param channels samples per pixel: 1, 3 or 4
   * @param x0 left edge of the box, {@code 0 <= x0 <= x1}
   * @param y0 top edge of the box, {@code 0 <= y0 <= y1}
   * @param x1 right edge of the box, {@code x1 <= width}
   * @param y1 bottom edge of the box, {@code y1 <= height}
   * @param outWidth output width in pixels, at least 1
   * @param outHeight output height in pixels, at least 1
   * @param filter the resampling filter
   * @param dst the destination; must not be backed by {@code src}
   * @throws NullPointerException if {@code src}, {@code filter} or {@code dst} is null
   * @throws IllegalArgumentException if an argument breaks a rule of the allocating overload, if
   *     {@code dst} is backed by {@code src}, or if fewer than the result's bytes remain in {@code
   *     dst}
   * @throws java.nio.ReadOnlyBufferException if {@code dst} is read-only
   */
  public static void resize(
      byte[] src,
      int width,
      int height,
      int channels,
      double x0,
      double y0,
      double x1,
      double y1,
      int outWidth,
      int outHeight,
      Filter filter,
      ByteBuffer dst) {
    long length =
        validate(src, width, height, channels, x0, y0, x1, y1, outWidth, outHeight, filter);
    Objects.requireNonNull(dst, "dst");
    if (dst.isReadOnly()) {
      throw new java.nio.ReadOnlyBufferException();
    }
    if (length > dst.remaining()) {
      throw invalid(
          "outWidth * outHeight * channels <= dst.remaining() (" + dst.remaining() + ")", length);
    }
    int n = (int) length;
    int position = dst.position();
    if (dst.hasArray()) {
      if (isSameArray(dst.array(), src)) {
        throw new IllegalArgumentException("dst not backed by src required but it was");
      }
      run(
          src,
          width,
          height,
          channels,
          x0,
          y0,
          x1,
          y1,
          outWidth,
          outHeight,
          filter,
          dst.array(),
          dst.arrayOffset() + position);
    } else {
      byte[] staging = Scratch.get().output(n);
      run(src, width, height, channels, x0, y0, x1, y1, outWidth, outHeight, filter, staging, 0);
      dst.put(position, staging, 0, n);
    }
    dst.position(position + n);
  }

  /** Checks every rule shared by the overloads; returns the output length in bytes. */
  private static long validate(
      byte[] src,
      int width,
      int height,
      int channels,
      double x0,
      double y0,
      double x1,
      double y1,
      int outWidth,
      int outHeight,
      Filter filter) {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(filter, "filter");
    if (width < 1) {
      throw invalid("width >= 1", width);
    }
    if (height < 1) {
      throw invalid("height >= 1", height);
    }
    if (channels != 1 && channels != 3 && channels != 4) {
      throw invalid("channels in {1, 3, 4}", channels);
    }
    if (outWidth < 1) {
      throw invalid("outWidth >= 1", outWidth);
    }
    if (outHeight < 1) {
      throw invalid("outHeight >= 1", outHeight);
    }
    long expected = (long) width * height * channels;
    if (src.length != expected) {
      throw invalid("src.length == width * height * channels (" + expected + ")", src.length);
    }
    requireFinite(x0, "x0");
    requireFinite(y0, "y0");
    requireFinite(x1, "x1");
    requireFinite(y1, "y1");
    // Pillow checks the box after rounding it to float, so a hair past an edge is accepted.
    float fx0 = (float) x0;
    float fy0 = (float) y0;
    float fx1 = (float) x1;
    float fy1 = (float) y1;
    if (fx0 < 0) {
      throw invalid("x0 >= 0", x0);
    }
    if (fy0 < 0) {
      throw invalid("y0 >= 0", y0);
    }
    if (fx1 < fx0) {
      throw invalid("x1 >= x0 (" + x0 + ")", x1);
    }
    if (fy1 < fy0) {
      throw invalid("y1 >= y0 (" + y0 + ")", y1);
    }
    if (fx1 > width) {
      throw invalid("x1 <= width (" + width + ")", x1);
    }
    if (fy1 > height) {
      throw invalid("y1 <= height (" + height + ")", y1);
    }
    return (long) outWidth * outHeight * channels;
  }

  private static void requireFinite(double v, String name) {
    if (!Double.isFinite(v)) {
      throw invalid(name + " finite", v);
    }
  }

  /** An exception whose message names the rule and the offending value. */
  private static IllegalArgumentException invalid(String rule, Object value) {
    return new IllegalArgumentException(rule + " required but it was " + value);
  }

  @SuppressWarnings("ReferenceEquality") // identity is the point: the same array, not equal bytes
  private static boolean isSameArray(byte[] a, byte[] b) {
    return a == b;
  }

  /** Resizes validated arguments into {@code dst}, which has room at {@code off}. */
  private static void run(
      byte[] src,
      int width,
      int height,
      int channels,
      double x0,
      double y0,
      double x1,
      double y1,
      int outWidth,
      int outHeight,
      Filter filter,
      byte[] dst,
      int off) {
    // Route 1 is decided in Python, on the caller's (double) values.
    if (outWidth == width
        && outHeight == height
        && x0 == 0
        && y0 == 0
        && x1 == width
        && y1 == height) {
      System.arraycopy(src, 0, dst, off, src.length);
      return;
    }
    float fx0 = (float) x0;
    float fy0 = (float) y0;
    float fx1 = (float) x1;
    float fy1 = (float) y1;
    Scratch scratch = Scratch.get();
    boolean premultiply = channels == 4 && filter != Filter.NEAREST;
    byte[] in = src;
    if (premultiply) {
      in = scratch.premultiplied(src.length);
      Alpha.premultiply(src, in, src.length);
    }
    if (fx0 - (int) fx0 == 0
        && fx1 - fx0 == outWidth
        && fy0 - (int) fy0 == 0
        && fy1 - fy0 == outHeight) {
      crop(in, width, channels, (int) fx0, (int) fy0, outWidth, outHeight, dst, off);
    } else if (filter == Filter.NEAREST) {
      nearest(in, width, height, channels, fx0, fy0, fx1, fy1, outWidth, outHeight, dst, off);
    } else {
      convolve(
          in, width, height, channels, fx0, fy0, fx1, fy1, outWidth, outHeight, filter, dst, off,
          scratch);
    }
    if (premultiply) {
      Alpha.unpremultiply(dst, off, outWidth * outHeight);
    }
  }

  private static void crop(
      byte[] in,
      int width,
      int channels,
      int left,
      int top,
      int outWidth,
      int outHeight,
      byte[] dst,
      int off) {
    int rowBytes = outWidth * channels;
    for (int y = 0; y < outHeight; y++) {
      System.arraycopy(
          in, ((top + y) * width + left) * channels, dst, off + y * rowBytes, rowBytes);
    }
  }

  private static void nearest(
      byte[] in,
      int width,
      int height,
      int channels,
      float x0,
      float y0,
      float x1,
      float y1,
      int outWidth,
      int outHeight,
      byte[] dst,
      int off) {
    double xStep = (double) (x1 - x0) / outWidth;
    double yStep = (double) (y1 - y0) / outHeight;
    // Source byte offset within a row for each output column, or -1 outside the source.
    int[] columns = new int[outWidth];
    double xo = x0 + xStep * 0.5;
    for (int x = 0; x < outWidth; x++) {
      int xi = truncate(xo);
      columns[x] = xi >= 0 && xi < width ? xi * channels : -1;
      xo += xStep;
    }
    int rowBytes = outWidth * channels;
    double yo = y0 + yStep * 0.5;
    for (int y = 0; y < outHeight; y++) {
      int yi = truncate(yo);
      int o = off + y * rowBytes;
      if (yi < 0 || yi >= height) {
        Arrays.fill(dst, o, o + rowBytes, (byte) 0);
      } else {
        int row = yi * width * channels;
        for (int x = 0; x < outWidth; x++, o += channels) {
          int c = columns[x];
          if (c < 0) {
            Arrays.fill(dst, o, o + channels, (byte) 0);
          } else {
            System.arraycopy(in, row + c, dst, o, channels);
          }
        }
      }
      yo += yStep;
    }
  }

  /** Pillow's {@code COORD}: negative coordinates map to -1, others truncate. */
  private static int truncate(double v) {
    return v < 0.0 ? -1 : (int) v;
  }

  private static void convolve(
      byte[] in,
      int width,
      int height,
      int channels,
      float x0,
      float y0,
      float x1,
      float y1,
      int outWidth,
      int outHeight,
      Filter filter,
      byte[] dst,
      int off,
      Scratch scratch) {
    boolean horizontal = outWidth != width || x0 != 0 || x1 != outWidth;
    boolean vertical = outHeight != height || y0 != 0 || y1 != outHeight;
    Coefficients ys = Coefficients.compute(height, y0, y1, outHeight, filter);
    if (horizontal) {
      Coefficients xs = Coefficients.compute(width, x0, x1, outWidth, filter);
      if (!vertical) {
        // The vertical span is the whole image, so the horizontal pass makes the output.
        horizontal(in, width, channels, 0, outHeight, xs, dst, off);
        return;
      }
      int first = ys.firstSource();
      int rows = ys.endSource() - first;
      long tempLength = (long) rows * outWidth * channels;
      if (tempLength > MAX_ARRAY_LENGTH) {
        throw invalid(
            "intermediate image (source rows read * outWidth * channels) <= " + MAX_ARRAY_LENGTH,
            tempLength);
      }
      byte[] temp = scratch.intermediate((int) tempLength);
      horizontal(in, width, channels, first, rows, xs, temp, 0);
      vertical(temp, outWidth * channels, ys, first, dst, off, scratch);
    } else if (vertical) {
      vertical(in, width * channels, ys, 0, dst, off, scratch);
    } else {
      System.arraycopy(in, 0, dst, off, outWidth * outHeight * channels);
    }
  }

  /**
   * Filters rows {@code firstRow .. firstRow + rows - 1} of {@code in} along x into {@code rows}
   * rows of {@code xs.outSize} pixels at {@code out[off]}.
   */
  private static void horizontal(
      byte[] in,
      int width,
      int channels,
      int firstRow,
      int rows,
      Coefficients xs,
      byte[] out,
      int off) {
    int[] bounds = xs.bounds;
    int[] k = xs.weights;
    int stride = xs.stride;
    int outWidth = xs.outSize;
    int rowBytes = width * channels;
    int o = off;
    switch (channels) {
      case 1 -> {
        for (int y = 0; y < rows; y++) {
          int row = (firstRow + y) * rowBytes;
          for (int x = 0; x < outWidth; x++) {
            int p = row + bounds[2 * x];
            int n = bounds[2 * x + 1];
            int kb = x * stride;
            int s = Coefficients.HALF;
            for (int i = 0; i < n; i++) {
              s += (in[p + i] & 0xff) * k[kb + i];
            }
            out[o++] = clip(s);
          }
        }
      }
      case 3 -> {
        // Two channels per 64-bit multiply (see pack): R and B share one, G has its own.
        long[] rb = new long[width];
        int[] g = new int[width];
        int[] pixels = new int[width];
        for (int y = 0; y < rows; y++) {
          int row = (firstRow + y) * rowBytes;
          unpackRow(in, row, width, pixels, rb, g);
          for (int x = 0; x < outWidth; x++) {
            int start = bounds[2 * x];
            int n = bounds[2 * x + 1];
            int kb = x * stride;
            long s02 = PACKED_HALF;
            int s1 = Coefficients.HALF;
            for (int i = 0; i < n; i++) {
              int w = k[kb + i];
              s02 += rb[start + i] * w;
              s1 += g[start + i] * w;
            }
            int s0 = (int) s02;
            out[o] = clip(s0);
            out[o + 1] = clip(s1);
            out[o + 2] = clip(high(s02, s0));
            o += 3;
          }
        }
      }
      case 4 -> {
        long[] rb = new long[width];
        long[] ga = new long[width];
        for (int y = 0; y < rows; y++) {
          int row = (firstRow + y) * rowBytes;
          for (int x = 0, p = row; x < width; x++, p += 4) {
            rb[x] = pack(in[p], in[p + 2]);
            ga[x] = pack(in[p + 1], in[p + 3]);
          }
          for (int x = 0; x < outWidth; x++) {
            int start = bounds[2 * x];
            int n = bounds[2 * x + 1];
            int kb = x * stride;
            long s02 = PACKED_HALF;
            long s13 = PACKED_HALF;
            for (int i = 0; i < n; i++) {
              long w = k[kb + i];
              s02 += rb[start + i] * w;
              s13 += ga[start + i] * w;
            }
            int s0 = (int) s02;
            int s1 = (int) s13;
            out[o] = clip(s0);
            out[o + 1] = clip(s1);
            out[o + 2] = clip(high(s02, s0));
            out[o + 3] = clip(high(s13, s1));
            o += 4;
          }
        }
      }
      default -> throw new AssertionError("channels " + channels);
    }
  }

  /** 4-byte little-endian loads of RGB pixels. */
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Splits the {@code width} RGB pixels of a row at {@code in[row]} into R and B packed for one
   * multiply ({@link #pack}) and G. Each pixel is first read with one 4-byte load (its last byte is
   * the next pixel's, and the row's last pixel is read bytewise, so nothing past the row is read),
   * then two loops over the ints split them, which C2 vectorises: half the time of three byte loads
   * a pixel in a probe (0.16 ms against 0.30 for an 800x600 image).
   */
  private static void unpackRow(byte[] in, int row, int width, int[] pixels, long[] rb, int[] g) {
    int last = width - 1;
    for (int x = 0, p = row; x < last; x++, p += 3) {
      pixels[x] = (int) INTS.get(in, p);
    }
    int p = row + 3 * last;
    pixels[last] = (in[p] & 0xff) | (in[p + 1] & 0xff) << 8 | (in[p + 2] & 0xff) << 16;
    for (int x = 0; x < width; x++) {
      rb[x] = (pixels[x] & 0xff) | (long) ((pixels[x] >>> 16) & 0xff) << 32;
    }
    for (int x = 0; x < width; x++) {
      g[x] = (pixels[x] >>> 8) & 0xff;
    }
  }

  /** The most ints of widened source rows the vertical pass keeps: 4 MiB. */
  static final int RING_INTS = 1 << 20;

  /**
   * Filters {@code in}, rows of {@code rowBytes} bytes whose row 0 is source row {@code firstRow},
   * along y into {@code ys.outSize} rows at {@code dst[off]}. Whole rows are accumulated at once:
   * the sums are integers, so their order does not change the result.
   *
   * <p>Each source row is first widened to ints, once, into a ring of {@code ys.stride} rows (no
   * output reads more), and the sums are {@code long}s: a multiply-add of an int row into a long
   * row is a loop C2 vectorises, where one reading bytes, or adding into an int row, is not (3.7x
   * on a 600-row image in a probe). The sums fit in an int as Pillow's do, so they are the same
   * values. Columns are taken in strips so that the ring stays within {@link #RING_INTS}.
   */
  private static void vertical(
      byte[] in,
      int rowBytes,
      Coefficients ys,
      int firstRow,
      byte[] dst,
      int off,
      Scratch scratch) {
    int[] bounds = ys.bounds;
    int[] k = ys.weights;
    int stride = ys.stride;
    int strip = Math.max(1, Math.min(rowBytes, RING_INTS / stride));
    int[] ring = scratch.ring(stride * strip);
    int[] ringRow = new int[stride]; // which source row each slot of the ring holds
    long[] acc = scratch.accumulator(strip);
    for (int x0 = 0; x0 < rowBytes; x0 += strip) {
      int w = Math.min(strip, rowBytes - x0);
      Arrays.fill(ringRow, 0, stride, -1);
      int o = off + x0;
      for (int y = 0; y < ys.outSize; y++, o += rowBytes) {
        int start = bounds[2 * y] - firstRow;
        int n = bounds[2 * y + 1];
        int kb = y * stride;
        Arrays.fill(acc, 0, w, Coefficients.HALF);
        for (int j = 0; j < n; j++) {
          int row = start + j;
          int slot = row % stride;
          int r = slot * strip;
          if (ringRow[slot] != row) {
            ringRow[slot] = row;
            widen(in, row * rowBytes + x0, ring, r, w);
          }
          addScaled(acc, ring, r, k[kb + j], w);
        }
        for (int i = 0; i < w; i++) {
          dst[o + i] = clip((int) acc[i]);
        }
      }
    }
  }

  private static void widen(byte[] src, int from, int[] to, int at, int n) {
    for (int i = 0; i < n; i++) {
      to[at + i] = src[from + i] & 0xff;
    }
  }

  /** {@code acc[i] += row[at + i] * w} for {@code i < n}. */
  private static void addScaled(long[] acc, int[] row, int at, int w, int n) {
    for (int i = 0; i < n; i++) {
      acc[i] += (long) row[at + i] * w;
    }
  }

  /*
   * Two samples a and b packed as a + b * 2^32 in a long: one 64-bit multiply by a weight w gives
   * a * w + (b * w) * 2^32, and a sum of such products is A + B * 2^32 where A and B are the two
   * channels' own sums. Each of A and B fits in an int (Pillow accumulates in 32 bits too: the
   * weights' absolute sum stays near 2^22, times 255), so the long holds both exactly: A is its low
   * 32 bits read as signed, and B is (sum - A) / 2^32. The horizontal pass is multiply-bound
   * (about 50 taps per output pixel in a large downscale), so this halves its multiplies for RGBA
   * and cuts them by a third for RGB: 1.9x faster on 800x600 -> 64 RGB, identical output.
   */
  private static final long PACKED_HALF = Coefficients.HALF + ((long) Coefficients.HALF << 32);

  private static long pack(byte a, byte b) {
    return (a & 0xff) | ((long) (b & 0xff) << 32);
  }

  /** The high channel's sum of a packed sum whose low channel's sum is {@code low}. */
  private static int high(long packed, int low) {
    return (int) ((packed - low) >> 32);
  }

  /** Scales a fixed-point sum back to 8 bits, clamped to 0..255. */
  private static byte clip(int sum) {
    int v = sum >> Coefficients.PRECISION_BITS;
    return (byte) (v < 0 ? 0 : (v > 255 ? 255 : v));
  }
}
