package dev.kopi.image.decode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.Deflater;
import org.jspecify.annotations.Nullable;

/**
 * A small TIFF writer for tests: either byte order, grey, RGB and palette images with any of the
 * sample layouts kopi decodes, strips of any height or tiles of any size, no compression, PackBits,
 * LZW (libtiff's encoder's rules) or Deflate, horizontal differencing, and tags left out or set to
 * odd values. Samples are given unpacked, one int each, {@code samples} per pixel, row by row.
 */
final class TestTiff {
  static final int NONE = 1;
  static final int LZW = 5;
  static final int DEFLATE = 8;
  static final int ADOBE_DEFLATE = 32946;
  static final int PACKBITS = 32773;

  final int width;
  final int height;
  final int bits;
  final int samples;
  final int photometric;
  final int[] values;
  int[] extra = new int[0];
  boolean bigEndian;
  int compression = NONE;
  int predictor = 1;

  /** Rows per strip; 0 for one strip. */
  int rowsPerStrip;

  /** Tile size; 0 for strips. */
  int tileWidth;

  int tileHeight;
  int @Nullable [] colorMap;

  /** Tags written as given (tag -> SHORT or LONG values), replacing any the writer would write. */
  final Map<Integer, long[]> override = new HashMap<>();

  /** The stored (compressed) bytes of the first strip or tile, as is; null encodes the samples. */
  byte @Nullable [] firstPiece;

  /** Tags left out. */
  final java.util.Set<Integer> omit = new java.util.HashSet<>();

  TestTiff(int width, int height, int bits, int samples, int photometric, int[] values) {
    if (values.length != width * height * samples) {
      throw new IllegalArgumentException("values.length " + values.length);
    }
    this.width = width;
    this.height = height;
    this.bits = bits;
    this.samples = samples;
    this.photometric = photometric;
    this.values = values;
  }

