package dev.kopi.image.decode;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntBinaryOperator;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * Decodes the first image of a baseline TIFF file straight to kopi's interleaved 8-bit RGB (or RGB
 * + alpha), with Pillow's pixels and mode name, box-reducing on the way when asked.
 *
 * <p>Handled: little- and big-endian files; strips and tiles; chunky samples; grey (1, 2, 4, 8 and
 * 16 bits, black or white is zero), grey + alpha, RGB and RGB + alpha or padding (8 and 16 bits),
 * palette (1, 2, 4, 8 bits, with or without alpha); no compression, PackBits, LZW and Deflate, with
 * horizontal differencing (predictor 2) for LZW and Deflate. Anything else (JPEG, CCITT, planar
 * samples, CMYK, YCbCr, Lab, float or signed samples, reversed bit order, old-style LZW, BigTIFF)
 * is declined with {@code null}, for Image I/O.
 *
 * <p>Thread-safe: no shared state.
 */
final class TiffDecoder {
  /*
   * Maintainer overview.
   *
   * The first directory (IFD) is read, and everything it implies checked, before any pixel is
   * touched: the size against the pixel limit, the colour layout against the ones handled, every
   * strip or tile against the end of the file, and the compressed sizes against the most each
   * codec can expand to, so that a small file claiming a huge image is refused without
   * allocating for it. Then strips (or bands of tiles) are decoded top to bottom: uncompressed
   * data is read in place; compressed data is expanded into one strip buffer (or one band of
   * tiles), the predictor undone, and each row converted straight into the output (or into one
   * row the reducer consumes). The common file, kopi sample's (TwelveMonkeys' writer: RGB, 8
   * bits, uncompressed, one strip), is one arraycopy per row. Memory: the output, plus one strip
   * or band of tiles when compressed (for a one-strip compressed file, the raw image).
   *
   * The reference is Pillow 9.4 (TiffImagePlugin, which hands compressed files to libtiff and reads
   * uncompressed ones itself), byte for byte, pinned by TiffDecoderPillowTest:
   *  - Modes as Pillow's table names them: "1", "L", "I;16" / "I;16B", "LA", "P", "PA", "RGB",
   *    "RGBA", and "RGBX" for a fourth sample marked unspecified (dropped).
   *  - 2 and 4-bit grey scale by 85 and 17; white-is-zero inverts; palettes take the high byte of
   *    each 16-bit colour map entry; 16-bit RGB(A) takes each sample's high byte; premultiplied
   *    alpha (extra sample 1) is divided out as min(255, c * 255 / a), 0 where a is 0.
   *  - The predictor applies to LZW and Deflate only (libtiff); Pillow's own reader of
   *    uncompressed files ignores it, and so does kopi.
   * One deliberate difference, kopi's rule for every 16-bit grey image: samples become round(v /
   * 257), where Pillow's convert("RGB") clips them to 255 (a white picture).
   * Damage: data that ends before the pixels do (a strip beyond the end of the file, compressed
   * data that stops early) is "truncated"; an impossible directory or damaged compressed data is
   * "corrupt".
   */

  private static final int COMPRESSION_NONE = 1;
  private static final int COMPRESSION_LZW = 5;
  private static final int COMPRESSION_DEFLATE = 8;
  private static final int COMPRESSION_ADOBE_DEFLATE = 32946;
  private static final int COMPRESSION_PACKBITS = 32773;

  /** The most one compressed byte can expand to: LZW's 4,096 bytes per 12-bit code, with slack. */
  private static final int MAX_RATIO = 2731;

  private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /** The most values a tag may have (4M strips or tiles are far beyond any real image). */
  private static final long MAX_VALUES = 1 << 22;

  private TiffDecoder() {}

