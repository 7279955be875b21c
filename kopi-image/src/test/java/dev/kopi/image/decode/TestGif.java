package dev.kopi.image.decode;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * A small GIF writer for tests, with its own LZW encoder, for what Pillow and Image I/O do not
 * write: frames placed anywhere on (or beyond) the logical screen, local and global colour tables
 * of any size (or none), transparency, interlacing, any LZW code size, clear codes at chosen
 * intervals or none at all (the table then stays full), no end code, sub-blocks of any size, junk
 * between blocks, several frames, and a missing trailer. Colours are {@code 0xRRGGBB}; pixels are
 * colour indices, given row by row (the writer reorders an interlaced frame's rows).
 */
final class TestGif {
  /** One image of the file. */
  static final class Frame {
    final int left;
    final int top;
    final int width;
    final int height;
    final int[] indices;
    int @Nullable [] localTable;
    boolean interlaced;
    int transparent = -1;
    int codeSize = 8;

    /** Emit a clear code after this many codes (0: only when the table is full). */
    int clearEvery;

    /** Keep coding with a full table instead of clearing it ("deferred clear"). */
    boolean deferredClear;

    boolean endCode = true;

    /** Codes written after the last pixel's (before the end code), which decoders must ignore. */
    int extraCodes;

    int blockSize = 255;

    /** The LZW stream as is; null encodes {@link #indices}. */
    byte @Nullable [] lzw;

    Frame(int left, int top, int width, int height, int[] indices) {
      this.left = left;
      this.top = top;
      this.width = width;
      this.height = height;
      this.indices = indices;
    }

    Frame local(int[] table) {
      localTable = table;
      return this;
    }

    Frame interlaced(boolean value) {
      interlaced = value;
      return this;
    }

    Frame transparent(int index) {
      transparent = index;
      return this;
    }

    Frame codeSize(int bits) {
      codeSize = bits;
      return this;
    }

    Frame clearEvery(int codes) {
      clearEvery = codes;
      return this;
    }

    Frame deferredClear(boolean value) {
      deferredClear = value;
      return this;
    }

    Frame endCode(boolean value) {
      endCode = value;
      return this;
    }

    Frame extraCodes(int n) {
      extraCodes = n;
      return this;
    }

    Frame blockSize(int n) {
      blockSize = n;
      return this;
    }

    Frame lzw(byte[] stream) {
      lzw = stream;
      return this;
    }

    /** The indices in the order they are stored: an interlaced frame's rows by pass. */
    int[] stored() {
      if (!interlaced) {
        return indices;
      }
      int[] out = new int[indices.length];
      int k = 0;
      for (int[] pass : new int[][] {{0, 8}, {4, 8}, {2, 4}, {1, 2}}) {
        for (int y = pass[0]; y < height; y += pass[1]) {
          System.arraycopy(indices, y * width, out, k, width);
          k += width;
        }
      }
      return out;
    }
  }

  final int screenWidth;
  final int screenHeight;
  int @Nullable [] globalTable;
  int background;
  final List<Frame> frames = new ArrayList<>();

  /** Bytes written between the global table and the first frame (extensions, junk). */
  byte[] beforeFirst = new byte[0];

  boolean trailer = true;
  String version = "GIF89a";

  TestGif(int screenWidth, int screenHeight) {
    this.screenWidth = screenWidth;
    this.screenHeight = screenHeight;
  }

  /** A one-frame GIF whose frame covers the screen. */
  static TestGif of(int width, int height, int[] indices) {
    TestGif g = new TestGif(width, height);
    g.frames.add(new Frame(0, 0, width, height, indices));
    return g;
  }

  /** Seeded indices below {@code colours}, with runs (so that LZW strings grow long). */
  static int[] random(int width, int height, int colours, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] p = new int[width * height];
    for (int i = 0; i < p.length; i++) {
      p[i] =
          i >= width && r.nextInt(4) > 0
              ? p[i - width + (r.nextInt(3) == 0 && i % width > 0 ? -1 : 0)]
              : r.nextInt(colours);
    }
    return p;
  }

  /** {@code n} seeded colours. */
  static int[] colours(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] c = new int[n];
    for (int i = 0; i < n; i++) {
      c[i] = r.nextInt(1 << 24);
    }
    return c;
  }

  Frame first() {
    return frames.get(0);
  }

  TestGif global(int[] table) {
    globalTable = table;
    return this;
  }

  TestGif beforeFirst(byte[] bytes) {
    beforeFirst = bytes;
    return this;
  }

  TestGif trailer(boolean value) {
    trailer = value;
    return this;
  }

  byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (char c : version.toCharArray()) {
      out.write(c);
    }
    short16(out, screenWidth);
    short16(out, screenHeight);
    int[] global = globalTable;
    out.write(global == null ? 0x70 : 0xF0 | sizeField(global.length));
    out.write(background);
    out.write(0);
    if (global != null) {
      table(out, global);
    }
    out.writeBytes(beforeFirst);
    for (Frame f : frames) {
      if (f.transparent >= 0) {
        out.writeBytes(new byte[] {0x21, (byte) 0xF9, 4, 1, 0, 0, (byte) f.transparent, 0});
      }
      out.write(',');
      short16(out, f.left);
      short16(out, f.top);
      short16(out, f.width);
      short16(out, f.height);
      int[] local = f.localTable;
      out.write((local == null ? 0 : 0x80 | sizeField(local.length)) | (f.interlaced ? 0x40 : 0));
      if (local != null) {
        table(out, local);
      }
      out.write(f.codeSize);
      byte[] data = f.lzw != null ? f.lzw : encode(f);
      for (int i = 0; i < data.length; i += f.blockSize) {
        int n = Math.min(f.blockSize, data.length - i);
        out.write(n);
        out.write(data, i, n);
      }
      out.write(0);
    }
    if (trailer) {
      out.write(';');
    }
    return out.toByteArray();
  }

  /** The table size field: entries are 2^(field + 1), at least {@code n}. */
  private static int sizeField(int n) {
    int field = 0;
    while (2 << field < n) {
      field++;
    }
    return field;
  }

  /** A colour table padded with black to its power-of-two size. */
  private static void table(ByteArrayOutputStream out, int[] colours) {
    int size = 2 << sizeField(colours.length);
    for (int i = 0; i < size; i++) {
      int c = i < colours.length ? colours[i] : 0;
      out.write(c >> 16);
      out.write(c >> 8);
      out.write(c);
    }
  }

  private static void short16(ByteArrayOutputStream out, int v) {
    out.write(v);
    out.write(v >> 8);
  }

  /**
   * GIF's LZW: codes least significant bit first, widened when the table's next entry needs another
   * bit, a clear code first and when the table fills (unless deferred), an end code last.
   */
  static byte[] encode(Frame f) {
    int bits = f.codeSize;
    int clear = 1 << bits;
    int end = clear + 1;
    Bits w = new Bits();
    int size = bits + 1;
    int next = end + 1;
    Map<Integer, Integer> table = new HashMap<>();
    w.put(clear, size);
    int[] pixels = f.stored();
    int codes = 0;
    int prefix = pixels.length > 0 ? pixels[0] : -1;
    for (int i = 1; i <= pixels.length; i++) {
      if (i < pixels.length) {
        int key = prefix << 12 | pixels[i];
        Integer code = table.get(key);
        if (code != null) {
          prefix = code;
          continue;
        }
        w.put(prefix, size);
        codes++;
        if (next < 4096) {
          table.put(key, next);
          if (next == 1 << size && size < 12) {
            size++;
          }
          next++;
        }
        boolean full = next == 4096 && !f.deferredClear;
        if (full || (f.clearEvery > 0 && codes % f.clearEvery == 0)) {
          w.put(clear, size);
          table.clear();
          size = bits + 1;
          next = end + 1;
        }
        prefix = pixels[i];
      } else {
        w.put(prefix, size);
      }
    }
    for (int i = 0; i < f.extraCodes; i++) {
      w.put(i % clear, size);
    }
    if (f.endCode) {
      w.put(end, size);
    }
    return w.bytes();
  }

  /** Codes to bytes, least significant bit first. */
  static final class Bits {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long acc;
    private int n;

    Bits put(int code, int size) {
      acc |= (long) code << n;
      n += size;
      while (n >= 8) {
        out.write((int) acc & 0xFF);
        acc >>>= 8;
        n -= 8;
      }
      return this;
    }

    byte[] bytes() {
      if (n > 0) {
        out.write((int) acc & 0xFF);
      }
      return out.toByteArray();
    }
  }
}
