package dev.kopi.image.decode;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.function.IntBinaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Decodes the first frame of a GIF file straight to kopi's interleaved 8-bit RGB (or RGB + alpha
 * when the frame has a transparent colour), as Pillow 9.4 shows it: {@code
 * Image.open(p).convert("RGB")} (or {@code "RGBA"}), with Pillow's size and mode name, box-reducing
 * on the way when asked.
 *
 * <p>Thread-safe: no shared state.
 */
final class GifDecoder {
  /*
   * Maintainer overview.
   *
   * First pass: the header, the global colour table, then the blocks up to the first image
   * descriptor (a graphic control extension there may name a transparent index), the image's
   * local colour table and its LZW code size. The picture's size, and the pixel limit, are known
   * at that point, before anything is allocated; so is the length of the compressed data, which
   * bounds what it can expand to (LZW writes at most 4,096 bytes per code of at least 12 bits
   * once its table is full, so about 2,730 pixels per byte): a header declaring far more pixels
   * than its data can hold is refused as truncated without allocating for it.
   *
   * The data sub-blocks are gathered into one array (so the bit reader never meets a block
   * boundary) and decoded into one byte per pixel of the frame. Every string in an LZW table is
   * a string already written to the output followed by one more byte that was written right
   * after it, so a table entry is just (where it was written, its length) and decoding a code is
   * a copy from earlier in the output: no prefix chains are walked. Then the rows are looked up
   * in the colour table, top to bottom (an interlaced frame's rows are picked from the order they
   * were stored in), straight into the output or into the reducer.
   *
   * The rules are Pillow 9.4's (GifImagePlugin, GifDecode.c), pinned by GifDecoderPillowTest:
   *  - The picture is the logical screen, grown to hold the first frame where the frame is
   *    larger or placed beyond it. Pixels outside the frame are index 0 (not the background
   *    colour), or the transparent index when there is one.
   *  - The frame's local colour table, else the global one. A table whose every entry i is the
   *    grey (i, i, i) counts as none: the mode is "L" and indices show as greys; otherwise "P",
   *    and indices beyond the table show the grey (i, i, i) too (Pillow's palettes start as a
   *    grey ramp). One exception, where Pillow 9.4 is wrong: a local grey-ramp table over a global
   *    table of other colours is mode "L" there too, but Pillow then applies the global table to
   *    the frame; the file says the frame is grey, and kopi shows grey.
   *  - LZW as in Pillow's decoder: a code beyond the next free table entry, or a first code after
   *    a clear that is neither a colour nor end, is corrupt; decoding stops as soon as the frame
   *    is full (the end code may be missing); an end code, or the end of the data, before the
   *    frame is full is truncation (Pillow: "image file is truncated"). Code sizes 0 to 12 are
   *    accepted as Pillow accepts them (it widens codes only when the next entry reaches the
   *    current mask, and keeps the low 8 bits of wider colour codes); above 12 is corrupt.
   *  - Bytes between blocks that start no block are skipped.
   * Stricter than Pillow, as kopi's Image I/O path was: the file must reach its trailer (0x3B),
   * walking the later frames' blocks, so that a cut-off file is never "ok". Also corrupt here: a
   * first frame of zero width or height (Pillow decodes a zero-width frame at x = 0 as if it
   * were as wide as the screen, and refuses the others) and a graphic control extension too
   * short for the fields Pillow reads.
   */

  /** The most pixels one byte of LZW data can expand to (4,096 per 12-bit code), with slack. */
  private static final int MAX_LZW_RATIO = 2731;

  /** LZW's table size: codes are at most 12 bits wide. */
  private static final int TABLE = 4096;

  /** Room after the pixels for the last string (at most 4,096 bytes) and an 8-byte copy. */
  static final int SLACK = TABLE + 16;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private GifDecoder() {}