  /**
   * Decodes the first image of a TIFF file.
   *
   * @param bytes the whole file; not modified
   * @param maxPixels images whose directory declares more pixels are refused as {@code
   *     too_many_pixels} before anything is allocated; at least 1
   * @param keepAlpha whether to keep an alpha channel as a fourth channel when the image has one
   * @param reduceFor given the image's width and height, the factor (1 to {@link
   *     RgbRows#MAX_REDUCE}) by which to box-reduce both axes exactly as Pillow's {@code
   *     Image.reduce} does; 1 for none
   * @return the image, or null when the bytes are not a classic TIFF or use a layout listed above
   *     as declined, so that Image I/O may try
   * @throws ItemException {@code too_many_pixels}, {@code truncated} or {@code corrupt}, with a
   *     reason a person can act on; never another exception for any content of {@code bytes}
   */
  static @Nullable DecodedImage decode(
      byte[] bytes, long maxPixels, boolean keepAlpha, IntBinaryOperator reduceFor)
      throws ItemException {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels >= 1 required but it was " + maxPixels);
    }
    boolean little;
    if (bytes.length >= 4
        && bytes[0] == 'I'
        && bytes[1] == 'I'
        && bytes[2] == 42
        && bytes[3] == 0) {
      little = true;
    } else if (bytes.length >= 4
        && bytes[0] == 'M'
        && bytes[1] == 'M'
        && bytes[2] == 0
        && bytes[3] == 42) {
      little = false;
    } else {
      return null;
    }
    try {
      Directory d = Directory.read(new Reader(bytes, little), maxPixels);
      if (d == null) {
        return null;
      }
      int reduce = reduceFor.applyAsInt(d.width, d.height);
      return new Decoder(bytes, little, d, keepAlpha && d.kind.alpha, reduce).run();
    } catch (OutOfMemoryError e) {
      throw new ItemException(ItemStatus.CORRUPT, "not enough memory to decode this image", e);
    } catch (RuntimeException e) {
      // A bug, not a property of the file; still one item's failure, not the batch's.
      throw new ItemException(ItemStatus.CORRUPT, "cannot decode (TIFF): " + e, e);
    }
  }

  /**
   * The Orientation tag (274) of the first image directory, 1 to 8, as Pillow's {@code
   * ImageOps.exif_transpose} reads it for a TIFF; 1 when it is absent, out of range or the bytes
   * are not a readable classic TIFF (the decode then says what is wrong).
   */
  static int orientation(byte[] bytes) {
    boolean little;
    if (bytes.length >= 8 && bytes[0] == 'I' && bytes[1] == 'I') {
      little = true;
    } else if (bytes.length >= 8 && bytes[0] == 'M' && bytes[1] == 'M') {
      little = false;
    } else {
      return 1;
    }
    Reader r = new Reader(bytes, little);
    long ifd = r.u32(4);
    if (ifd < 8 || ifd + 2 > bytes.length) {
      return 1;
    }
    int entries = r.u16(ifd);
    for (int i = 0; i < entries; i++) {
      long e = ifd + 2 + 12L * i;
      if (e + 12 > bytes.length) {
        return 1;
      }
      // A SHORT (type 3) or LONG (4), its first value held in the entry itself.
      int type = r.u16(e + 2);
      if (r.u16(e) == 274 && (type == 3 || type == 4) && r.u32(e + 4) >= 1) {
        long v = type == 3 ? r.u16(e + 8) : r.u32(e + 8);
        return v >= 1 && v <= 8 ? (int) v : 1;
      }
    }
    return 1;
  }

  /** Byte-order-aware reads from the file. */
  private record Reader(byte[] b, boolean little) {
    int u8(long p) {
      return b[(int) p] & 0xFF;
    }

    int u16(long p) {
      int a = b[(int) p] & 0xFF;
      int c = b[(int) p + 1] & 0xFF;
      return little ? a | c << 8 : a << 8 | c;
    }

    long u32(long p) {
      long lo = u16(p);
      long hi = u16(p + 2);
      return little ? lo | hi << 16 : lo << 16 | hi;
    }
  }

  /** The row conversions, with Pillow's mode name and whether there is an alpha channel. */
  private enum Kind {
    BILEVEL("1", false),
    GREY_LOW("L", false),
    GREY_8("L", false),
    GREY_16("I;16", false),
    GREY_ALPHA("LA", true),
    RGB_8("RGB", false),
    RGBX_8("RGBX", false),
    RGBA_8("RGBA", true),
    RGB_PREMULTIPLIED_8("RGBA", true),
    RGB_16("RGB", false),
    RGBX_16("RGBX", false),
    RGBA_16("RGBA", true),
    PALETTE("P", false),
    PALETTE_ALPHA("PA", true);

    final String mode;
    final boolean alpha;

    Kind(String mode, boolean alpha) {
      this.mode = mode;
      this.alpha = alpha;
    }
  }

  /** What the first directory says. */
  private static final class Directory {
    int width;
    int height;
    int bits;
    int samples;
    int compression;
    int predictor = 1;
    boolean whiteIsZero;
    Kind kind = Kind.RGB_8;
    String mode = "RGB";
    // Strips (tileWidth == width, tileHeight == rows per strip) or tiles.
    boolean tiled;
    int tileWidth;
    int tileHeight;
    long[] offsets = new long[0];
    long @Nullable [] counts;
    int[] palette = new int[0];

    int across() {
      return (int) (((long) width + tileWidth - 1) / tileWidth);
    }

    int down() {
      return (int) (((long) height + tileHeight - 1) / tileHeight);
    }

    long pieces() {
      return (long) across() * down();
    }

    /** Bytes of one row of {@code pixels} pixels. */
    long rowBytes(long pixels) {
      return (pixels * samples * bits + 7) / 8;
    }

    /** Rows of the image in strip or tile row {@code band}. */
    int bandRows(int band) {
      return Math.min(tileHeight, height - band * tileHeight);
    }

    /**
     * The bytes piece {@code i} expands to: a strip's rows; a whole tile, or, uncompressed, its
     * rows within the image (Pillow reads no more).
     */
    long pieceBytes(int i) {
      int band = i / across();
      if (!tiled) {
        return bandRows(band) * rowBytes(width);
      }
      int rows = compression == COMPRESSION_NONE ? bandRows(band) : tileHeight;
      return rows * rowBytes(tileWidth);
    }

    /**
     * Every strip or tile is in the file, and the compressed ones can expand to what they must:
     * checked before anything is allocated.
     */
    void checkData(long fileLength) throws ItemException {
      String piece = tiled ? "tile" : "strip";
      long[] c = counts;
      long total = 0;
      long compressed = 0;
      for (int i = 0; i < pieces(); i++) {
        long need = pieceBytes(i);
        long stored = compression == COMPRESSION_NONE ? need : Objects.requireNonNull(c)[i];
        if (offsets[i] + stored > fileLength) {
          throw truncated(
              String.format(
                  Locale.ROOT,
                  "the file ends inside %s %d of %d (it should end at byte %d, the file has %d);"
                      + " it was probably cut off",
                  piece,
                  i + 1,
                  pieces(),
                  offsets[i] + stored,
                  fileLength));
        }
        if (compression != COMPRESSION_NONE && stored == 0) {
          throw truncated(
              String.format(Locale.ROOT, "%s %d of %d has no data", piece, i + 1, pieces()));
        }
        total += need;
        compressed += stored;
      }
      long ratio =
          switch (compression) {
            case COMPRESSION_NONE -> 1;
            case COMPRESSION_PACKBITS -> 65;
            case COMPRESSION_LZW -> MAX_RATIO;
            default -> 1032;
          };
      if (compression != COMPRESSION_NONE && total > compressed * ratio + 64) {
        throw truncated(
            String.format(
                Locale.ROOT,
                "the compressed image data (%d bytes) is far too short for a %dx%d image;"
                    + " the data ends early",
                compressed,
                width,
                height));
      }
      if (rowBytes(tileWidth) * tileHeight > MAX_ARRAY_LENGTH
          || rowBytes(tileWidth) * tileHeight * across() > MAX_ARRAY_LENGTH) {
        throw new ItemException(
            ItemStatus.TOO_MANY_PIXELS,
            "a " + piece + " of this image does not fit in one Java array");
      }
    }

    /** Whether any LZW strip starts like pre-5.0 LZW (libtiff's test: 0x00, then an odd byte). */
    boolean oldStyleLzw(byte[] b) {
      for (int i = 0; i < pieces(); i++) {
        long p = offsets[i];
        if (Objects.requireNonNull(counts)[i] >= 2
            && b[(int) p] == 0
            && (b[(int) p + 1] & 1) != 0) {
          return true;
        }
      }
      return false;
    }

    static @Nullable Directory read(Reader r, long maxPixels) throws ItemException {
      byte[] b = r.b();
      long n = b.length;
      if (n < 8) {
        throw truncated("the file ends inside the TIFF header, after " + n + " bytes");
      }
      long ifd = r.u32(4);
      if (ifd + 2 > n) {
        throw truncated(
            "the TIFF directory should start at byte "
                + ifd
                + " but the file has only "
                + n
                + " bytes; it was probably cut off");
      }
      if (ifd < 8) {
        throw corrupt("the TIFF header points to its directory at byte " + ifd);
      }
      int entries = r.u16(ifd);
      if (ifd + 2 + 12L * entries > n) {
        throw truncated("the file ends inside the TIFF directory");
      }
      Tags t = new Tags();
      for (int i = 0; i < entries; i++) {
        long e = ifd + 2 + 12L * i;
        int tag = r.u16(e);
        int type = r.u16(e + 2);
        long count = r.u32(e + 4);
        if (!t.wanted(tag)) {
          continue;
        }
        int size =
            switch (type) {
              case 1, 2, 6, 7 -> 1;
              case 3, 8 -> 2;
              case 4, 9 -> 4;
              default -> 0;
            };
        if (size == 0 || (type != 3 && type != 4 && type != 1)) {
          throw corrupt(
              String.format(Locale.ROOT, "TIFF tag %d has type %d, not a number", tag, type));
        }
        if (count > MAX_VALUES) {
          throw corrupt(
              String.format(
                  Locale.ROOT,
                  "TIFF tag %d has %d values, far more than any image needs",
                  tag,
                  count));
        }
        long bytes = count * size;
        long at = bytes <= 4 ? e + 8 : r.u32(e + 8);
        if (count > n || at + bytes > n) {
          throw truncated(
              String.format(
                  Locale.ROOT,
                  "the values of TIFF tag %d (%d of them at byte %d) are beyond the end of the"
                      + " file",
                  tag,
                  count,
                  at));
        }
        long[] v = new long[(int) count];
        for (int k = 0; k < count; k++) {
          long p = at + (long) k * size;
          v[k] = size == 1 ? r.u8(p) : size == 2 ? r.u16(p) : r.u32(p);
        }
        t.put(tag, v);
      }
      return t.directory(r, maxPixels);
    }
  }

  /** The tags kopi reads, as arrays of values. */
  private static final class Tags {
    long @Nullable [] width;
    long @Nullable [] height;
    long @Nullable [] bitsPerSample;
    long @Nullable [] compression;
    long @Nullable [] photometric;
    long @Nullable [] fillOrder;
    long @Nullable [] stripOffsets;
    long @Nullable [] samplesPerPixel;
    long @Nullable [] rowsPerStrip;
    long @Nullable [] stripByteCounts;
    long @Nullable [] planar;
    long @Nullable [] predictor;
    long @Nullable [] colorMap;
    long @Nullable [] tileWidth;
    long @Nullable [] tileLength;
    long @Nullable [] tileOffsets;
    long @Nullable [] tileByteCounts;
    long @Nullable [] extraSamples;
    long @Nullable [] sampleFormat;
    boolean foreign;

    boolean wanted(int tag) {
      return switch (tag) {
        case 256,
            257,
            258,
            259,
            262,
            266,
            273,
            277,
            278,
            279,
            284,
            317,
            320,
            322,
            323,
            324,
            325,
            338,
            339 ->
            true;
        case 0xBC01 -> {
          foreign = true; // Windows Media Photo, which Pillow refuses too
          yield false;
        }
        default -> false;
      };
    }

    void put(int tag, long[] v) {
      switch (tag) {
        case 256 -> width = v;
        case 257 -> height = v;
        case 258 -> bitsPerSample = v;
        case 259 -> compression = v;
        case 262 -> photometric = v;
        case 266 -> fillOrder = v;
        case 273 -> stripOffsets = v;
        case 277 -> samplesPerPixel = v;
        case 278 -> rowsPerStrip = v;
        case 279 -> stripByteCounts = v;
        case 284 -> planar = v;
        case 317 -> predictor = v;
        case 320 -> colorMap = v;
        case 322 -> tileWidth = v;
        case 323 -> tileLength = v;
        case 324 -> tileOffsets = v;
        case 325 -> tileByteCounts = v;
        case 338 -> extraSamples = v;
        case 339 -> sampleFormat = v;
        default -> {}
      }
    }

    private static long first(long @Nullable [] v, long otherwise) {
      return v == null || v.length == 0 ? otherwise : v[0];
    }

    @Nullable Directory directory(Reader r, long maxPixels) throws ItemException {
      long fileLength = r.b().length;
      if (foreign) {
        return null;
      }
      Directory d = new Directory();
      long compression = first(this.compression, COMPRESSION_NONE);
      if (compression != COMPRESSION_NONE
          && compression != COMPRESSION_LZW
          && compression != COMPRESSION_DEFLATE
          && compression != COMPRESSION_ADOBE_DEFLATE
          && compression != COMPRESSION_PACKBITS) {
        return null;
      }
      d.compression = (int) compression;
      if (first(planar, 1) != 1 || first(fillOrder, 1) != 1) {
        return null;
      }
      if (sampleFormat != null) {
        for (long f : sampleFormat) {
          if (f != 1) {
            return null;
          }
        }
      }
      long photometric = first(this.photometric, 0); // Pillow's default: white is zero
      long samples = first(samplesPerPixel, 1);
      long[] bps = bitsPerSample == null ? new long[] {1} : bitsPerSample;
      if (samples < 1 || samples > 6 || bps.length == 0) {
        return null;
      }
      long bits = bps[0];
      for (int i = 0; i < Math.min(bps.length, samples); i++) {
        if (bps[i] != bits) {
          return null;
        }
      }
      if (bps.length < samples && bps.length != 1) {
        return null; // Pillow: "unknown data organization"
      }
      long[] extra = extraSamples == null ? new long[0] : extraSamples;
      Kind kind = kind(photometric, samples, bits, extra);
      if (kind == null) {
        return null;
      }
      long predictor = first(this.predictor, 1);
      boolean predicts =
          compression == COMPRESSION_LZW
              || compression == COMPRESSION_DEFLATE
              || compression == COMPRESSION_ADOBE_DEFLATE;
      if (predicts && predictor != 1 && (predictor != 2 || bits < 8)) {
        return null; // floating-point prediction, or differencing of packed samples
      }
      d.predictor = predicts ? (int) predictor : 1;
      if (this.width == null || this.height == null) {
        throw corrupt("the TIFF directory has no image width or height");
      }
      long width = first(this.width, 0);
      long height = first(this.height, 0);
      if (width < 1 || height < 1) {
        throw corrupt("the TIFF directory declares an invalid size " + width + "x" + height);
      }
      ImageDecoder.checkPixels(width, height, maxPixels);
      d.width = (int) width;
      d.height = (int) height;
      d.bits = (int) bits;
      d.samples = (int) samples;
      d.kind = kind;
      d.whiteIsZero = photometric == 0;
      d.mode = kind == Kind.GREY_16 && !r.little() ? "I;16B" : kind.mode;
      if (kind == Kind.PALETTE || kind == Kind.PALETTE_ALPHA) {
        long[] map = colorMap;
        int entries = 1 << d.bits;
        if (map == null || map.length < 3L * entries) {
          throw corrupt(
              "the palette image's colour map has "
                  + (map == null ? 0 : map.length)
                  + " values instead of "
                  + 3 * entries);
        }
        int[] pal = new int[256];
        for (int i = 0; i < 256; i++) {
          pal[i] =
              i < entries
                  ? RgbRows.rgba(
                      (int) (map[i] >> 8) & 0xFF,
                      (int) (map[entries + i] >> 8) & 0xFF,
                      (int) (map[2 * entries + i] >> 8) & 0xFF,
                      0xFF)
                  : RgbRows.rgba(i, i, i, 0xFF);
        }
        d.palette = pal;
      }
      // Strips or tiles.
      if (tileOffsets != null) {
        long tw = first(tileWidth, 0);
        long th = first(tileLength, 0);
        if (tw < 1 || th < 1 || tw > width * 16 + 16 || th > height * 16 + 16) {
          throw corrupt("the TIFF directory declares tiles of " + tw + "x" + th + " pixels");
        }
        d.tiled = true;
        d.tileWidth = (int) tw;
        d.tileHeight = (int) th;
        d.offsets = tileOffsets;
        d.counts = tileByteCounts;
        long across = (width + tw - 1) / tw;
        long down = (height + th - 1) / th;
        if (d.offsets.length < across * down) {
          throw corrupt(
              String.format(
                  Locale.ROOT,
                  "the TIFF directory lists %d tiles for an image that needs %d",
                  d.offsets.length,
                  across * down));
        }
      } else if (stripOffsets != null) {
        long rows = Math.min(first(rowsPerStrip, height), height);
        if (rows < 1) {
          throw corrupt("the TIFF directory declares " + rows + " rows per strip");
        }
        d.tileWidth = d.width;
        d.tileHeight = (int) rows;
        d.offsets = stripOffsets;
        d.counts = stripByteCounts;
        long strips = (height + rows - 1) / rows;
        if (d.offsets.length < strips) {
          throw corrupt(
              String.format(
                  Locale.ROOT,
                  "the TIFF directory lists %d strips for an image that needs %d",
                  d.offsets.length,
                  strips));
        }
      } else {
        throw corrupt("the TIFF directory has no strip or tile offsets");
      }
      long[] counts = d.counts;
      if (d.compression != COMPRESSION_NONE && (counts == null || counts.length < d.pieces())) {
        return null; // libtiff would estimate the sizes; leave it to Image I/O
      }
      d.checkData(fileLength);
      if (d.compression == COMPRESSION_LZW && d.oldStyleLzw(r.b())) {
        return null; // LZW from before TIFF 5.0, bits in the other order: Image I/O
      }
      return d;
    }

    private static @Nullable Kind kind(long photometric, long samples, long bits, long[] extra) {
      int e = extra.length;
      if (photometric == 0 || photometric == 1) {
        if (samples == 1 && e == 0) {
          if (bits == 1) {
            return Kind.BILEVEL;
          }
          if (bits == 2 || bits == 4) {
            return Kind.GREY_LOW;
          }
          if (bits == 8) {
            return Kind.GREY_8;
          }
          // Pillow does not invert 16-bit white-is-zero, and refuses it big-endian.
          return bits == 16 && photometric == 1 ? Kind.GREY_16 : null;
        }
        return samples == 2 && bits == 8 && photometric == 1 && e == 1 && extra[0] == 2
            ? Kind.GREY_ALPHA
            : null;
      }
      if (photometric == 2 && (bits == 8 || bits == 16)) {
        boolean wide = bits == 16;
        if (samples == 3 && e == 0) {
          return wide ? Kind.RGB_16 : Kind.RGB_8;
        }
        if (samples == 4 && e <= 1) {
          // No extra-samples tag: alpha, as Pillow has it. 999: Corel Draw's alpha (8 bits).
          long type = e == 0 ? 2 : extra[0];
          if (type == 0) {
            return wide ? Kind.RGBX_16 : Kind.RGBX_8;
          }
          if (type == 2 || (type == 999 && !wide)) {
            return wide ? Kind.RGBA_16 : Kind.RGBA_8;
          }
          if (type == 1 && !wide) {
            return Kind.RGB_PREMULTIPLIED_8;
          }
        }
        return null;
      }
      if (photometric == 3) {
        if (samples == 1 && e == 0 && (bits == 1 || bits == 2 || bits == 4 || bits == 8)) {
          return Kind.PALETTE;
        }
        return samples == 2 && bits == 8 && e == 1 && extra[0] == 2 ? Kind.PALETTE_ALPHA : null;
      }
      return null;
    }
  }

  /** The pixel pass; one instance per call. */
  private static final class Decoder {
    private final byte[] b;
    private final boolean little;
    private final Directory d;
    private final int channels;
    private final int reduce;

    Decoder(byte[] b, boolean little, Directory d, boolean alpha, int reduce) {
      this.b = b;
      this.little = little;
      this.d = d;
      this.channels = alpha ? 4 : 3;
      this.reduce = reduce;
    }

    DecodedImage run() throws ItemException {
      RgbRows rows = RgbRows.allocate(d.width, d.height, channels, reduce);
      Convert convert = new Convert(d, little, channels);
      int across = d.across();
      int tileRowBytes = (int) d.rowBytes(d.tileWidth);
      boolean raw = d.compression == COMPRESSION_NONE;
      byte[] band = raw ? b : new byte[(int) (tileRowBytes * (long) d.tileHeight * across)];
      int tileBytes = tileRowBytes * d.tileHeight;
      for (int y0 = 0, bandIndex = 0; y0 < d.height; y0 += d.tileHeight, bandIndex++) {
        int n = d.bandRows(bandIndex);
        if (!raw) {
          for (int t = 0; t < across; t++) {
            int i = bandIndex * across + t;
            int need = (int) d.pieceBytes(i);
            expand(i, band, t * tileBytes, need);
            if (d.predictor == 2) {
              int width = d.tiled ? d.tileWidth : d.width;
              for (int r = 0; r < need / tileRowBytes; r++) {
                undoPredictor(band, t * tileBytes + r * tileRowBytes, width);
              }
            }
          }
        }
        for (int r = 0; r < n; r++) {
          byte[] out = rows.row();
          int o = rows.offset();
          for (int t = 0; t < across; t++) {
            int x = t * d.tileWidth;
            int pixels = Math.min(d.tileWidth, d.width - x);
            int i = bandIndex * across + t;
            long src =
                raw
                    ? d.offsets[i] + (long) r * tileRowBytes
                    : t * tileBytes + (long) r * tileRowBytes;
            convert.row(band, (int) src, pixels, out, o + x * channels);
          }
          rows.next();
        }
      }
      return new DecodedImage(rows.pixels(), d.width, d.height, d.mode, reduce);
    }

    /** Expands compressed piece {@code i} into {@code need} bytes of {@code out} from {@code o}. */
    private void expand(int i, byte[] out, int o, int need) throws ItemException {
      int from = (int) d.offsets[i];
      int count = (int) Objects.requireNonNull(d.counts)[i];
      String piece = (d.tiled ? "tile " : "strip ") + (i + 1);
      int got =
          switch (d.compression) {
            case COMPRESSION_PACKBITS -> packBits(b, from, count, out, o, need);
            case COMPRESSION_LZW -> Lzw.decode(b, from, count, out, o, need, piece);
            default -> inflate(b, from, count, out, o, need, piece);
          };
      if (got < need) {
        throw truncated(
            String.format(
                Locale.ROOT,
                "the compressed data of %s ends after %d of its %d bytes; it was probably cut off",
                piece,
                got,
                need));
      }
    }

    /** Undoes horizontal differencing over one row of {@code width} pixels at {@code p}. */
    private void undoPredictor(byte[] buf, int p, int width) {
      int s = d.samples;
      if (d.bits == 8) {
        for (int i = p + s, end = p + width * s; i < end; i++) {
          buf[i] += buf[i - s];
        }
        return;
      }
      for (int i = p + 2 * s, end = p + 2 * width * s; i < end; i += 2) {
        int v = sample16(buf, i) + sample16(buf, i - 2 * s);
        if (little) {
          buf[i] = (byte) v;
          buf[i + 1] = (byte) (v >> 8);
        } else {
          buf[i] = (byte) (v >> 8);
          buf[i + 1] = (byte) v;
        }
      }
    }

    private int sample16(byte[] buf, int i) {
      int a = buf[i] & 0xFF;
      int c = buf[i + 1] & 0xFF;
      return little ? a | c << 8 : a << 8 | c;
    }
  }

  /** PackBits as libtiff reads it; returns the bytes written (at most {@code need}). */
  static int packBits(byte[] b, int p, int count, byte[] out, int o, int need) {
    int end = p + count;
    int start = o;
    int limit = o + need;
    while (p < end && o < limit) {
      int n = b[p++];
      if (n >= 0) {
        int len = Math.min(n + 1, limit - o);
        if (end - p < len) {
          break; // libtiff: "lack of data"
        }
        System.arraycopy(b, p, out, o, len);
        p += n + 1;
        o += len;
      } else if (n != -128) {
        if (p >= end) {
          break;
        }
        int len = Math.min(-n + 1, limit - o);
        Arrays.fill(out, o, o + len, b[p++]);
        o += len;
      }
    }
    return o - start;
  }

  /** zlib data as libtiff's Deflate codec reads it; returns the bytes written. */
  static int inflate(byte[] b, int p, int count, byte[] out, int o, int need, String piece)
      throws ItemException {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(b, p, count);
      int done = 0;
      while (done < need) {
        int got;
        try {
          got = inflater.inflate(out, o + done, need - done);
        } catch (DataFormatException e) {
          throw corrupt(
              "the compressed data of "
                  + piece
                  + " is damaged (zlib: "
                  + Objects.requireNonNullElse(e.getMessage(), "invalid data")
                  + ")");
        }
        if (got == 0) {
          if (inflater.needsDictionary()) {
            throw corrupt("the compressed data of " + piece + " asks for a preset dictionary");
          }
          break; // finished early, or out of input
        }
        done += got;
      }
      return done;
    } finally {
      inflater.end();
    }
  }

  /**
   * TIFF's LZW, as libtiff decodes it: codes most significant bit first, 256 clears, 257 ends, and
   * codes widen one entry earlier than GIF's (at 511, 1023, 2047). As in {@link GifDecoder} every
   * table entry is a copy of earlier output, with the 256 single-byte strings seeded in front of
   * it.
   */
  private static final class Lzw {
    private static final int CLEAR = 256;
    private static final int END = 257;

    private Lzw() {}

    static int decode(byte[] b, int p, int count, byte[] out, int o, int need, String piece)
        throws ItemException {
      // Output with room for the seeded strings in front and a string's overrun after.
      byte[] buf = new byte[CLEAR + need + 4096 + 16];
      int[] start = new int[4096];
      int[] length = new int[4096];
      for (int i = 0; i < CLEAR; i++) {
        buf[i] = (byte) i;
        start[i] = i;
        length[i] = 1;
      }
      int limit = CLEAR + need;
      int end = p + count;
      long buffer = 0;
      int buffered = 0;
      int size = 9;
      int next = END + 1;
      boolean first = true;
      int prevStart = 0;
      int prevLength = 0;
      int op = CLEAR;
      while (op < limit) {
        if (buffered < size) {
          while (buffered <= 56 && p < end) {
            buffer |= (long) (b[p++] & 0xFF) << (56 - buffered);
            buffered += 8;
          }
          if (buffered < size) {
            break; // the data ran out
          }
        }
        int code = (int) (buffer >>> (64 - size));
        buffer <<= size;
        buffered -= size;
        int len;
        if (code < next && (code - CLEAR) >>> 1 != 0) {
          len = length[code];
          copy(buf, start[code], op, len);
        } else if (code == CLEAR) {
          size = 9;
          next = END + 1;
          first = true;
          continue;
        } else if (code == END) {
          break;
        } else if (code == next && !first) {
          len = prevLength + 1;
          copy(buf, prevStart, op, prevLength);
          buf[op + prevLength] = buf[prevStart];
        } else {
          throw corrupt(
              String.format(
                  Locale.ROOT,
                  "the compressed data of %s is damaged: LZW code %d %s, at byte %d of its output",
                  piece,
                  code,
                  first
                      ? "right after a clear code"
                      : "is beyond the table (next entry " + next + ")",
                  op - CLEAR));
        }
        if (first) {
          first = false;
        } else if (next < 4096) {
          start[next] = prevStart;
          length[next] = prevLength + 1;
          next++;
          if (next == (1 << size) - 1 && size < 12) {
            size++;
          }
        }
        prevStart = op;
        prevLength = len;
        op += len;
      }
      int got = Math.min(op, limit) - CLEAR;
      System.arraycopy(buf, CLEAR, out, o, got);
      return got;
    }

    /** As {@link GifDecoder}'s copy: 8 bytes at a time, the source always before the target. */
    private static void copy(byte[] buf, int from, int to, int len) {
      int i = 0;
      do {
        LONGS.set(buf, to + i, (long) LONGS.get(buf, from + i));
        i += 8;
      } while (i < len);
    }

    private static final java.lang.invoke.VarHandle LONGS =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  /** The row conversions, picked once per image. */
  private static final class Convert {
    private final Kind kind;
    private final int bits;
    private final boolean little;
    private final int channels;
    // Grey levels or the palette, packed as RgbRows.palette makes them.
    private final int[] table;

    Convert(Directory d, boolean little, int channels) {
      this.kind = d.kind;
      this.bits = d.bits;
      this.little = little;
      this.channels = channels;
      if (d.kind == Kind.PALETTE || d.kind == Kind.PALETTE_ALPHA) {
        this.table = d.palette;
      } else {
        int[] t = new int[256];
        int levels = (1 << Math.min(bits, 8)) - 1;
        for (int v = 0; v < 256; v++) {
          int g = v <= levels ? v * 255 / levels : v;
          if (d.whiteIsZero) {
            g = 255 - g;
          }
          t[v] = RgbRows.rgba(g, g, g, 0xFF);
        }
        this.table = t;
      }
    }

    /** Converts {@code n} pixels from {@code src[s]} to RGB(A) at {@code out[o]}. */
    void row(byte[] src, int s, int n, byte[] out, int o) {
      int c = channels;
      switch (kind) {
        case BILEVEL, GREY_LOW -> RgbRows.packed(src, s, n, bits, table, out, o);
        case PALETTE -> {
          if (bits == 8) {
            RgbRows.indexed(src, s, n, table, out, o, 3);
          } else {
            RgbRows.packed(src, s, n, bits, table, out, o);
          }
        }
        case GREY_8 -> RgbRows.indexed(src, s, n, table, out, o, 3);
        case GREY_16 -> {
          int hi = little ? 1 : 0;
          for (int i = 0; i < n; i++, s += 2, o += 3) {
            int v = (src[s + hi] & 0xFF) << 8 | (src[s + 1 - hi] & 0xFF);
            byte g = (byte) ((v + 128) / 257);
            out[o] = g;
            out[o + 1] = g;
            out[o + 2] = g;
          }
        }
        case GREY_ALPHA, PALETTE_ALPHA -> {
          for (int i = 0; i < n; i++, s += 2, o += c) {
            RgbRows.putRgb(out, o, table[src[s] & 0xFF]);
            if (c == 4) {
              out[o + 3] = src[s + 1];
            }
          }
        }
        case RGB_8 -> System.arraycopy(src, s, out, o, 3 * n);
        case RGBX_8 -> {
          for (int i = 0; i < n; i++, s += 4, o += 3) {
            out[o] = src[s];
            out[o + 1] = src[s + 1];
            out[o + 2] = src[s + 2];
          }
        }
        case RGBA_8 -> {
          if (c == 4) {
            System.arraycopy(src, s, out, o, 4 * n);
          } else {
            for (int i = 0; i < n; i++, s += 4, o += 3) {
              out[o] = src[s];
              out[o + 1] = src[s + 1];
              out[o + 2] = src[s + 2];
            }
          }
        }
        case RGB_PREMULTIPLIED_8 -> {
          for (int i = 0; i < n; i++, s += 4, o += c) {
            int a = src[s + 3] & 0xFF;
            for (int k = 0; k < 3; k++) {
              int v = src[s + k] & 0xFF;
              out[o + k] = (byte) (a == 0 ? 0 : Math.min(255, v * 255 / a));
            }
            if (c == 4) {
              out[o + 3] = (byte) a;
            }
          }
        }
        case RGB_16, RGBX_16, RGBA_16 -> {
          int step = kind == Kind.RGB_16 ? 6 : 8;
          int hi = little ? 1 : 0;
          for (int i = 0; i < n; i++, s += step, o += c) {
            // Pillow keeps each 16-bit sample's high byte.
            out[o] = src[s + hi];
            out[o + 1] = src[s + 2 + hi];
            out[o + 2] = src[s + 4 + hi];
            if (c == 4) {
              out[o + 3] = src[s + 6 + hi];
            }
          }
        }
      }
    }
  }

  private static ItemException truncated(String reason) {
    return new ItemException(ItemStatus.TRUNCATED, reason);
  }

  private static ItemException corrupt(String reason) {
    return new ItemException(ItemStatus.CORRUPT, reason);
  }
}
