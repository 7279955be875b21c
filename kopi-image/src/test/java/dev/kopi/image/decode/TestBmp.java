package dev.kopi.image.decode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * A small BMP writer for tests, for what Pillow and Image I/O do not write: every header size,
 * depth and compression kopi decodes, bit fields and alpha bit fields, short and long colour
 * tables, top-down rows, RLE streams (encoded here, or given byte for byte), odd offsets and
 * missing padding. Pixels are given unpacked, one int each: a colour index (1, 4, 8 bits) or the
 * little-endian pixel value (16, 24, 32 bits; 24-bit {@code 0xRRGGBB} is stored B, G, R).
 */
final class TestBmp {
  static final int RGB = 0;
  static final int RLE8 = 1;
  static final int RLE4 = 2;
  static final int BITFIELDS = 3;
  static final int ALPHABITFIELDS = 6;

  final int width;
  final int height;
  final int bits;
  final int[] pixels;
  int headerSize = 40;
  int compression = RGB;
  boolean topDown;

  /** Colours as 0xRRGGBB; written as B, G, R (, 0). */
  int @Nullable [] palette;

  /** The header's colour count; -1 writes the palette's length (0 for a full table). */
  long colorsUsed = -1;

  int[] masks = new int[0];

  /** The RLE stream as is; null encodes {@link #pixels}. */
  byte @Nullable [] rle;

  /** The data offset to write; -1 for the right one. */
  long offset = -1;

  /** Bytes cut from the end of the file. */
  int cut;

  /** Whether the RLE4 encoding may use absolute runs of odd length (Pillow misreads them). */
  boolean oddAbsoluteRuns = true;

  TestBmp(int width, int height, int bits, int[] pixels) {
    this.width = width;
    this.height = height;
    this.bits = bits;
    this.pixels = pixels;
  }