  /**
   * Decodes the first frame of a GIF file.
   *
   * @param bytes the whole file; not modified
   * @param maxPixels pictures whose header declares more pixels are refused as {@code
   *     too_many_pixels} before anything is allocated; at least 1
   * @param keepAlpha whether to keep the alpha channel (the transparent index) as a fourth channel
   *     when the frame has one
   * @param reduceFor given the picture's width and height, the factor (1 to {@link
   *     RgbRows#MAX_REDUCE}) by which to box-reduce both axes exactly as Pillow's {@code
   *     Image.reduce} does; 1 for none
   * @return the picture, or null when the bytes do not start with "GIF87a" or "GIF89a", so that
   *     Image I/O may try
   * @throws ItemException {@code too_many_pixels}, {@code truncated} (the file, the image data or
   *     the LZW stream ends early, or the trailer is missing) or {@code corrupt}, with a reason a
   *     person can act on; never another exception for any content of {@code bytes}
   */
  static @Nullable DecodedImage decode(
      byte[] bytes, long maxPixels, boolean keepAlpha, IntBinaryOperator reduceFor)
      throws ItemException {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels >= 1 required but it was " + maxPixels);
    }
    if (!isGif(bytes)) {
      return null;
    }
    try {
      Frame f = Frame.read(bytes, maxPixels);
      int reduce = reduceFor.applyAsInt(f.width, f.height);
      byte[] index = Lzw.decode(bytes, f);
      f.checkTrailer(bytes);
      return f.render(index, keepAlpha && f.transparent >= 0, reduce);
    } catch (OutOfMemoryError e) {
      throw new ItemException(ItemStatus.CORRUPT, "not enough memory to decode this image", e);
    } catch (RuntimeException e) {
      // A bug, not a property of the file; still one item's failure, not the batch's.
      throw new ItemException(ItemStatus.CORRUPT, "cannot decode (GIF): " + e, e);
    }
  }

  private static boolean isGif(byte[] b) {
    return b.length >= 6
        && b[0] == 'G'
        && b[1] == 'I'
        && b[2] == 'F'
        && b[3] == '8'
        && (b[4] == '7' || b[4] == '9')
        && b[5] == 'a';
  }

  /** The picture and its first frame, from the blocks before the frame's data. */
  private static final class Frame {
    int width;
    int height;
    int left;
    int top;
    int frameWidth;
    int frameHeight;
    boolean interlaced;
    int transparent = -1;
    int codeSize;
    // The colour table in use (256 entries each, grey ramp beyond the file's), and its mode.
    int[] palette = new int[0];
    String mode = "L";
    // Where the frame's data sub-blocks start.
    int data;

    static Frame read(byte[] b, long maxPixels) throws ItemException {
      int n = b.length;
      if (n < 13) {
        throw truncated("the file ends inside the GIF header, after " + n + " bytes");
      }
      Frame f = new Frame();
      int screenWidth = u16(b, 6);
      int screenHeight = u16(b, 8);
      int flags = b[10] & 0xFF;
      int p = 13;
      int globalTable = -1;
      int globalEntries = 0;
      if ((flags & 0x80) != 0) {
        globalEntries = 2 << (flags & 7);
        if (p + 3 * globalEntries > n) {
          throw truncated("the file ends inside the GIF's global colour table");
        }
        if (!isGreyRamp(b, p, globalEntries)) {
          globalTable = p;
        }
        p += 3 * globalEntries;
      }
      // Blocks up to the first image descriptor.
      while (true) {
        if (p >= n) {
          throw truncated("the file ends before its first image; it was probably cut off");
        }
        int introducer = b[p] & 0xFF;
        if (introducer == ',') {
          break;
        } else if (introducer == ';') {
          throw corrupt("the GIF file has no image (its trailer comes before any)");
        } else if (introducer == '!') {
          if (p + 1 >= n) {
            throw truncated("the file ends inside an extension block; it was probably cut off");
          }
          int label = b[p + 1] & 0xFF;
          p += 2;
          if (label == 0xF9) {
            f.graphicControl(b, p);
          }
          p = skipSubBlocks(b, p);
        } else {
          p++; // Pillow skips bytes that start no block
        }
      }
      if (p + 10 > n) {
        throw truncated("the file ends inside the first image descriptor");
      }
      f.left = u16(b, p + 1);
      f.top = u16(b, p + 3);
      f.frameWidth = u16(b, p + 5);
      f.frameHeight = u16(b, p + 7);
      int imageFlags = b[p + 9] & 0xFF;
      f.interlaced = (imageFlags & 0x40) != 0;
      p += 10;
      int table = globalTable;
      int entries = globalEntries;
      if ((imageFlags & 0x80) != 0) {
        int localEntries = 2 << (imageFlags & 7);
        if (p + 3 * localEntries > n) {
          throw truncated("the file ends inside the first image's local colour table");
        }
        // A local grey ramp means "L": greys, even over a global table (see the overview).
        table = isGreyRamp(b, p, localEntries) ? -1 : p;
        entries = localEntries;
        p += 3 * localEntries;
      }
      if (p >= n) {
        throw truncated("the file ends before the first image's data");
      }
      f.codeSize = b[p] & 0xFF;
      f.data = p + 1;
      if (f.frameWidth == 0 || f.frameHeight == 0) {
        throw corrupt(
            "the first image is empty (" + f.frameWidth + "x" + f.frameHeight + " pixels)");
      }
      if (f.codeSize > 12) {
        throw corrupt(
            "the first image's LZW code size is " + f.codeSize + ", beyond GIF's largest, 12");
      }
      f.width = Math.max(screenWidth, f.left + f.frameWidth);
      f.height = Math.max(screenHeight, f.top + f.frameHeight);
      ImageDecoder.checkPixels(f.width, f.height, maxPixels);
      if (table >= 0) {
        f.palette = RgbRows.palette(b, table, entries, 3, 0, 1, 2);
        f.mode = "P";
      } else {
        f.palette = RgbRows.palette(b, 0, 0, 3, 0, 1, 2);
        f.mode = "L";
      }
      return f;
    }

    /** A graphic control extension: its first sub-block carries the transparent index. */
    private void graphicControl(byte[] b, int p) throws ItemException {
      int len = p < b.length ? b[p] & 0xFF : -1;
      if (len < 0 || p + 1 + len > b.length) {
        return; // cut off: skipSubBlocks says so
      }
      int flags = len > 0 ? b[p + 1] & 0xFF : 0;
      if (len < 3 || ((flags & 1) != 0 && len < 4)) {
        throw corrupt(
            "a graphic control extension has " + len + " bytes instead of 4; the file is damaged");
      }
      if ((flags & 1) != 0) {
        transparent = b[p + 4] & 0xFF;
      }
    }

    /**
     * Walks the blocks after the first frame's data to the trailer, so that a file cut off in a
     * later frame is reported; the later frames are not decoded.
     */
    void checkTrailer(byte[] b) throws ItemException {
      int n = b.length;
      int p = skipSubBlocks(b, data);
      while (true) {
        if (p >= n) {
          throw truncated("the file ends before the GIF trailer; it was probably cut off");
        }
        int introducer = b[p] & 0xFF;
        if (introducer == ';') {
          return;
        } else if (introducer == ',') {
          if (p + 10 > n) {
            throw truncated("the file ends inside an image descriptor; it was probably cut off");
          }
          int flags = b[p + 9] & 0xFF;
          p += 10;
          if ((flags & 0x80) != 0) {
            p += 3 * (2 << (flags & 7));
          }
          p = skipSubBlocks(b, p + 1); // past the LZW code size
        } else if (introducer == '!') {
          p = skipSubBlocks(b, p + 2);
        } else {
          p++;
        }
      }
    }

    /** The picture: the decoded frame on its canvas, looked up in the colour table. */
    DecodedImage render(byte[] index, boolean alpha, int reduce) throws ItemException {
      RgbRows rows = RgbRows.allocate(width, height, alpha ? 4 : 3, reduce);
      int[] pal = palette;
      if (transparent >= 0) {
        pal = pal.clone();
        pal[transparent] &= 0x00FF_FFFF;
      }
      int c = rows.channels();
      // The canvas outside the frame: index 0, or the transparent index.
      int fill = pal[transparent >= 0 ? transparent : 0];
      int @Nullable [] storedRow = interlaced ? interlacedRows(frameHeight) : null;
      int base = 1 << codeSize;
      int right = left + frameWidth;
      for (int y = 0; y < height; y++) {
        int fy = y - top;
        if (fy < 0 || fy >= frameHeight) {
          rows.fillRow(fill);
          continue;
        }
        byte[] out = rows.row();
        int o = rows.offset();
        RgbRows.fill(out, o, left, fill, c);
        int s = base + (storedRow == null ? fy : storedRow[fy]) * frameWidth;
        RgbRows.indexed(index, s, frameWidth, pal, out, o + left * c, c);
        RgbRows.fill(out, o + right * c, width - right, fill, c);
        rows.next();
      }
      return new DecodedImage(rows.pixels(), width, height, mode, reduce);
    }
  }

  /**
   * For each row of an interlaced frame, the position its data was stored at: rows 0, 8, 16, ...
   * first, then 4, 12, ..., then 2, 6, ..., then the odd rows.
   */
  static int[] interlacedRows(int height) {
    int[] stored = new int[height];
    int k = 0;
    int[][] passes = {{0, 8}, {4, 8}, {2, 4}, {1, 2}};
    for (int[] pass : passes) {
      for (int y = pass[0]; y < height; y += pass[1]) {
        stored[y] = k++;
      }
    }
    return stored;
  }

  /** Whether {@code entries} colours from {@code b[p]} are the greys 0, 1, 2, ... in order. */
  private static boolean isGreyRamp(byte[] b, int p, int entries) {
    for (int i = 0; i < entries; i++, p += 3) {
      if (b[p] != (byte) i || b[p + 1] != (byte) i || b[p + 2] != (byte) i) {
        return false;
      }
    }
    return true;
  }

  /**
   * Skips the sub-blocks from {@code b[p]} (each a length byte then that many bytes) and their
   * terminator; returns the position after it.
   */
  private static int skipSubBlocks(byte[] b, int p) throws ItemException {
    int n = b.length;
    while (true) {
      if (p >= n) {
        throw truncated("the file ends inside a block of data; it was probably cut off");
      }
      int len = b[p] & 0xFF;
      p++;
      if (len == 0) {
        return p;
      }
      p += len;
    }
  }

  /** The LZW decoder (see the overview). */
  private static final class Lzw {
    private Lzw() {}

    /**
     * Decodes the first frame's data into one index byte per pixel, in stored row order, from index
     * {@code 1 << f.codeSize} of the array returned (see {@link #run}).
     */
    static byte[] decode(byte[] b, Frame f) throws ItemException {
      // The data sub-blocks, joined.
      int n = b.length;
      int p = f.data;
      int length = 0;
      boolean cut = false;
      while (true) {
        if (p >= n) {
          cut = true;
          break;
        }
        int len = b[p] & 0xFF;
        if (len == 0) {
          break;
        }
        if (p + 1 + len > n) {
          length += n - p - 1;
          cut = true;
          break;
        }
        length += len;
        p += 1 + len;
      }
      long pixels = (long) f.frameWidth * f.frameHeight;
      if (pixels > (long) length * MAX_LZW_RATIO + 16) {
        throw truncated(
            String.format(
                Locale.ROOT,
                "the image data (%d bytes) is far too short for a %dx%d image;"
                    + " the data ends early",
                length,
                f.frameWidth,
                f.frameHeight));
      }
      byte[] data = new byte[length];
      for (int q = f.data, at = 0; at < length; ) {
        int len = Math.min(b[q] & 0xFF, length - at);
        System.arraycopy(b, q + 1, data, at, len);
        at += len;
        q += 1 + len;
      }
      int base = 1 << f.codeSize;
      if (pixels > Integer.MAX_VALUE - 8 - base - SLACK) {
        throw new ItemException(
            ItemStatus.TOO_MANY_PIXELS,
            f.frameWidth + "x" + f.frameHeight + " pixels do not fit in one Java array");
      }
      byte[] out = new byte[base + (int) pixels + SLACK];
      int written = run(data, f.codeSize, out, (int) pixels);
      if (written < 0) {
        throw truncated(
            String.format(
                Locale.ROOT,
                "the image data's end code comes after %d of the first image's %d pixels;"
                    + " the image is incomplete",
                -written - 1,
                pixels));
      }
      if (written < pixels) {
        throw truncated(
            String.format(
                Locale.ROOT,
                "the %s after %d of the first image's %d pixels; it was probably cut off",
                cut ? "file ends inside the first image's data," : "image data ends",
                written,
                pixels));
      }
      if (cut) {
        throw truncated("the file ends inside the first image's data; it was probably cut off");
      }
      return out;
    }

    /**
     * Decodes the LZW stream {@code data} (the sub-blocks joined) until {@code total} pixels are
     * written to {@code out}, from index {@code clear = 1 << bits}; {@code out} has room for {@link
     * #SLACK} more bytes after them, which copies may overwrite. Below {@code clear}, {@code out}
     * holds every colour code's byte, so that a colour code is a one-byte string in the output like
     * any other and every code is decoded by the same copy. Returns the number of pixels written:
     * {@code total} when full, fewer when the data ran out, or {@code -(written + 1)} when an end
     * code came first.
     *
     * @throws ItemException {@code corrupt} for a code the table does not hold yet
     */
    static int run(byte[] data, int bits, byte[] out, int total) throws ItemException {
      int clear = 1 << bits;
      int end = clear + 1;
      int[] start = new int[TABLE];
      int[] length = new int[TABLE];
      for (int i = 0; i < clear; i++) {
        out[i] = (byte) i; // wider codes (Pillow allows up to 12 bits) keep their low 8 bits
        start[i] = i;
        length[i] = 1;
      }
      int limit = clear + total;
      int n = data.length;
      int ip = 0;
      long buffer = 0;
      int buffered = 0;
      int codeSize = bits + 1;
      int mask = (1 << codeSize) - 1;
      int next = clear + 2;
      boolean first = true;
      // The string the previous code wrote: where, and how long.
      int prevStart = 0;
      int prevLength = 0;
      int op = clear;
      while (op < limit) {
        if (buffered < codeSize) {
          while (buffered <= 56 && ip < n) {
            buffer |= (long) (data[ip++] & 0xFF) << buffered;
            buffered += 8;
          }
          if (buffered < codeSize) {
            return op - clear; // the data ran out
          }
        }
        int code = (int) buffer & mask;
        buffer >>>= codeSize;
        buffered -= codeSize;
        int len;
        if (code < next && (code - clear) >>> 1 != 0) {
          // A colour or a table entry (not clear, not end): the common case. Right after a clear
          // only colours pass, since `next` is then end + 1.
          len = length[code];
          copy(out, start[code], op, len);
        } else if (code == clear) {
          codeSize = bits + 1;
          mask = (1 << codeSize) - 1;
          next = clear + 2;
          first = true;
          continue;
        } else if (code == end) {
          return -(op - clear) - 1;
        } else if (code == next && !first) {
          // The previous string and its own first byte (the "KwKwK" case).
          len = prevLength + 1;
          copy(out, prevStart, op, prevLength);
          out[op + prevLength] = out[prevStart];
        } else if (first) {
          throw corrupt(
              String.format(
                  Locale.ROOT,
                  "the image data is damaged: LZW code %d right after a clear code, where only a"
                      + " colour code may come, at pixel %d",
                  code,
                  op - clear));
        } else {
          throw corrupt(
              String.format(
                  Locale.ROOT,
                  "the image data is damaged: LZW code %d is beyond the table (next entry %d),"
                      + " at pixel %d",
                  code,
                  next,
                  op - clear));
        }
        if (first) {
          first = false;
        } else if (next < TABLE) {
          // The previous string plus this one's first byte, which follows it in the output.
          start[next] = prevStart;
          length[next] = prevLength + 1;
          if (next == mask && codeSize < 12) {
            codeSize++;
            mask = (1 << codeSize) - 1;
          }
          next++;
        }
        prevStart = op;
        prevLength = len;
        op += len;
      }
      return total;
    }

    /**
     * Copies the {@code len} bytes at {@code from} to {@code to}, 8 at a time: up to 7 bytes after
     * them are overwritten, which {@link #SLACK} makes room for and later codes write over. The
     * source always ends at or before {@code to}, so every byte of the string is read before
     * anything is written over it.
     */
    private static void copy(byte[] out, int from, int to, int len) {
      int i = 0;
      do {
        LONGS.set(out, to + i, (long) LONGS.get(out, from + i));
        i += 8;
      } while (i < len);
    }
  }

  private static int u16(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
  }

  private static ItemException truncated(String reason) {
    return new ItemException(ItemStatus.TRUNCATED, reason);
  }

  private static ItemException corrupt(String reason) {
    return new ItemException(ItemStatus.CORRUPT, reason);
  }
}
