package dev.kopi.image.decode;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import java.util.Locale;
import java.util.function.IntBinaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a Windows bitmap (BMP) file's bytes straight to kopi's interleaved 8-bit RGB (or RGB +
 * alpha), with Pillow's pixels and mode name, box-reducing on the way when asked.
 *
 * <p>Handled: the core (OS/2 1.x, 12-byte), info (40-byte), V4 (108) and V5 (124) headers; 1, 4 and
 * 8 bits through a colour table (possibly shorter than 2^bits), 16, 24 and 32 bits; no compression,
 * bit fields and alpha bit fields, RLE8 and RLE4; bottom-up and top-down. Anything else (embedded
 * JPEG or PNG, OS/2 2.x headers and their Huffman and RLE24 compressions, Adobe's 52 and 56-byte
 * headers, 2 or 64 bits per pixel) is declined with {@code null}, for Image I/O.
 *
 * <p>Thread-safe: no shared state.
 */
final class BmpDecoder {
  /*
   * Maintainer overview.
   *
   * The header is read and checked (size, pixel limit, that the pixel data the header implies is
   * in the file) before anything is allocated. Uncompressed data is read in place: the file is
   * in memory, so a bottom-up bitmap is simply walked from its last stored row, and each row is
   * converted straight into the output (or into one row the reducer consumes). RLE data is
   * expanded into one byte per pixel first (its escapes move anywhere in the bitmap), then
   * converted row by row the same way. Memory: the output, plus one row when reducing, plus
   * width x height bytes for RLE.
   *
   * Pillow 9.4 (BmpImagePlugin) is the reference, byte for byte, with these rules pinned by
   * BmpDecoderPillowTest:
   *  - Mode: a colour table of exactly two entries, black then white, is "1"; a table whose
   *    every entry i is the grey (i, i, i) is "L"; any other table is "P". 16 and 24 bits are
   *    "RGB"; 32 bits are "RGB" (the fourth byte is ignored without bit fields) or, with bit
   *    fields that include an alpha mask, "RGBA". All-zero masks at 32 bits mean BGRA.
   *  - Indices beyond a short colour table show the grey (i, i, i) (Pillow's palettes start as a
   *    grey ramp).
   *  - 5 and 6-bit (and any other) channels scale as v * 255 / max, truncated.
   *  - An uncompressed bitmap may lack its last row's padding; if the data offset points right
   *    after the header of a bitmap with a colour table, the table is skipped (Pillow's repair of
   *    such files); a zero offset means right after the table.
   *  - RLE follows Pillow's decoder: a run stops at the end of its row (its pixels beyond are
   *    dropped) but an absolute run does not; end-of-line pads the row; delta skips pixels, which
   *    keep palette index 0; absolute runs are padded to an even file position.
   * Where Pillow 9.4 is wrong or refuses a sensible file, this decoder does what the file means
   * (each case is a test):
   *  - A table of two black-and-white entries at 4 or 8 bits, or a dark grey ramp at 4 bits,
   *    makes Pillow read the indices as 1-bit or 8-bit pixels (garbage); kopi looks them up.
   *  - An odd-length absolute run in RLE4 loses its last pixel in Pillow and, for lengths 5, 9,
   *    ..., desynchronises the rest; kopi reads the run's (n + 1) / 2 bytes.
   *  - An end-of-bitmap before the last row makes Pillow fail ("not enough image data"); kopi
   *    leaves the remaining pixels at index 0, as for pixels a delta skips.
   *  - Bit-field layouts Pillow does not list (4-4-4-4, 10-10-10, 24-bit ones), and alpha bit
   *    fields, which it refuses, are decoded from their masks; more than 2^bits colour table
   *    entries (refused by Pillow beyond 256) are read up to 2^bits.
   * Damage: data that ends before the pixels do is "truncated"; an impossible header is
   * "corrupt".
   */