  /** Seeded samples of {@code bits} (below {@code bound} when positive), with runs. */
  static int[] random(int width, int height, int samples, int bits, int bound, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] v = new int[width * height * samples];
    int max = bound > 0 ? bound : 1 << bits;
    for (int i = 0; i < v.length; i++) {
      v[i] = i >= samples && r.nextInt(3) > 0 ? v[i - samples] : r.nextInt(max);
    }
    return v;
  }

  TestTiff extra(int... e) {
    extra = e;
    return this;
  }

  TestTiff bigEndian(boolean value) {
    bigEndian = value;
    return this;
  }

  TestTiff compression(int c) {
    compression = c;
    return this;
  }

  TestTiff predictor(int p) {
    predictor = p;
    return this;
  }

  TestTiff strips(int rows) {
    rowsPerStrip = rows;
    return this;
  }

  TestTiff tiles(int w, int h) {
    tileWidth = w;
    tileHeight = h;
    return this;
  }

  TestTiff colorMap(int[] map) {
    colorMap = map;
    return this;
  }

  TestTiff tag(int tag, long... v) {
    override.put(tag, v);
    return this;
  }

  TestTiff firstPiece(byte[] stored) {
    firstPiece = stored;
    return this;
  }

  TestTiff omit(int tag) {
    omit.add(tag);
    return this;
  }

  private boolean tiled() {
    return tileWidth > 0;
  }

  byte[] bytes() {
    ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(bigEndian ? new byte[] {'M', 'M', 0, 42} : new byte[] {'I', 'I', 42, 0});
    out.writeBytes(new byte[4]); // the directory's offset, set below
    int pw = tiled() ? tileWidth : width;
    int ph = tiled() ? tileHeight : rowsPerStrip > 0 ? rowsPerStrip : height;
    int across = (width + pw - 1) / pw;
    int down = (height + ph - 1) / ph;
    long[] offsets = new long[across * down];
    long[] counts = new long[across * down];
    for (int ty = 0; ty < down; ty++) {
      for (int tx = 0; tx < across; tx++) {
        int rows = tiled() ? ph : Math.min(ph, height - ty * ph);
        byte[] raw = piece(tx * pw, ty * ph, pw, rows);
        byte[] stored = ty == 0 && tx == 0 && firstPiece != null ? firstPiece : compress(raw, pw);
        offsets[ty * across + tx] = out.size();
        counts[ty * across + tx] = stored.length;
        out.writeBytes(stored);
        if (out.size() % 2 == 1) {
          out.write(0);
        }
      }
    }
    Map<Integer, long[]> tags = new TreeMap<>();
    tags.put(256, new long[] {width});
    tags.put(257, new long[] {height});
    long[] bps = new long[samples];
    java.util.Arrays.fill(bps, bits);
    tags.put(258, bps);
    tags.put(259, new long[] {compression});
    tags.put(262, new long[] {photometric});
    tags.put(277, new long[] {samples});
    if (tiled()) {
      tags.put(322, new long[] {tileWidth});
      tags.put(323, new long[] {tileHeight});
      tags.put(324, offsets);
      tags.put(325, counts);
    } else {
      tags.put(273, offsets);
      tags.put(278, new long[] {ph});
      tags.put(279, counts);
    }
    if (predictor != 1) {
      tags.put(317, new long[] {predictor});
    }
    if (colorMap != null) {
      long[] m = new long[colorMap.length];
      for (int i = 0; i < m.length; i++) {
        m[i] = colorMap[i];
      }
      tags.put(320, m);
    }
    if (extra.length > 0) {
      long[] e = new long[extra.length];
      for (int i = 0; i < e.length; i++) {
        e[i] = extra[i];
      }
      tags.put(338, e);
    }
    tags.putAll(override);
    omit.forEach(tags::remove);
    int ifd = out.size();
    ByteBuffer dir = ByteBuffer.allocate(2 + 12 * tags.size() + 4).order(order);
    ByteArrayOutputStream values = new ByteArrayOutputStream();
    int valuesAt = ifd + dir.capacity();
    dir.putShort((short) tags.size());
    for (Map.Entry<Integer, long[]> t : tags.entrySet()) {
      long[] v = t.getValue();
      boolean isLong =
          t.getKey() == 273
              || t.getKey() == 279
              || t.getKey() == 324
              || t.getKey() == 325
              || t.getKey() == 256
              || t.getKey() == 257;
      for (long x : v) {
        isLong |= x > 0xFFFF;
      }
      int size = isLong ? 4 : 2;
      ByteBuffer vb = ByteBuffer.allocate(Math.max(4, v.length * size)).order(order);
      for (long x : v) {
        if (isLong) {
          vb.putInt((int) x);
        } else {
          vb.putShort((short) x);
        }
      }
      dir.putShort((short) (int) t.getKey()).putShort((short) (isLong ? 4 : 3)).putInt(v.length);
      if (v.length * size <= 4) {
        dir.put(vb.array(), 0, 4);
      } else {
        dir.putInt(valuesAt + values.size());
        values.writeBytes(java.util.Arrays.copyOf(vb.array(), v.length * size));
      }
    }
    dir.putInt(0);
    out.writeBytes(dir.array());
    out.writeBytes(values.toByteArray());
    byte[] all = out.toByteArray();
    ByteBuffer.wrap(all).order(order).putInt(4, ifd);
    return all;
  }

  /** The packed samples of a {@code pw x rows} piece at (x0, y0); outside the image, zeros. */
  private byte[] piece(int x0, int y0, int pw, int rows) {
    int rowBytes = (pw * samples * bits + 7) / 8;
    byte[] raw = new byte[rowBytes * rows];
    for (int r = 0; r < rows; r++) {
      int y = y0 + r;
      for (int x = 0; x < pw; x++) {
        for (int s = 0; s < samples; s++) {
          int v = y < height && x0 + x < width ? values[((y * width) + x0 + x) * samples + s] : 0;
          int k = x * samples + s;
          int o = r * rowBytes;
          switch (bits) {
            case 8 -> raw[o + k] = (byte) v;
            case 16 -> {
              raw[o + 2 * k] = (byte) (bigEndian ? v >> 8 : v);
              raw[o + 2 * k + 1] = (byte) (bigEndian ? v : v >> 8);
            }
            default -> raw[o + k * bits / 8] |= (byte) (v << (8 - bits - (k * bits) % 8));
          }
        }
      }
    }
    if (predictor == 2 && compression != NONE && compression != PACKBITS) {
      difference(raw, rowBytes, pw);
    }
    return raw;
  }

  /** Horizontal differencing, right to left, sample by sample, in every row. */
  private void difference(byte[] raw, int rowBytes, int pw) {
    for (int o = 0; o < raw.length; o += rowBytes) {
      if (bits == 8) {
        for (int i = pw * samples - 1; i >= samples; i--) {
          raw[o + i] -= raw[o + i - samples];
        }
      } else {
        for (int i = pw * samples - 1; i >= samples; i--) {
          int a = get16(raw, o + 2 * i);
          int b = get16(raw, o + 2 * (i - samples));
          put16(raw, o + 2 * i, a - b);
        }
      }
    }
  }

  private int get16(byte[] b, int p) {
    return bigEndian
        ? (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF)
        : (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
  }

  private void put16(byte[] b, int p, int v) {
    b[p] = (byte) (bigEndian ? v >> 8 : v);
    b[p + 1] = (byte) (bigEndian ? v : v >> 8);
  }

  private byte[] compress(byte[] raw, int pw) {
    return switch (compression) {
      case NONE -> raw;
      case PACKBITS -> packBits(raw, (pw * samples * bits + 7) / 8);
      case LZW -> lzw(raw);
      default -> deflate(raw);
    };
  }

  /** PackBits, row by row: runs of 2 to 128 equal bytes, literal spans of up to 128. */
  static byte[] packBits(byte[] raw, int rowBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int row = 0; row < raw.length; row += rowBytes) {
      int end = row + rowBytes;
      int i = row;
      while (i < end) {
        int run = 1;
        while (i + run < end && run < 128 && raw[i + run] == raw[i]) {
          run++;
        }
        if (run >= 2) {
          out.write(1 - run);
          out.write(raw[i]);
          i += run;
          continue;
        }
        int j = i;
        while (j < end && j - i < 128 && (j + 1 >= end || raw[j + 1] != raw[j])) {
          j++;
        }
        j = Math.max(j, i + 1);
        out.write(j - i - 1);
        out.write(raw, i, j - i);
        i = j;
      }
    }
    return out.toByteArray();
  }

  static byte[] deflate(byte[] raw) {
    Deflater d = new Deflater(6);
    d.setInput(raw);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }

  /**
   * TIFF LZW as libtiff writes it: codes most significant bit first, a clear code first and when
   * the next entry would be 4094, codes one bit wider once the next entry needs it, an end code
   * last.
   */
  static byte[] lzw(byte[] raw) {
    Msb w = new Msb();
    int size = 9;
    int next = 258;
    Map<Integer, Integer> table = new HashMap<>();
    w.put(256, size);
    if (raw.length == 0) {
      w.put(257, size);
      return w.bytes();
    }
    int prefix = raw[0] & 0xFF;
    for (int i = 1; i < raw.length; i++) {
      int k = raw[i] & 0xFF;
      Integer code = table.get(prefix << 8 | k);
      if (code != null) {
        prefix = code;
        continue;
      }
      w.put(prefix, size);
      table.put(prefix << 8 | k, next++);
      if (next == 4094) {
        w.put(256, size);
        table.clear();
        next = 258;
        size = 9;
      } else if (next > (1 << size) - 1) {
        size++;
      }
      prefix = k;
    }
    w.put(prefix, size);
    next++;
    if (next > (1 << size) - 1 && size < 12) {
      size++;
    }
    w.put(257, size);
    return w.bytes();
  }

  /** Codes to bytes, most significant bit first. */
  static final class Msb {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long acc;
    private int n;

    Msb put(int code, int size) {
      acc = acc << size | code;
      n += size;
      while (n >= 8) {
        out.write((int) (acc >>> (n - 8)) & 0xFF);
        n -= 8;
      }
      return this;
    }

    byte[] bytes() {
      if (n > 0) {
        out.write((int) (acc << (8 - n)) & 0xFF);
      }
      return out.toByteArray();
    }
  }
}
