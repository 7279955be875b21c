package dev.kopi.image.decode;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import dev.kopi.image.resize.Reduce;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a PNG file's bytes straight to kopi's interleaved 8-bit RGB (or RGB + alpha), with the
 * same pixels, the same alpha channel and the same mode name as {@link ImageDecoder}'s Image I/O
 * path followed by {@link Rgb#convert}, but without a {@code BufferedImage}, without a copy of the
 * filtered data and, when asked, with a Pillow-exact box reduction fused into the row loop.
 *
 * <p>Every colour type and bit depth of the PNG specification is handled (grey 1/2/4/8/16, RGB
 * 8/16, palette 1/2/4/8, grey + alpha 8/16, RGBA 8/16), with {@code tRNS} transparency, Adam7
 * interlacing and all five row filters. The file must be whole: every chunk's CRC is checked (the
 * value of the {@code IEND} chunk's excepted), and the {@code IEND} chunk must be present.
 *
 * <p>Thread-safe: the only shared state is immutable lookup tables built once.
 */
final class PngDecoder {
  /*
   * Maintainer overview.
   *
   * Two passes over the bytes. The first walks the chunk list without inflating anything: it
   * checks the signature, the IHDR (and the pixel limit, so a decompression bomb is refused
   * from its header), the CRC of every chunk, that IEND is there, and records
   * where the IDAT chunks are. Most damage (truncation, flipped bytes) is found here, cheaply.
   * The second pass inflates the IDAT chunks, in place, with kopi's own Inflate (strict as zlib,
   * error for error, and 1.6x its speed on our corpus, which made whole decodes 1.5x faster than
   * through java.util.zip; see Inflate's overview) into a window: 64 KiB at a time after the 32 KiB
   * of history Inflate copies matches from. Each scanline is unfiltered from the window against
   * the previous one and converted straight into the output array (or into one row that the
   * reducer consumes). Adam7 does the same per pass, writing every pass's pixels at
   * their final positions; with reduce > 1 an interlaced image is decoded whole and reduced
   * afterwards, because its rows are complete only after the last pass.
   *
   * Memory: the output, two unfiltered scanlines, the window (96 KiB; more for a scanline
   * longer than 64 KiB), one converted row (reduce only) and Inflate's 12 KiB of tables. No
   * filtered image is ever held whole. Before allocating the output, the compressed size is
   * checked against the largest expansion deflate allows (1032:1), so a tiny file declaring a
   * huge image fails fast instead of allocating for it.
   *
   * Compatibility with the Image I/O path is byte for byte and includes its quirks, each
   * pinned by PngDecoderTest:
   *  - Palettes are rounded up to 2, 4, 16 or 256 entries with black, then padded to
   *    2^bitDepth with the last of those entries; out-of-range indices show those colours.
   *    tRNS entries beyond the rounded palette are ignored; missing ones are opaque.
   *  - Grey and RGB with a tRNS colour become grey + alpha and RGBA images. The tRNS sample is
   *    compared with the sample *after* Image I/O scaled it to 8 bits (1, 2 and 4-bit grey), so
   *    only a tRNS grey of 0 ever matches those depths. tRNS after the first IDAT is ignored
   *    for grey and RGB but honoured for palettes (Image I/O reads palette metadata to IEND).
   *  - Grey + alpha (and grey with tRNS) keep the stored grey, as Pillow does. (The JDK's
   *    linear-grey colour model would apply the sRGB transfer curve, 128 becoming 188; kopi's
   *    Image I/O path reads their samples instead, see Rgb.)
   *  - 16-bit samples become round(v / 257); grey 1, 2 and 4 bits become i * 255 / (2^bits - 1).
   *  - Mode names are Pillow's, not Image I/O's (PngDecoderPillowTest checks them): 2 and 4-bit
   *    grey are "L" (Image I/O: "P"), 1-bit palettes "P" ("1"), 16-bit grey "I" ("I;16"),
   *    16-bit RGB "RGB" ("RGB;16").
   * Where Image I/O is lax about damage (it never checks CRCs) this decoder is stricter, except
   * for the IEND CRC, which broken writers get wrong and Image I/O and other decoders tolerate.
   * Where Image I/O fails on chunks it means to ignore (a tRNS in grey + alpha or RGBA, a tRNS
   * before PLTE, a second PLTE: it skips their header but not their data and loses its place)
   * or on malformed metadata that does not touch the pixels (tEXt, iCCP, sPLT... of palette
   * images), this decoder ignores them and decodes the image.
   *
   * Speed: inflating dominates, then unfiltering (Paeth above all; see Unfilter). One switch
   * per row picks a conversion loop specialised by colour type and bit depth; no per-pixel
   * virtual calls. RGB 8 and RGBA 8 rows are copied with System.arraycopy. No per-thread
   * scratch is kept: the buffers are small next to the output (and reusing java.util.zip's
   * Inflater per thread, before kopi had its own, measured under 1 us per image).
   */

  /**
   * A decoded PNG: {@code pixels} is the image as RGB or RGB + alpha (reduced when asked), {@code
   * width} and {@code height} are the original size from the header, and {@code mode} is Pillow's
   * name for the stored colour type ("1", "L", "I", "P", "LA", "RGB", "RGBA"), as in {@link
   * ImageDecoder.Decoded}.
   */
  record Result(Pixels pixels, int width, int height, String mode) {}

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  private static final int IHDR = 0x49484452;
  private static final int PLTE = 0x504C5445;
  private static final int IDAT = 0x49444154;
  private static final int IEND = 0x49454E44;
  private static final int TRNS = 0x74524E53;

  private static final int CT_GREY = 0;
  private static final int CT_RGB = 2;
  private static final int CT_PALETTE = 3;
  private static final int CT_GREY_ALPHA = 4;
  private static final int CT_RGBA = 6;

  /** The largest factor by which deflate can expand data (258 bytes from 2 bits), plus slack. */
  private static final int MAX_INFLATE_RATIO = 1032;

  private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /**
   * Bytes inflated per refill of the window, after the {@link Inflate#HISTORY} kept before them (a
   * scanline longer than this gets a larger window).
   */
  private static final int WINDOW = 64 * 1024;

  /** The largest reduction accepted: its box must stay within {@link Reduce#MAX_BOX_AREA}. */
  static final int MAX_REDUCE = 4095;

  // Adam7: x offset, y offset, x step, y step of each pass.
  private static final int[][] ADAM7 = {
    {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}
  };

  private PngDecoder() {}

  /**
   * Decodes a PNG file.
   *
   * <p>Memory: besides the result, two scanlines, a 96 KiB inflate window (more for scanlines
   * longer than 64 KiB), 12 KiB of inflate tables and, when reducing, one converted row (an
   * interlaced image is decoded whole before it is reduced); nothing is kept after the call. Any
   * number of threads may call this at once.
   *
   * @param bytes the whole file; not modified
   * @param maxPixels images whose header declares more pixels are refused as {@code
   *     too_many_pixels} before any image data is inflated; at least 1
   * @param keepAlpha whether to keep the alpha channel as a fourth channel when the image has one
   *     (as {@link ImageDecoder#decode} decides it), rather than dropping it
   * @param reduce 1 for the image as it is, or a factor from 2 to {@link #MAX_REDUCE} by which both
   *     axes are box-reduced exactly as Pillow's {@code Image.reduce(reduce)} reduces the RGB (or
   *     RGBA) image: the result is {@code ceil(width / reduce) x ceil(height / reduce)}
   * @return the pixels, the original width and height and Pillow's mode name; or null when the
   *     bytes are not a PNG file (they do not start with the PNG signature), so another decoder may
   *     try
   * @throws ItemException with {@code too_many_pixels}, {@code truncated} (the file or its image
   *     data ends early, or {@code IEND} is missing) or {@code corrupt} (a bad CRC, header, filter
   *     type, compressed data or chunk order), with a reason a person can act on; never another
   *     exception for any content of {@code bytes}
   * @throws IllegalArgumentException if {@code maxPixels} or {@code reduce} is out of range
   */
  static @Nullable Result decode(byte[] bytes, long maxPixels, boolean keepAlpha, int reduce)
      throws ItemException {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels >= 1 required but it was " + maxPixels);
    }
    if (reduce < 1 || reduce > MAX_REDUCE) {
      throw new IllegalArgumentException(
          "reduce in [1, " + MAX_REDUCE + "] required but it was " + reduce);
    }
    int signature = Math.min(bytes.length, SIGNATURE.length);
    if (bytes.length == 0 || !Arrays.equals(bytes, 0, signature, SIGNATURE, 0, signature)) {
      return null;
    }
    if (bytes.length < SIGNATURE.length) {
      throw truncated("the file ends inside the PNG signature, after " + bytes.length + " bytes");
    }
    try {
      Header header = Header.read(bytes, maxPixels);
      return new Decoder(bytes, header, keepAlpha, reduce).run();
    } catch (OutOfMemoryError e) {
      throw new ItemException(ItemStatus.CORRUPT, "not enough memory to decode this image", e);
    } catch (RuntimeException e) {
      // A bug, not a property of the file; still one item's failure, not the batch's.
      throw new ItemException(ItemStatus.CORRUPT, "cannot decode (PNG): " + e, e);
    }
  }

  /** What the chunks before and around the image data say; built by {@link #read}. */
  private static final class Header {
    int width;
    int height;
    int bitDepth;
    int colorType;
    boolean interlaced;
    // The palette as Image I/O pads it: 2^bitDepth entries.
    byte @Nullable [] red;
    byte @Nullable [] green;
    byte @Nullable [] blue;

    /** The palette's colours packed as {@code r | g << 8 | b << 16}, for one store a pixel. */
    int @Nullable [] rgb;

    // Palette alpha (2^bitDepth entries, padded with 255) when a tRNS chunk came after PLTE.
    byte @Nullable [] alpha;
    // The rounded palette length Image I/O keeps (2, 4, 16 or 256); 0 before PLTE.
    int paletteEntries;
    // Grey or RGB tRNS colour, as 16-bit samples; valid when transparentColor.
    boolean transparentColor;
    int trnsGrey;
    int trnsRed;
    int trnsGreen;
    int trnsBlue;
    // Offsets and lengths of the data of the first run of IDAT chunks.
    int[] idat = new int[16];
    int idatChunks;
    long idatBytes;

    static Header read(byte[] b, long maxPixels) throws ItemException {
      Header h = new Header();
      CRC32 crc = new CRC32();
      int n = b.length;
      int pos = SIGNATURE.length;
      boolean seenIdat = false;
      boolean idatRunEnded = false;
      byte @Nullable [] trnsPalette = null;
      while (true) {
        if (n - pos < 8) {
          throw truncated(
              pos == SIGNATURE.length
                  ? "the file ends right after the PNG signature"
                  : "the file ends before the PNG end marker (IEND chunk); it was probably cut off");
        }
        long length = readInt(b, pos) & 0xFFFF_FFFFL;
        int type = readInt(b, pos + 4);
        if (!isChunkType(type)) {
          throw corrupt(
              "bytes "
                  + (pos + 4)
                  + "-"
                  + (pos + 7)
                  + " should name a chunk but do not; the file is damaged");
        }
        String name = chunkName(type);
        if (length > Integer.MAX_VALUE) {
          throw corrupt(
              "the " + name + " chunk at byte " + pos + " declares an impossible length " + length);
        }
        int data = pos + 8;
        if (pos == SIGNATURE.length && type != IHDR) {
          throw corrupt("the first chunk is " + name + ", not the IHDR header");
        }
        if (type == IEND) {
          // Its CRC must be there (else the file was cut), but its value is not checked: some
          // writers get it wrong, and Image I/O and other decoders accept such files.
          if ((long) n - data - length < 4) {
            throw truncated("the file ends inside the IEND chunk; it was probably cut off");
          }
          break;
        }
        if ((long) n - data - length < 4) {
          throw truncated(
              String.format(
                  Locale.ROOT,
                  "the file ends inside the %s chunk at byte %d (it declares %d bytes, %d remain);"
                      + " it was probably cut off",
                  name,
                  pos,
                  length,
                  Math.max(0, n - data)));
        }
        int len = (int) length;
        // Every chunk is checked, not only those that shape the pixels: the CRC covers the chunk
        // type too, and a damaged "tRNS" name would otherwise pass as an unknown chunk.
        checkCrc(b, pos, len, crc, name);
        switch (type) {
          case IHDR -> {
            if (pos != SIGNATURE.length) {
              throw corrupt("a second IHDR chunk at byte " + pos + "; the file is damaged");
            }
            if (len != 13) {
              throw corrupt("the IHDR chunk has " + len + " bytes instead of 13");
            }
            h.parseIhdr(b, data, maxPixels);
          }
          case PLTE -> {
            if (h.colorType == CT_PALETTE && h.paletteEntries == 0) {
              h.parsePalette(b, data, len);
            }
          }
          case TRNS -> {
            if (h.colorType == CT_PALETTE) {
              // Image I/O reads a palette image's metadata up to IEND, so a late tRNS counts.
              if (h.paletteEntries > 0) {
                trnsPalette = Arrays.copyOfRange(b, data, data + Math.min(len, h.paletteEntries));
              }
            } else if (!seenIdat) {
              h.parseColourKey(b, data, len);
            }
          }
          case IDAT -> {
            if (!seenIdat) {
              if (h.colorType == CT_PALETTE && h.paletteEntries == 0) {
                throw corrupt("a palette image without a PLTE chunk before its data");
              }
              seenIdat = true;
            }
            // Only the first run of consecutive IDAT chunks is image data, as in Image I/O.
            if (!idatRunEnded) {
              h.addIdat(data, len);
            }
          }
          default -> {
            // Other chunks (text, colour profile, unknown ancillary or even critical ones) do not
            // shape the pixels and are skipped, as Image I/O and Pillow skip them.
          }
        }
        if (seenIdat && type != IDAT) {
          idatRunEnded = true;
        }
        pos = data + len + 4;
      }
      if (!seenIdat) {
        throw corrupt("the file has no image data (IDAT chunk)");
      }
      if (trnsPalette != null) {
        h.paletteAlpha(trnsPalette);
      }
      return h;
    }

    private void parseIhdr(byte[] b, int p, long maxPixels) throws ItemException {
      width = readInt(b, p);
      height = readInt(b, p + 4);
      bitDepth = b[p + 8] & 0xFF;
      colorType = b[p + 9] & 0xFF;
      int compression = b[p + 10] & 0xFF;
      int filter = b[p + 11] & 0xFF;
      int interlace = b[p + 12] & 0xFF;
      if (width < 1 || height < 1) {
        throw corrupt(
            "the header declares an invalid size "
                + Integer.toUnsignedString(width)
                + "x"
                + Integer.toUnsignedString(height));
      }
      boolean valid =
          switch (colorType) {
            case CT_GREY ->
                bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8 || bitDepth == 16;
            case CT_PALETTE -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8;
            case CT_RGB, CT_GREY_ALPHA, CT_RGBA -> bitDepth == 8 || bitDepth == 16;
            default -> false;
          };
      if (!valid) {
        throw corrupt(
            "the header declares colour type "
                + colorType
                + " with bit depth "
                + bitDepth
                + ", which PNG does not define");
      }
      if (compression != 0 || filter != 0 || interlace > 1) {
        throw corrupt(
            String.format(
                Locale.ROOT,
                "the header declares unknown methods (compression %d, filter %d, interlace %d)",
                compression,
                filter,
                interlace));
      }
      interlaced = interlace == 1;
      ImageDecoder.checkPixels(width, height, maxPixels);
    }

    private void parsePalette(byte[] b, int p, int len) {
      int max = 1 << bitDepth;
      int entries = Math.min(len / 3, max);
      // Image I/O rounds the palette up to 2, 4, 16 or 256 entries (black), then pads it to
      // 2^bitDepth with its last entry.
      paletteEntries = entries > 16 ? 256 : entries > 4 ? 16 : entries > 2 ? 4 : 2;
      byte[] r = new byte[max];
      byte[] g = new byte[max];
      byte[] bl = new byte[max];
      for (int i = 0; i < entries; i++) {
        r[i] = b[p + 3 * i];
        g[i] = b[p + 3 * i + 1];
        bl[i] = b[p + 3 * i + 2];
      }
      int last = paletteEntries - 1;
      Arrays.fill(r, paletteEntries, max, r[last]);
      Arrays.fill(g, paletteEntries, max, g[last]);
      Arrays.fill(bl, paletteEntries, max, bl[last]);
      red = r;
      green = g;
      blue = bl;
      int[] packed = new int[max];
      for (int i = 0; i < max; i++) {
        packed[i] = (r[i] & 0xFF) | (g[i] & 0xFF) << 8 | (bl[i] & 0xFF) << 16;
      }
      rgb = packed;
    }

    private void paletteAlpha(byte[] trns) {
      byte[] a = new byte[1 << bitDepth];
      Arrays.fill(a, (byte) 0xFF);
      System.arraycopy(trns, 0, a, 0, trns.length);
      boolean opaque = true;
      for (byte v : a) {
        opaque &= v == (byte) 0xFF;
      }
      // An all-opaque table makes Image I/O's colour model opaque: no alpha channel.
      alpha = opaque ? null : a;
    }

    private void parseColourKey(byte[] b, int p, int len) {
      // Image I/O ignores a tRNS chunk of the wrong length, and any for grey + alpha or RGBA.
      if (colorType == CT_GREY && len == 2) {
        trnsGrey = readShort(b, p);
        transparentColor = true;
      } else if (colorType == CT_RGB && len == 6) {
        trnsRed = readShort(b, p);
        trnsGreen = readShort(b, p + 2);
        trnsBlue = readShort(b, p + 4);
        transparentColor = true;
      }
    }

    private void addIdat(int offset, int len) {
      if (2 * idatChunks + 2 > idat.length) {
        idat = Arrays.copyOf(idat, idat.length * 2);
      }
      idat[2 * idatChunks] = offset;
      idat[2 * idatChunks + 1] = len;
      idatChunks++;
      idatBytes += len;
    }

    boolean hasAlpha() {
      return switch (colorType) {
        case CT_GREY_ALPHA, CT_RGBA -> true;
        case CT_PALETTE -> alpha != null;
        default -> transparentColor;
      };
    }

    /** The mode {@link ImageDecoder#mode} names for the Image I/O image type of this header. */
    /** Pillow 9.4's name for the mode it opens this PNG in (its PngImagePlugin {@code _MODES}). */
    String mode() {
      return switch (colorType) {
        case CT_GREY ->
            switch (bitDepth) {
              case 1 -> "1";
              case 16 -> "I";
              default -> "L";
            };
        case CT_PALETTE -> "P";
        case CT_RGB -> "RGB";
        case CT_GREY_ALPHA -> bitDepth == 16 ? "RGBA" : "LA"; // Pillow opens LA;16B as RGBA
        default -> "RGBA";
      };
    }

    int samplesPerPixel() {
      return switch (colorType) {
        case CT_RGB -> 3;
        case CT_GREY_ALPHA -> 2;
        case CT_RGBA -> 4;
        default -> 1;
      };
    }
  }

  /** The second pass: inflates, unfilters and converts; one instance per call. */
  private static final class Decoder {
    private final byte[] bytes;
    private final Header h;
    private final int reduce;
    private final int channels;
    private final Kind kind;
    // Filter unit: bytes per complete pixel, at least 1.
    private final int bpp;
    private final int bitsPerPixel;
    private final Inflate inflate;
    // Inflated bytes not yet consumed are window[windowStart, windowEnd); the 32 KiB before
    // windowEnd are the history Inflate needs.
    private byte[] window = new byte[Inflate.HISTORY + WINDOW];
    private int windowStart;
    private int windowEnd;
    // The current kind's lookup table: grey levels, or plain grey for grey + alpha; else empty.
    private final byte[] lut;

    Decoder(byte[] bytes, Header h, boolean keepAlpha, int reduce) {
      this.bytes = bytes;
      this.h = h;
      this.reduce = reduce;
      this.inflate = new Inflate(bytes, h.idat, h.idatChunks);
      this.channels = keepAlpha && h.hasAlpha() ? 4 : 3;
      this.kind = Kind.of(h);
      this.bitsPerPixel = h.samplesPerPixel() * h.bitDepth;
      this.bpp = Math.max(1, bitsPerPixel / 8);
      this.lut =
          switch (kind) {
            case GREY_LOW -> greyLevels(h.bitDepth);
            case GREY_KEY_8, GREY_ALPHA_8 -> PlainGrey8.TABLE;
            case GREY_KEY_16, GREY_ALPHA_16 -> PlainGrey16.TABLE;
            default -> new byte[0];
          };
    }

    Result run() throws ItemException {
      int w = h.width;
      int ht = h.height;
      long needed = rawBytes();
      if (needed > h.idatBytes * (long) MAX_INFLATE_RATIO + 64) {
        throw truncated(
            String.format(
                Locale.ROOT,
                "the compressed image data (%d bytes) is far too short for a %dx%d image;"
                    + " the data ends early",
                h.idatBytes,
                w,
                ht));
      }
      int outW = reduce == 1 ? w : Reduce.reducedSize(w, reduce);
      int outH = reduce == 1 ? ht : Reduce.reducedSize(ht, reduce);
      // An interlaced image is reduced after decoding it whole (see the overview).
      boolean whole = h.interlaced && reduce > 1;
      long outLength = (long) outW * outH * channels;
      long wholeLength = whole ? (long) w * ht * channels : 0;
      if (Math.max(outLength, wholeLength) > MAX_ARRAY_LENGTH
          || (long) w * channels > MAX_ARRAY_LENGTH) {
        throw new ItemException(
            ItemStatus.TOO_MANY_PIXELS,
            w + "x" + ht + " pixels do not fit in one Java array; use a smaller --max-pixels");
      }
      String mode = h.mode();
      byte[] out;
      if (!h.interlaced) {
        out = new byte[(int) outLength];
        Reduce.@Nullable Rows rows =
            reduce == 1 ? null : new Reduce.Rows(w, ht, channels, reduce, reduce, out, 0);
        byte[] row = rows == null ? out : new byte[w * channels];
        decodePass(w, ht, 0, 0, 1, 1, w, row, rows);
      } else if (!whole) {
        out = new byte[(int) outLength];
        decodeInterlaced(out);
      } else {
        byte[] full = new byte[(int) wholeLength];
        decodeInterlaced(full);
        out = Reduce.reduce(full, w, ht, channels, reduce, reduce);
      }
      return new Result(new Pixels(out, outW, outH, channels), w, ht, mode);
    }

    /** Bytes of filtered image data the header implies: every scanline with its filter byte. */
    private long rawBytes() {
      if (!h.interlaced) {
        return h.height * (1 + rowBytes(h.width));
      }
      long sum = 0;
      for (int[] p : ADAM7) {
        int pw = passSize(h.width, p[0], p[2]);
        int ph = passSize(h.height, p[1], p[3]);
        if (pw > 0 && ph > 0) {
          sum += ph * (1 + rowBytes(pw));
        }
      }
      return sum;
    }

    private long rowBytes(int pixels) {
      return ((long) pixels * bitsPerPixel + 7) / 8;
    }

    private void decodeInterlaced(byte[] out) throws ItemException {
      for (int[] p : ADAM7) {
        int pw = passSize(h.width, p[0], p[2]);
        int ph = passSize(h.height, p[1], p[3]);
        if (pw > 0 && ph > 0) {
          decodePass(pw, ph, p[0], p[1], p[2], p[3], h.width, out, null);
        }
      }
    }

    /**
     * Decodes the {@code pw x ph} scanlines of one pass, whose pixel (i, j) lands at (x0 + i * dx,
     * y0 + j * dy) of an image {@code imageWidth} wide in {@code out}; or, when {@code rows} is not
     * null, converts each row into {@code out} (one row) and hands it to the reducer.
     */
    private void decodePass(
        int pw,
        int ph,
        int x0,
        int y0,
        int dx,
        int dy,
        int imageWidth,
        byte[] out,
        Reduce.@Nullable Rows rows)
        throws ItemException {
      long rowBytesLong = rowBytes(pw);
      if (rowBytesLong + 1 > MAX_ARRAY_LENGTH) {
        throw new ItemException(
            ItemStatus.TOO_MANY_PIXELS, "a row of " + pw + " pixels does not fit in memory");
      }
      int rowBytes = (int) rowBytesLong;
      // The previous row starts as zeros in every pass, as the filters require.
      byte[] cur = new byte[rowBytes];
      byte[] prev = new byte[rowBytes];
      int step = dx * channels;
      for (int j = 0; j < ph; j++) {
        fill(rowBytes + 1, j, ph);
        int filter = window[windowStart];
        if (!Unfilter.row(filter, window, windowStart + 1, cur, prev, rowBytes, bpp)) {
          throw corrupt(
              "scanline "
                  + j
                  + " has filter type "
                  + (filter & 0xFF)
                  + ", which PNG does not define; the image data is damaged");
        }
        windowStart += rowBytes + 1;
        if (rows != null) {
          convert(cur, pw, out, 0, channels);
          rows.add(out, 0);
        } else {
          int y = y0 + j * dy;
          convert(cur, pw, out, ((long) y * imageWidth + x0) * channels, step);
        }
        byte[] t = prev;
        prev = cur;
        cur = t;
      }
    }

    /**
     * Makes the next {@code n} inflated bytes available at {@code window[windowStart]}. The window
     * is inflated into in large steps rather than row by row (fewer calls, each with room for the
     * fast loop); it holds at least one scanline and its filter byte after the 32 KiB of output
     * history that Inflate's contract asks the caller to keep before the write position.
     */
    private void fill(int n, int row, int rowsInPass) throws ItemException {
      if (windowEnd - windowStart >= n) {
        return;
      }
      if (window.length - windowStart < n) {
        // Slide the unconsumed bytes and the history to the front, growing for a long scanline.
        int keep = Math.max(0, Math.min(windowStart, windowEnd - Inflate.HISTORY));
        int start = windowStart - keep;
        int end = windowEnd - keep;
        byte[] to = window;
        if (window.length < (long) start + n) {
          long size = (long) start + n + WINDOW;
          if (size > MAX_ARRAY_LENGTH) {
            throw new ItemException(
                ItemStatus.TOO_MANY_PIXELS, "a row of " + n + " bytes does not fit in memory");
          }
          to = new byte[(int) size];
        }
        System.arraycopy(window, keep, to, 0, end);
        window = to;
        windowStart = start;
        windowEnd = end;
      }
      while (windowEnd - windowStart < n) {
        int got;
        try {
          got = inflate.inflate(window, windowEnd, window.length - windowEnd);
        } catch (Inflate.DataException e) {
          if (e.presetDictionary()) {
            throw corrupt(
                "the compressed image data asks for a preset dictionary, which PNG does not"
                    + " allow");
          }
          throw corrupt("the compressed image data is damaged (zlib: " + e.getMessage() + ")");
        }
        if (got == 0) {
          // The stream ended, or the IDAT chunks did, before the image.
          throw truncated(dataEnds(row, rowsInPass));
        }
        windowEnd += got;
      }
    }

    private String dataEnds(int row, int rowsInPass) {
      return h.interlaced
          ? "the compressed image data ends early, at row "
              + row
              + " of "
              + rowsInPass
              + " of an interlace pass"
          : "the compressed image data ends after " + row + " of " + rowsInPass + " rows";
    }

    /**
     * Converts the {@code pw} pixels of an unfiltered line (from {@code src[0]}) to {@code
     * channels}-sample pixels at {@code out[o]}, {@code o + step}, ... One switch per row; each
     * case is a small loop of its own, which the JIT compiles well.
     */
    private void convert(byte[] src, int pw, byte[] out, long o64, int step) {
      int o = (int) o64;
      int s = 0;
      boolean alpha = channels == 4;
      switch (kind) {
        case GREY_8 -> Convert.grey8(src, s, pw, out, o, step);
        case GREY_16 -> Convert.grey16(src, s, pw, out, o, step);
        case GREY_LOW -> Convert.greyLow(src, s, pw, h.bitDepth, lut, out, o, step);
        case GREY_KEY_8 ->
            Convert.greyKey8(src, s, pw, h.bitDepth, h.trnsGrey, lut, alpha, out, o, step);
        case GREY_KEY_16 -> Convert.greyKey16(src, s, pw, h.trnsGrey, lut, alpha, out, o, step);
        case RGB_8 -> Convert.rgb8(src, s, pw, out, o, step);
        case RGB_KEY_8 ->
            Convert.rgbKey8(src, s, pw, h.trnsRed, h.trnsGreen, h.trnsBlue, alpha, out, o, step);
        case RGB_16 -> Convert.rgb16(src, s, pw, out, o, step);
        case RGB_KEY_16 ->
            Convert.rgbKey16(src, s, pw, h.trnsRed, h.trnsGreen, h.trnsBlue, alpha, out, o, step);
        case PALETTE ->
            Convert.palette(
                src,
                s,
                pw,
                h.bitDepth,
                nonNull(h.red),
                nonNull(h.green),
                nonNull(h.blue),
                nonNull(h.rgb),
                alpha ? h.alpha : null,
                out,
                o,
                step);
        case GREY_ALPHA_8 -> Convert.greyAlpha8(src, s, pw, lut, alpha, out, o, step);
        case GREY_ALPHA_16 -> Convert.greyAlpha16(src, s, pw, lut, alpha, out, o, step);
        case RGBA_8 -> Convert.rgba8(src, s, pw, alpha, out, o, step);
        case RGBA_16 -> Convert.rgba16(src, s, pw, alpha, out, o, step);
      }
    }
  }

  /**
   * Undoes the row filters. Sub, Average and Paeth depend on the byte one pixel to the left, a
   * chain the CPU cannot run ahead of; for 1, 3 and 4 bytes per pixel the loops keep the left and
   * upper-left pixels in locals and interleave the channels, and Paeth picks its predictor without
   * branches. Other pixel sizes take the plain loops.
   */
  static final class Unfilter {
    private Unfilter() {}

    /**
     * Unfilters {@code n} bytes from {@code raw[r]} into {@code cur}, against {@code prev}; false
     * when {@code filter} is not a PNG filter type.
     */
    static boolean row(int filter, byte[] raw, int r, byte[] cur, byte[] prev, int n, int bpp) {
      switch (filter) {
        case 0 -> System.arraycopy(raw, r, cur, 0, n);
        case 1 -> sub(raw, r, cur, n, bpp);
        case 2 -> {
          for (int i = 0; i < n; i++) {
            cur[i] = (byte) (raw[r + i] + prev[i]);
          }
        }
        case 3 -> {
          switch (bpp) {
            case 1 -> average1(raw, r, cur, prev, n);
            case 3 -> average3(raw, r, cur, prev, n);
            case 4 -> average4(raw, r, cur, prev, n);
            default -> average(raw, r, cur, prev, n, bpp);
          }
        }
        case 4 -> {
          switch (bpp) {
            case 1 -> paeth1(raw, r, cur, prev, n);
            case 3 -> paeth3(raw, r, cur, prev, n);
            case 4 -> paeth4(raw, r, cur, prev, n);
            default -> paeth(raw, r, cur, prev, n, bpp);
          }
        }
        default -> {
          return false;
        }
      }
      return true;
    }

    private static void sub(byte[] raw, int r, byte[] cur, int n, int bpp) {
      int first = Math.min(bpp, n);
      System.arraycopy(raw, r, cur, 0, first);
      for (int i = first; i < n; i++) {
        cur[i] = (byte) (raw[r + i] + cur[i - bpp]);
      }
    }

    private static void average(byte[] raw, int r, byte[] cur, byte[] prev, int n, int bpp) {
      for (int i = 0; i < n; i++) {
        int a = i >= bpp ? cur[i - bpp] & 0xFF : 0;
        cur[i] = (byte) (raw[r + i] + ((a + (prev[i] & 0xFF)) >>> 1));
      }
    }

    private static void average1(byte[] raw, int r, byte[] cur, byte[] prev, int n) {
      int a = 0;
      for (int i = 0; i < n; i++) {
        a = (raw[r + i] + ((a + (prev[i] & 0xFF)) >>> 1)) & 0xFF;
        cur[i] = (byte) a;
      }
    }

    private static void average3(byte[] raw, int r, byte[] cur, byte[] prev, int n) {
      int a0 = 0;
      int a1 = 0;
      int a2 = 0;
      for (int i = 0; i < n; i += 3) {
        a0 = (raw[r + i] + ((a0 + (prev[i] & 0xFF)) >>> 1)) & 0xFF;
        a1 = (raw[r + i + 1] + ((a1 + (prev[i + 1] & 0xFF)) >>> 1)) & 0xFF;
        a2 = (raw[r + i + 2] + ((a2 + (prev[i + 2] & 0xFF)) >>> 1)) & 0xFF;
        cur[i] = (byte) a0;
        cur[i + 1] = (byte) a1;
        cur[i + 2] = (byte) a2;
      }
    }

    private static void average4(byte[] raw, int r, byte[] cur, byte[] prev, int n) {
      int a0 = 0;
      int a1 = 0;
      int a2 = 0;
      int a3 = 0;
      for (int i = 0; i < n; i += 4) {
        a0 = (raw[r + i] + ((a0 + (prev[i] & 0xFF)) >>> 1)) & 0xFF;
        a1 = (raw[r + i + 1] + ((a1 + (prev[i + 1] & 0xFF)) >>> 1)) & 0xFF;
        a2 = (raw[r + i + 2] + ((a2 + (prev[i + 2] & 0xFF)) >>> 1)) & 0xFF;
        a3 = (raw[r + i + 3] + ((a3 + (prev[i + 3] & 0xFF)) >>> 1)) & 0xFF;
        cur[i] = (byte) a0;
        cur[i + 1] = (byte) a1;
        cur[i + 2] = (byte) a2;
        cur[i + 3] = (byte) a3;
      }
    }

    private static void paeth(byte[] raw, int r, byte[] cur, byte[] prev, int n, int bpp) {
      for (int i = 0; i < n; i++) {
        int a = i >= bpp ? cur[i - bpp] & 0xFF : 0;
        int c = i >= bpp ? prev[i - bpp] & 0xFF : 0;
        cur[i] = (byte) (raw[r + i] + predict(a, prev[i] & 0xFF, c));
      }
    }

    private static void paeth1(byte[] raw, int r, byte[] cur, byte[] prev, int n) {
      int a = 0;
      int c = 0;
      for (int i = 0; i < n; i++) {
        int b = prev[i] & 0xFF;
        a = (raw[r + i] + predict(a, b, c)) & 0xFF;
        cur[i] = (byte) a;
        c = b;
      }
    }

    private static void paeth3(byte[] raw, int r, byte[] cur, byte[] prev, int n) {
      int a0 = 0;
      int a1 = 0;
      int a2 = 0;
      int c0 = 0;
      int c1 = 0;
      int c2 = 0;
      for (int i = 0; i < n; i += 3) {
        int b0 = prev[i] & 0xFF;
        int b1 = prev[i + 1] & 0xFF;
        int b2 = prev[i + 2] & 0xFF;
        a0 = (raw[r + i] + predict(a0, b0, c0)) & 0xFF;
        a1 = (raw[r + i + 1] + predict(a1, b1, c1)) & 0xFF;
        a2 = (raw[r + i + 2] + predict(a2, b2, c2)) & 0xFF;
        cur[i] = (byte) a0;
        cur[i + 1] = (byte) a1;
        cur[i + 2] = (byte) a2;
        c0 = b0;
        c1 = b1;
        c2 = b2;
      }
    }

    private static void paeth4(byte[] raw, int r, byte[] cur, byte[] prev, int n) {
      int a0 = 0;
      int a1 = 0;
      int a2 = 0;
      int a3 = 0;
      int c0 = 0;
      int c1 = 0;
      int c2 = 0;
      int c3 = 0;
      for (int i = 0; i < n; i += 4) {
        int b0 = prev[i] & 0xFF;
        int b1 = prev[i + 1] & 0xFF;
        int b2 = prev[i + 2] & 0xFF;
        int b3 = prev[i + 3] & 0xFF;
        a0 = (raw[r + i] + predict(a0, b0, c0)) & 0xFF;
        a1 = (raw[r + i + 1] + predict(a1, b1, c1)) & 0xFF;
        a2 = (raw[r + i + 2] + predict(a2, b2, c2)) & 0xFF;
        a3 = (raw[r + i + 3] + predict(a3, b3, c3)) & 0xFF;
        cur[i] = (byte) a0;
        cur[i + 1] = (byte) a1;
        cur[i + 2] = (byte) a2;
        cur[i + 3] = (byte) a3;
        c0 = b0;
        c1 = b1;
        c2 = b2;
        c3 = b3;
      }
    }

    /**
     * The Paeth predictor: a if it is at least as close as b and c to a + b - c, else b if at least
     * as close as c, else c (ties in that order, as the specification says). Written as two
     * selections that C2 compiles to conditional moves. Measured on this machine (AMD EPYC, JDK
     * 25), ns per byte of RGB: random rows 2.2 (a bit-mask form 3.3, the specification's branches
     * 7.7); real photographs 3.3 to 4.3 (bit-mask 3.5 to 4.0, branches 4.3 to 5.9).
     */
    static int predict(int a, int b, int c) {
      int pa = Math.abs(b - c);
      int pb = Math.abs(a - c);
      int pc = Math.abs(a + b - c - c);
      int bc = pb <= pc ? b : c;
      return pa <= Math.min(pb, pc) ? a : bc;
    }
  }

  /**
   * The row conversions: {@code pw} pixels of an unfiltered scanline from {@code src[s]} to RGB (+
   * alpha when {@code alpha}) pixels at {@code out[o]}, {@code o + step}, ...
   */
  private static final class Convert {
    private Convert() {}

    static void grey8(byte[] src, int s, int pw, byte[] out, int o, int step) {
      for (int i = 0; i < pw; i++, o += step) {
        byte v = src[s + i];
        out[o] = v;
        out[o + 1] = v;
        out[o + 2] = v;
      }
    }

    static void grey16(byte[] src, int s, int pw, byte[] out, int o, int step) {
      for (int i = 0; i < pw; i++, o += step, s += 2) {
        byte v = to8(src, s);
        out[o] = v;
        out[o + 1] = v;
        out[o + 2] = v;
      }
    }

    static void greyLow(
        byte[] src, int s, int pw, int bits, byte[] levels, byte[] out, int o, int step) {
      int mask = (1 << bits) - 1;
      int shift = 8 - bits;
      for (int i = 0; i < pw; i++, o += step) {
        byte v = levels[(src[s] >> shift) & mask];
        out[o] = v;
        out[o + 1] = v;
        out[o + 2] = v;
        shift -= bits;
        if (shift < 0) {
          shift = 8 - bits;
          s++;
        }
      }
    }

    static void greyKey8(
        byte[] src,
        int s,
        int pw,
        int bits,
        int key,
        byte[] curve,
        boolean alpha,
        byte[] out,
        int o,
        int step) {
      // Image I/O scales 1, 2 and 4-bit grey to 8 bits first, then compares with the key.
      int mask = (1 << bits) - 1;
      int shift = 8 - bits;
      for (int i = 0; i < pw; i++, o += step) {
        int v = ((src[s] >> shift) & mask) * 255 / mask;
        byte g = curve[v];
        out[o] = g;
        out[o + 1] = g;
        out[o + 2] = g;
        if (alpha) {
          out[o + 3] = v == key ? 0 : (byte) 0xFF;
        }
        shift -= bits;
        if (shift < 0) {
          shift = 8 - bits;
          s++;
        }
      }
    }

    static void greyKey16(
        byte[] src,
        int s,
        int pw,
        int key,
        byte[] curve,
        boolean alpha,
        byte[] out,
        int o,
        int step) {
      for (int i = 0; i < pw; i++, o += step, s += 2) {
        int v = readShort(src, s);
        byte g = curve[v];
        out[o] = g;
        out[o + 1] = g;
        out[o + 2] = g;
        if (alpha) {
          out[o + 3] = v == key ? 0 : (byte) 0xFF;
        }
      }
    }

    static void rgb8(byte[] src, int s, int pw, byte[] out, int o, int step) {
      if (step == 3) {
        System.arraycopy(src, s, out, o, 3 * pw);
        return;
      }
      for (int i = 0; i < pw; i++, o += step, s += 3) {
        out[o] = src[s];
        out[o + 1] = src[s + 1];
        out[o + 2] = src[s + 2];
      }
    }

    static void rgbKey8(
        byte[] src,
        int s,
        int pw,
        int kr,
        int kg,
        int kb,
        boolean alpha,
        byte[] out,
        int o,
        int step) {
      for (int i = 0; i < pw; i++, o += step, s += 3) {
        byte r = src[s];
        byte g = src[s + 1];
        byte b = src[s + 2];
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
        if (alpha) {
          boolean key = (r & 0xFF) == kr && (g & 0xFF) == kg && (b & 0xFF) == kb;
          out[o + 3] = key ? 0 : (byte) 0xFF;
        }
      }
    }

    static void rgb16(byte[] src, int s, int pw, byte[] out, int o, int step) {
      for (int i = 0; i < pw; i++, o += step, s += 6) {
        out[o] = to8(src, s);
        out[o + 1] = to8(src, s + 2);
        out[o + 2] = to8(src, s + 4);
      }
    }

    static void rgbKey16(
        byte[] src,
        int s,
        int pw,
        int kr,
        int kg,
        int kb,
        boolean alpha,
        byte[] out,
        int o,
        int step) {
      for (int i = 0; i < pw; i++, o += step, s += 6) {
        out[o] = to8(src, s);
        out[o + 1] = to8(src, s + 2);
        out[o + 2] = to8(src, s + 4);
        if (alpha) {
          boolean key =
              readShort(src, s) == kr && readShort(src, s + 2) == kg && readShort(src, s + 4) == kb;
          out[o + 3] = key ? 0 : (byte) 0xFF;
        }
      }
    }

    static void palette(
        byte[] src,
        int s,
        int pw,
        int bits,
        byte[] r,
        byte[] g,
        byte[] b,
        int[] rgb,
        byte @Nullable [] a,
        byte[] out,
        int o,
        int step) {
      if (bits == 8 && a == null && step == 3 && pw > 0) {
        // One lookup and one 4-byte store a pixel (see rgba8).
        int last = pw - 1;
        for (int i = 0; i < last; i++, o += 3) {
          RgbRows.INTS.set(out, o, rgb[src[s + i] & 0xFF]);
        }
        int v = src[s + last] & 0xFF;
        out[o] = r[v];
        out[o + 1] = g[v];
        out[o + 2] = b[v];
        return;
      }
      if (bits == 8) {
        for (int i = 0; i < pw; i++, o += step) {
          int v = src[s + i] & 0xFF;
          out[o] = r[v];
          out[o + 1] = g[v];
          out[o + 2] = b[v];
          if (a != null) {
            out[o + 3] = a[v];
          }
        }
        return;
      }
      int mask = (1 << bits) - 1;
      int shift = 8 - bits;
      for (int i = 0; i < pw; i++, o += step) {
        int v = (src[s] >> shift) & mask;
        out[o] = r[v];
        out[o + 1] = g[v];
        out[o + 2] = b[v];
        if (a != null) {
          out[o + 3] = a[v];
        }
        shift -= bits;
        if (shift < 0) {
          shift = 8 - bits;
          s++;
        }
      }
    }

    static void greyAlpha8(
        byte[] src, int s, int pw, byte[] curve, boolean alpha, byte[] out, int o, int step) {
      for (int i = 0; i < pw; i++, o += step, s += 2) {
        byte g = curve[src[s] & 0xFF];
        out[o] = g;
        out[o + 1] = g;
        out[o + 2] = g;
        if (alpha) {
          out[o + 3] = src[s + 1];
        }
      }
    }

    static void greyAlpha16(
        byte[] src, int s, int pw, byte[] curve, boolean alpha, byte[] out, int o, int step) {
      for (int i = 0; i < pw; i++, o += step, s += 4) {
        byte g = curve[readShort(src, s)];
        out[o] = g;
        out[o + 1] = g;
        out[o + 2] = g;
        if (alpha) {
          out[o + 3] = to8(src, s + 2);
        }
      }
    }

    static void rgba8(byte[] src, int s, int pw, boolean alpha, byte[] out, int o, int step) {
      if (alpha && step == 4) {
        System.arraycopy(src, s, out, o, 4 * pw);
        return;
      }
      if (!alpha && step == 3 && pw > 0) {
        // One 4-byte load and store a pixel instead of three of each: a store's fourth byte is
        // the next pixel's first, which that pixel's store overwrites, and the row's last pixel is
        // copied bytewise, so nothing past it is written. Only where the pixels are contiguous
        // (step 3): an interlace pass's pixels have others between them.
        int last = pw - 1;
        for (int i = 0; i < last; i++, o += 3, s += 4) {
          RgbRows.INTS.set(out, o, (int) RgbRows.INTS.get(src, s));
        }
        out[o] = src[s];
        out[o + 1] = src[s + 1];
        out[o + 2] = src[s + 2];
        return;
      }
      for (int i = 0; i < pw; i++, o += step, s += 4) {
        out[o] = src[s];
        out[o + 1] = src[s + 1];
        out[o + 2] = src[s + 2];
        if (alpha) {
          out[o + 3] = src[s + 3];
        }
      }
    }

    static void rgba16(byte[] src, int s, int pw, boolean alpha, byte[] out, int o, int step) {
      for (int i = 0; i < pw; i++, o += step, s += 8) {
        out[o] = to8(src, s);
        out[o + 1] = to8(src, s + 2);
        out[o + 2] = to8(src, s + 4);
        if (alpha) {
          out[o + 3] = to8(src, s + 6);
        }
      }
    }
  }

  /** The row conversions, one per colour type, depth and transparency combination. */
  private enum Kind {
    GREY_8,
    GREY_16,
    GREY_LOW,
    GREY_KEY_8,
    GREY_KEY_16,
    RGB_8,
    RGB_KEY_8,
    RGB_16,
    RGB_KEY_16,
    PALETTE,
    GREY_ALPHA_8,
    GREY_ALPHA_16,
    RGBA_8,
    RGBA_16;

    static Kind of(Header h) {
      boolean wide = h.bitDepth == 16;
      return switch (h.colorType) {
        case CT_GREY ->
            h.transparentColor
                ? (wide ? GREY_KEY_16 : GREY_KEY_8)
                : (wide ? GREY_16 : h.bitDepth == 8 ? GREY_8 : GREY_LOW);
        case CT_RGB ->
            h.transparentColor ? (wide ? RGB_KEY_16 : RGB_KEY_8) : (wide ? RGB_16 : RGB_8);
        case CT_PALETTE -> PALETTE;
        case CT_GREY_ALPHA -> wide ? GREY_ALPHA_16 : GREY_ALPHA_8;
        default -> wide ? RGBA_16 : RGBA_8;
      };
    }
  }

  /** Pixels of an axis of {@code size} that an Adam7 pass starting at {@code offset} covers. */
  private static int passSize(int size, int offset, int step) {
    return size <= offset ? 0 : (size - offset + step - 1) / step;
  }

  /** Image I/O's grey levels for 1, 2 and 4-bit grey: {@code i * 255 / (2^bits - 1)}. */
  private static byte[] greyLevels(int bits) {
    int n = 1 << bits;
    byte[] levels = new byte[n];
    for (int i = 0; i < n; i++) {
      levels[i] = (byte) (i * 255 / (n - 1));
    }
    return levels;
  }

  /**
   * Grey as stored, for grey + alpha and grey with a tRNS colour: Pillow replicates the grey (the
   * JDK's colour model would apply the sRGB curve; kopi's Image I/O path reads samples instead).
   */
  private static final class PlainGrey8 {
    static final byte[] TABLE = new byte[256];

    static {
      for (int v = 0; v < 256; v++) {
        TABLE[v] = (byte) v;
      }
    }
  }

  /** 16-bit grey scaled to 8 bits, {@code round(v / 257)}, as kopi scales every 16-bit sample. */
  private static final class PlainGrey16 {
    static final byte[] TABLE = new byte[65_536];

    static {
      for (int v = 0; v < 65_536; v++) {
        TABLE[v] = (byte) ((v + 128) / 257);
      }
    }
  }

  /** A 16-bit big-endian sample scaled to 8 bits as Image I/O's colour models do. */
  private static byte to8(byte[] b, int p) {
    return (byte) ((readShort(b, p) + 128) / 257);
  }

  private static int readShort(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }

  private static int readInt(byte[] b, int p) {
    return ((b[p] & 0xFF) << 24)
        | ((b[p + 1] & 0xFF) << 16)
        | ((b[p + 2] & 0xFF) << 8)
        | (b[p + 3] & 0xFF);
  }

  private static boolean isChunkType(int type) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      int c = (type >>> shift) & 0xFF;
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
        return false;
      }
    }
    return true;
  }

  private static String chunkName(int type) {
    return new String(
        new char[] {
          (char) (type >>> 24),
          (char) ((type >>> 16) & 0xFF),
          (char) ((type >>> 8) & 0xFF),
          (char) (type & 0xFF)
        });
  }

  /** Checks the CRC of the chunk at {@code pos} whose data has {@code len} bytes. */
  private static void checkCrc(byte[] b, int pos, int len, CRC32 crc, String name)
      throws ItemException {
    crc.reset();
    crc.update(b, pos + 4, len + 4);
    int stored = readInt(b, pos + 8 + len);
    if ((int) crc.getValue() != stored) {
      throw corrupt(
          "the " + name + " chunk at byte " + pos + " fails its CRC check; the file is damaged");
    }
  }

  private static byte[] nonNull(byte @Nullable [] a) {
    if (a == null) {
      throw new IllegalStateException("palette missing");
    }
    return a;
  }

  private static int[] nonNull(int @Nullable [] a) {
    if (a == null) {
      throw new IllegalStateException("palette missing");
    }
    return a;
  }

  private static ItemException truncated(String reason) {
    return new ItemException(ItemStatus.TRUNCATED, reason);
  }

  private static ItemException corrupt(String reason) {
    return new ItemException(ItemStatus.CORRUPT, reason);
  }
}