  /** Seeded pixels: indices below {@code colours} (or any value of {@code bits} when 0). */
  static int[] random(int width, int height, int bits, int colours, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] p = new int[width * height];
    long bound = colours > 0 ? colours : bits >= 32 ? 1L << 32 : 1L << bits;
    for (int i = 0; i < p.length; i++) {
      // Runs (for RLE) and noise.
      p[i] = i > 0 && r.nextInt(3) > 0 ? p[i - 1] : (int) r.nextLong(bound);
    }
    return p;
  }

  /** {@code n} seeded colours. */
  static int[] palette(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = r.nextInt(1 << 24);
    }
    return p;
  }

  TestBmp header(int size) {
    headerSize = size;
    return this;
  }

  TestBmp compression(int c) {
    compression = c;
    return this;
  }

  TestBmp topDown(boolean value) {
    topDown = value;
    return this;
  }

  TestBmp palette(int[] colours) {
    palette = colours;
    return this;
  }

  TestBmp colorsUsed(long n) {
    colorsUsed = n;
    return this;
  }

  TestBmp masks(int... m) {
    masks = m;
    return this;
  }

  TestBmp rle(byte[] stream) {
    rle = stream;
    return this;
  }

  TestBmp offset(long value) {
    offset = value;
    return this;
  }

  TestBmp oddAbsoluteRuns(boolean value) {
    oddAbsoluteRuns = value;
    return this;
  }

  TestBmp cut(int bytes) {
    cut = bytes;
    return this;
  }

  byte[] bytes() {
    byte[] data = compression == RLE8 || compression == RLE4 ? rleData() : rawData();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    ByteBuffer h = ByteBuffer.allocate(headerSize).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(headerSize);
    if (headerSize == 12) {
      h.putShort((short) width).putShort((short) height).putShort((short) 1).putShort((short) bits);
    } else {
      h.putInt(width).putInt(topDown ? -height : height).putShort((short) 1).putShort((short) bits);
      h.putInt(compression).putInt(data.length).putInt(2835).putInt(2835);
      long colours = colorsUsed >= 0 ? colorsUsed : palette == null ? 0 : palette.length;
      h.putInt((int) colours).putInt(0);
      if (headerSize >= 108) {
        for (int i = 0; i < 4; i++) {
          h.putInt(i < masks.length ? masks[i] : 0);
        }
        h.putInt(0x73524742); // 'sRGB'
      }
    }
    body.writeBytes(h.array());
    if (headerSize == 40 && (compression == BITFIELDS || compression == ALPHABITFIELDS)) {
      ByteBuffer m = ByteBuffer.allocate(4 * masks.length).order(ByteOrder.LITTLE_ENDIAN);
      for (int v : masks) {
        m.putInt(v);
      }
      body.writeBytes(m.array());
    }
    if (palette != null) {
      for (int c : palette) {
        body.write(c & 0xFF);
        body.write((c >> 8) & 0xFF);
        body.write((c >> 16) & 0xFF);
        if (headerSize != 12) {
          body.write(0);
        }
      }
    }
    long dataOffset = offset >= 0 ? offset : 14 + body.size();
    ByteBuffer f = ByteBuffer.allocate(14).order(ByteOrder.LITTLE_ENDIAN);
    f.put((byte) 'B').put((byte) 'M').putInt(14 + body.size() + data.length).putInt(0);
    f.putInt((int) dataOffset);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(f.array());
    out.writeBytes(body.toByteArray());
    out.writeBytes(data);
    byte[] all = out.toByteArray();
    return java.util.Arrays.copyOf(all, all.length - cut);
  }

  /** Rows as stored (bottom-up unless top-down), each padded to 4 bytes. */
  private byte[] rawData() {
    int stride = ((width * bits + 31) >>> 5) * 4;
    byte[] d = new byte[stride * height];
    for (int y = 0; y < height; y++) {
      int stored = topDown ? y : height - 1 - y;
      int o = stored * stride;
      for (int x = 0; x < width; x++) {
        int v = pixels[y * width + x];
        if (bits < 8) {
          int bit = x * bits;
          d[o + bit / 8] |= (byte) (v << (8 - bits - bit % 8));
        } else {
          for (int k = 0; k < bits / 8; k++) {
            d[o + x * bits / 8 + k] = (byte) (v >>> (8 * k));
          }
        }
      }
    }
    return d;
  }

  /**
   * An RLE8 or RLE4 encoding of the rows as stored: runs of equal indices (RLE4 runs alternate two
   * indices), absolute runs of 3 to 8 pixels for the rest, end of line after each row, end of
   * bitmap at the end.
   */
  private byte[] rleData() {
    if (rle != null) {
      return rle;
    }
    boolean four = compression == RLE4;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int s = 0; s < height; s++) {
      int y = topDown ? s : height - 1 - s;
      int x = 0;
      while (x < width) {
        int run = 1;
        while (x + run < width
            && run < 255
            && pixels[y * width + x + run] == pixels[y * width + x + (four ? run % 2 : 0)]) {
          run++;
        }
        // Else an absolute run of 3 to 8 pixels (even ones only, if asked, for RLE4).
        int n = Math.min(width - x, 3 + x % 6);
        if (four && !oddAbsoluteRuns) {
          n &= ~1;
        }
        if (run >= 3 || n < 3) {
          int v = pixels[y * width + x];
          if (four) {
            int second = run > 1 ? pixels[y * width + x + 1] : 0;
            v = v << 4 | second;
          }
          out.write(run);
          out.write(v);
          x += run;
          continue;
        }
        out.write(0);
        out.write(n);
        int bytes = four ? (n + 1) / 2 : n;
        for (int i = 0; i < bytes; i++) {
          int v =
              four
                  ? pixels[y * width + x + 2 * i] << 4
                      | (2 * i + 1 < n ? pixels[y * width + x + 2 * i + 1] : 0)
                  : pixels[y * width + x + i];
          out.write(v);
        }
        if (bytes % 2 == 1) {
          out.write(0);
        }
        x += n;
      }
      out.write(0);
      out.write(0); // end of line
    }
    out.write(0);
    out.write(1); // end of bitmap
    return out.toByteArray();
  }
}