  private static final int RGB = 0;
  private static final int RLE8 = 1;
  private static final int RLE4 = 2;
  private static final int BITFIELDS = 3;
  private static final int ALPHABITFIELDS = 6;

  private BmpDecoder() {}

  /**
   * Decodes a BMP file.
   *
   * @param bytes the whole file; not modified
   * @param maxPixels images whose header declares more pixels are refused as {@code
   *     too_many_pixels} before anything is allocated; at least 1
   * @param keepAlpha whether to keep an alpha channel (32-bit bit fields with an alpha mask) as a
   *     fourth channel
   * @param reduceFor given the image's width and height, the factor (1 to {@link
   *     RgbRows#MAX_REDUCE}) by which to box-reduce both axes exactly as Pillow's {@code
   *     Image.reduce} does; 1 for none
   * @return the image, or null when the bytes are not a BMP kopi decodes (no "BM" signature, or a
   *     header, compression or depth listed above as declined), so that Image I/O may try
   * @throws ItemException {@code too_many_pixels}, {@code truncated} (the file ends before its
   *     pixels do) or {@code corrupt}, with a reason a person can act on; never another exception
   *     for any content of {@code bytes}
   */
  static @Nullable DecodedImage decode(
      byte[] bytes, long maxPixels, boolean keepAlpha, IntBinaryOperator reduceFor)
      throws ItemException {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels >= 1 required but it was " + maxPixels);
    }
    if (bytes.length < 2 || bytes[0] != 'B' || bytes[1] != 'M') {
      return null;
    }
    try {
      Header h = Header.read(bytes, maxPixels);
      if (h == null) {
        return null;
      }
      int reduce = reduceFor.applyAsInt(h.width, h.height);
      return new Decoder(bytes, h, keepAlpha && h.alpha, reduce).run();
    } catch (OutOfMemoryError e) {
      throw new ItemException(ItemStatus.CORRUPT, "not enough memory to decode this image", e);
    } catch (RuntimeException e) {
      // A bug, not a property of the file; still one item's failure, not the batch's.
      throw new ItemException(ItemStatus.CORRUPT, "cannot decode (BMP): " + e, e);
    }
  }

  /** What the file and info headers say. */
  private static final class Header {
    int headerSize;
    int width;
    int height;
    boolean topDown;
    int bits;
    int compression;
    // Bit masks (16, 24 and 32 bits); alphaMask 0 when there is no alpha channel.
    int redMask;
    int greenMask;
    int blueMask;
    int alphaMask;
    boolean alpha;
    // The colour table, packed as RgbRows.palette makes it (1, 4 and 8 bits).
    int[] palette = new int[0];
    String mode = "RGB";
    // Where the pixel data starts.
    long offset;

    static @Nullable Header read(byte[] b, long maxPixels) throws ItemException {
      int n = b.length;
      if (n < 18) {
        throw truncated("the file ends inside the BMP header, after " + n + " bytes");
      }
      long headerSize = u32(b, 14);
      if (headerSize != 12 && headerSize != 40 && headerSize != 108 && headerSize != 124) {
        return null; // OS/2 2.x, Adobe's V2 and V3, or not a bitmap at all: Image I/O decides
      }
      Header h = new Header();
      h.headerSize = (int) headerSize;
      if (n < 14 + h.headerSize) {
        throw truncated(
            String.format(
                Locale.ROOT,
                "the file ends inside the BMP header (%d of its %d bytes are there)",
                n - 14,
                h.headerSize));
      }
      long width;
      long height;
      long colors;
      if (h.headerSize == 12) {
        width = u16(b, 18);
        height = u16(b, 20);
        h.bits = u16(b, 24);
        h.compression = RGB;
        colors = 0;
      } else {
        width = s32(b, 18);
        long rawHeight = u32(b, 22);
        // Pillow's test for a negative (top-down) height: the top byte is 0xFF.
        h.topDown = (b[25] & 0xFF) == 0xFF;
        height = h.topDown ? (1L << 32) - rawHeight : rawHeight;
        h.bits = u16(b, 28);
        long compression = u32(b, 30);
        if (compression > ALPHABITFIELDS) {
          return null;
        }
        h.compression = (int) compression;
        colors = u32(b, 46);
      }
      boolean supported =
          switch (h.compression) {
            case RGB ->
                h.bits == 1
                    || h.bits == 4
                    || h.bits == 8
                    || h.bits == 16
                    || h.bits == 24
                    || h.bits == 32;
            case RLE8 -> h.bits == 8;
            case RLE4 -> h.bits == 4;
            case BITFIELDS, ALPHABITFIELDS -> h.bits == 16 || h.bits == 24 || h.bits == 32;
            default -> false; // JPEG, PNG
          };
      if (!supported) {
        return null;
      }
      if (width < 1 || height < 1) {
        throw corrupt(
            "the header declares an invalid size " + width + "x" + (h.topDown ? -height : height));
      }
      if (width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
        throw corrupt("the header declares an impossible size " + width + "x" + height);
      }
      ImageDecoder.checkPixels(width, height, maxPixels);
      h.width = (int) width;
      h.height = (int) height;
      long tableStart = 14L + h.headerSize;
      if (h.compression == BITFIELDS || h.compression == ALPHABITFIELDS) {
        // Right after an info header, inside a V4 or V5 one: at byte 54 either way.
        h.readMasks(b, 54);
        if (h.headerSize == 40) {
          tableStart += h.compression == BITFIELDS ? 12 : 16;
        }
      }
      long tableEnd = tableStart;
      if (h.bits <= 8) {
        long declared = colors != 0 ? colors : 1L << h.bits;
        int entrySize = h.headerSize == 12 ? 3 : 4;
        int entries = (int) Math.min(declared, 1L << h.bits);
        if (tableStart + (long) entries * entrySize > n) {
          throw truncated("the file ends inside the BMP colour table");
        }
        h.palette = RgbRows.palette(b, (int) tableStart, entries, entrySize, 2, 1, 0);
        h.mode = paletteMode(b, (int) tableStart, entries, entrySize, declared);
        tableEnd = tableStart + declared * entrySize;
      } else {
        h.mode = h.alpha ? "RGBA" : "RGB";
      }
      long offset = u32(b, 10);
      if (offset == 14 + h.headerSize && h.bits <= 8) {
        // An offset that forgets the colour table: Pillow skips the table.
        offset += 4 * (colors != 0 ? colors : 1L << h.bits);
      } else if (offset == 0) {
        offset = tableEnd;
      }
      h.offset = offset;
      return h;
    }

    private void readMasks(byte[] b, long at) throws ItemException {
      boolean four = headerSize > 40 || compression == ALPHABITFIELDS;
      if (at + (four ? 16 : 12) > b.length) {
        throw truncated("the file ends inside the BMP colour masks");
      }
      int p = (int) at;
      redMask = (int) u32(b, p);
      greenMask = (int) u32(b, p + 4);
      blueMask = (int) u32(b, p + 8);
      alphaMask = four ? (int) u32(b, p + 12) : 0;
      if (bits == 32 && (redMask | greenMask | blueMask | alphaMask) == 0) {
        // Pillow reads all-zero masks at 32 bits as BGRA.
        redMask = 0xFF0000;
        greenMask = 0xFF00;
        blueMask = 0xFF;
        alphaMask = 0xFF000000;
      }
      if (bits != 32) {
        alphaMask = 0; // as Pillow, which reads 16 and 24-bit layouts as RGB
      } else if (alphaMask != 0) {
        alpha = true;
      }
      if ((redMask | greenMask | blueMask) == 0) {
        throw corrupt("the header's colour masks are all zero");
      }
    }
  }

  /**
   * Pillow's mode for a colour table: "1" for exactly two entries, black and white; "L" for a table
   * whose every entry i is (i, i, i); else "P". {@code declared} is the entry count the header
   * declares (it decides "1", even beyond the entries read).
   */
  private static String paletteMode(byte[] b, int start, int entries, int size, long declared) {
    if (declared == 2) {
      boolean blackWhite =
          entries == 2
              && b[start] == 0
              && b[start + 1] == 0
              && b[start + 2] == 0
              && b[start + size] == (byte) 0xFF
              && b[start + size + 1] == (byte) 0xFF
              && b[start + size + 2] == (byte) 0xFF;
      return blackWhite ? "1" : "P";
    }
    if (declared > entries) {
      return "P";
    }
    for (int i = 0; i < entries; i++) {
      int p = start + i * size;
      if (b[p] != (byte) i || b[p + 1] != (byte) i || b[p + 2] != (byte) i) {
        return "P";
      }
    }
    return "L";
  }

  /** The pixel pass; one instance per call. */
  private static final class Decoder {
    private final byte[] b;
    private final Header h;
    private final int channels;
    private final int reduce;

    Decoder(byte[] b, Header h, boolean alpha, int reduce) {
      this.b = b;
      this.h = h;
      this.channels = alpha ? 4 : 3;
      this.reduce = reduce;
    }

    DecodedImage run() throws ItemException {
      int w = h.width;
      int ht = h.height;
      if (h.offset > b.length) {
        throw truncated(
            String.format(
                Locale.ROOT,
                "the pixel data should start at byte %d but the file has only %d bytes;"
                    + " it was probably cut off",
                h.offset,
                b.length));
      }
      RgbRows rows;
      if (h.compression == RLE8 || h.compression == RLE4) {
        if ((long) w * ht > Integer.MAX_VALUE - 8) {
          throw new ItemException(
              ItemStatus.TOO_MANY_PIXELS,
              w + "x" + ht + " pixels do not fit in one Java array; use a smaller --max-pixels");
        }
        byte[] index = new byte[w * ht];
        Rle.expand(b, (int) h.offset, w, ht, h.compression == RLE4, index);
        rows = RgbRows.allocate(w, ht, channels, reduce);
        for (int y = 0; y < ht; y++) {
          int stored = h.topDown ? y : ht - 1 - y;
          RgbRows.indexed(index, stored * w, w, h.palette, rows.row(), rows.offset(), 3);
          rows.next();
        }
        return new DecodedImage(rows.pixels(), w, ht, h.mode, reduce);
      }
      long rowBytes = ((long) w * h.bits + 7) / 8;
      long stride = (((long) w * h.bits + 31) >>> 5) * 4;
      // Pillow accepts a file without its last row's padding.
      long end = h.offset + stride * (ht - 1) + rowBytes;
      if (end > b.length) {
        long complete = Math.max(0, (b.length - h.offset) / stride);
        throw truncated(
            String.format(
                Locale.ROOT,
                "the file ends inside the pixel data: %d of %d rows are there;"
                    + " it was probably cut off",
                complete,
                ht));
      }
      rows = RgbRows.allocate(w, ht, channels, reduce);
      Convert convert = new Convert(h, channels);
      for (int y = 0; y < ht; y++) {
        int stored = h.topDown ? y : ht - 1 - y;
        convert.row(b, (int) (h.offset + stride * stored), w, rows.row(), rows.offset());
        rows.next();
      }
      return new DecodedImage(rows.pixels(), w, ht, h.mode, reduce);
    }
  }

  /** Row conversions for uncompressed data, picked once per image. */
  private static final class Convert {
    private final int bits;
    private final int compression;
    private final int channels;
    private final int[] palette;
    private final Channel red;
    private final Channel green;
    private final Channel blue;
    private final @Nullable Channel alpha;
    // Whether the masks are the plain byte layout B, G, R(, A) at 32 bits.
    private final boolean bgra;

    Convert(Header h, int channels) {
      this.bits = h.bits;
      this.compression = h.compression;
      this.channels = channels;
      this.palette = h.palette;
      boolean masked = h.compression == BITFIELDS || h.compression == ALPHABITFIELDS;
      int rm = masked ? h.redMask : h.bits == 16 ? 0x7C00 : 0xFF0000;
      int gm = masked ? h.greenMask : h.bits == 16 ? 0x3E0 : 0xFF00;
      int bm = masked ? h.blueMask : h.bits == 16 ? 0x1F : 0xFF;
      this.red = new Channel(rm);
      this.green = new Channel(gm);
      this.blue = new Channel(bm);
      this.alpha = channels == 4 ? new Channel(h.alphaMask) : null;
      this.bgra =
          h.bits == 32
              && rm == 0xFF0000
              && gm == 0xFF00
              && bm == 0xFF
              && (channels == 3 || h.alphaMask == 0xFF000000);
    }

    void row(byte[] b, int s, int w, byte[] out, int o) {
      switch (bits) {
        case 1, 4 -> RgbRows.packed(b, s, w, bits, palette, out, o);
        case 8 -> RgbRows.indexed(b, s, w, palette, out, o, 3);
        case 24 -> {
          if (compression == RGB || isBgr24()) {
            bgr24(b, s, w, out, o);
          } else {
            masked(b, s, w, 3, out, o);
          }
        }
        case 32 -> {
          if (bgra) {
            bgrx32(b, s, w, out, o, channels);
          } else {
            masked(b, s, w, 4, out, o);
          }
        }
        default -> masked(b, s, w, 2, out, o);
      }
    }

    private boolean isBgr24() {
      return red.mask == 0xFF0000 && green.mask == 0xFF00 && blue.mask == 0xFF;
    }

    /**
     * B, G, R to R, G, B: one 4-byte load, a byte swap and one 4-byte store per pixel (each store's
     * fourth byte is overwritten by the next pixel's); the row's last pixel is moved byte by byte,
     * so nothing is read or written past the row.
     */
    private static void bgr24(byte[] b, int s, int w, byte[] out, int o) {
      int last = s + 3 * (w - 1);
      for (; s < last; s += 3, o += 3) {
        RgbRows.INTS.set(out, o, Integer.reverseBytes((int) RgbRows.INTS.get(b, s)) >>> 8);
      }
      out[o] = b[s + 2];
      out[o + 1] = b[s + 1];
      out[o + 2] = b[s];
    }

    private static void bgrx32(byte[] b, int s, int w, byte[] out, int o, int channels) {
      if (channels == 4) {
        for (int x = 0; x < w; x++, s += 4, o += 4) {
          out[o] = b[s + 2];
          out[o + 1] = b[s + 1];
          out[o + 2] = b[s];
          out[o + 3] = b[s + 3];
        }
        return;
      }
      for (int x = 0; x < w; x++, s += 4, o += 3) {
        out[o] = b[s + 2];
        out[o + 1] = b[s + 1];
        out[o + 2] = b[s];
      }
    }

    /** Pixels of {@code size} little-endian bytes, channels picked by their masks. */
    private void masked(byte[] b, int s, int w, int size, byte[] out, int o) {
      Channel a = alpha;
      for (int x = 0; x < w; x++, s += size, o += channels) {
        int px = (b[s] & 0xFF) | (b[s + 1] & 0xFF) << 8;
        if (size > 2) {
          px |= (b[s + 2] & 0xFF) << 16;
          if (size > 3) {
            px |= (b[s + 3] & 0xFF) << 24;
          }
        }
        out[o] = red.value(px);
        out[o + 1] = green.value(px);
        out[o + 2] = blue.value(px);
        if (a != null) {
          out[o + 3] = a.value(px);
        }
      }
    }
  }

  /** One bit-field channel: its bits scaled to 8 as Pillow does, {@code v * 255 / max}. */
  private static final class Channel {
    final int mask;
    private final int shift;
    private final long max;
    private final byte @Nullable [] table;

    Channel(int mask) {
      this.mask = mask;
      this.shift = mask == 0 ? 0 : Integer.numberOfTrailingZeros(mask);
      this.max = Integer.toUnsignedLong(mask) >>> shift;
      if (max > 0 && max < 4096) {
        byte[] t = new byte[(int) max + 1];
        for (int v = 0; v <= max; v++) {
          t[v] = (byte) (v * 255 / max);
        }
        this.table = t;
      } else {
        this.table = null;
      }
    }

    byte value(int px) {
      if (max == 0) {
        return 0;
      }
      long v = Integer.toUnsignedLong(px & mask) >>> shift;
      byte[] t = table;
      return t != null ? t[(int) v] : (byte) (v * 255 / max);
    }
  }

  /** RLE8 and RLE4 expansion, following Pillow's decoder (see the overview). */
  private static final class Rle {
    private Rle() {}

    /**
     * Expands the RLE data from {@code b[p]} into {@code index}, one byte per pixel in the order
     * rows are stored.
     */
    static void expand(byte[] b, int p, int w, int h, boolean rle4, byte[] index)
        throws ItemException {
      long total = (long) w * h;
      long pos = 0;
      long x = 0;
      int n = b.length;
      while (pos < total) {
        if (n - p < 2) {
          throw truncated(
              String.format(
                  Locale.ROOT,
                  "the RLE data ends after %d of %d pixels, without an end-of-bitmap marker;"
                      + " it was probably cut off",
                  pos,
                  total));
        }
        int count = b[p] & 0xFF;
        int value = b[p + 1] & 0xFF;
        p += 2;
        if (count > 0) {
          // A run stops at the end of its row.
          long run = Math.min(count, Math.max(0, w - x));
          if (rle4) {
            byte hi = (byte) (value >> 4);
            byte lo = (byte) (value & 0x0F);
            for (long i = 0; i < run && pos + i < total; i++) {
              index[(int) (pos + i)] = (i & 1) == 0 ? hi : lo;
            }
          } else {
            int to = (int) Math.min(total, pos + run);
            for (int i = (int) pos; i < to; i++) {
              index[i] = (byte) value;
            }
          }
          pos += run;
          x += run;
        } else if (value == 0) {
          // End of line: the rest of the row keeps index 0.
          pos = (pos + w - 1) / w * w;
          x = 0;
        } else if (value == 1) {
          return; // end of bitmap: what is left keeps index 0
        } else if (value == 2) {
          if (n - p < 2) {
            throw truncated("the RLE data ends inside a delta escape; it was probably cut off");
          }
          pos += (b[p] & 0xFF) + (long) (b[p + 1] & 0xFF) * w;
          x = pos % w;
          p += 2;
        } else {
          // Absolute mode: `value` pixels follow, padded to an even position in the file.
          int bytes = rle4 ? (value + 1) / 2 : value;
          if (n - p < bytes) {
            throw truncated(
                "the RLE data ends inside an absolute run of "
                    + value
                    + " pixels; it was probably cut off");
          }
          for (int i = 0; i < value && pos + i < total; i++) {
            int v = rle4 ? ((b[p + i / 2] >> ((i & 1) == 0 ? 4 : 0)) & 0x0F) : b[p + i] & 0xFF;
            index[(int) (pos + i)] = (byte) v;
          }
          pos += value;
          x += value;
          p += bytes;
          if ((p & 1) != 0) {
            p++;
          }
        }
      }
    }
  }

  private static int u16(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
  }

  private static long u32(byte[] b, int p) {
    return Integer.toUnsignedLong(s32(b, p));
  }

  private static int s32(byte[] b, int p) {
    return (b[p] & 0xFF)
        | (b[p + 1] & 0xFF) << 8
        | (b[p + 2] & 0xFF) << 16
        | (b[p + 3] & 0xFF) << 24;
  }

  private static ItemException truncated(String reason) {
    return new ItemException(ItemStatus.TRUNCATED, reason);
  }

  private static ItemException corrupt(String reason) {
    return new ItemException(ItemStatus.CORRUPT, reason);
  }
}
