package dev.kopi.image.decode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.jspecify.annotations.Nullable;

/**
 * A small PNG writer for tests, covering what Image I/O's writer cannot produce: every colour type
 * and bit depth, 16-bit alpha, tRNS chunks, short or long palettes, Adam7, a chosen filter type for
 * every row, image data split over many IDAT chunks, and chunks placed where the specification says
 * they should not be. Samples are given unpacked, one int per sample, {@code 0 .. 2^bitDepth - 1}.
 */
final class TestPng {
  static final int GREY = 0;
  static final int RGB = 2;
  static final int PALETTE = 3;
  static final int GREY_ALPHA = 4;
  static final int RGBA = 6;

  /** Filter choice meaning "cycle through all five types, one per scanline". */
  static final int ALL_FILTERS = -1;

  final int width;
  final int height;
  final int colorType;
  final int bitDepth;
  final int[] samples;
  boolean interlaced;
  int filter = ALL_FILTERS;
  byte @Nullable [] palette;
  byte @Nullable [] trns;
  boolean trnsAfterIdat;

  /** The most bytes per IDAT chunk; 0 for one chunk. */
  int idatChunkSize;

  final List<byte[]> before = new ArrayList<>();
  final List<byte[]> after = new ArrayList<>();

  TestPng(int width, int height, int colorType, int bitDepth, int[] samples) {
    if (samples.length != width * height * samplesPerPixel(colorType)) {
      throw new IllegalArgumentException("samples.length " + samples.length);
    }
    this.width = width;
    this.height = height;
    this.colorType = colorType;
    this.bitDepth = bitDepth;
    this.samples = samples;
  }

  /** Random samples for an image; palette indices stay below {@code paletteSize} if positive. */
  static int[] randomSamples(
      int width, int height, int colorType, int bitDepth, int paletteSize, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] s = new int[width * height * samplesPerPixel(colorType)];
    int bound = colorType == PALETTE && paletteSize > 0 ? paletteSize : 1 << bitDepth;
    for (int i = 0; i < s.length; i++) {
      // Smooth-ish content with noise, so every filter type meets both runs and edges.
      s[i] = r.nextInt(4) == 0 ? r.nextInt(bound) : (i / 3) % bound;
    }
    return s;
  }

  static int samplesPerPixel(int colorType) {
    return switch (colorType) {
      case RGB -> 3;
      case GREY_ALPHA -> 2;
      case RGBA -> 4;
      default -> 1;
    };
  }

  TestPng interlaced(boolean value) {
    interlaced = value;
    return this;
  }

  TestPng filter(int value) {
    filter = value;
    return this;
  }

  TestPng palette(byte[] value) {
    palette = value;
    return this;
  }

  TestPng trns(byte[] value) {
    trns = value;
    return this;
  }

  TestPng trnsAfterIdat(boolean value) {
    trnsAfterIdat = value;
    return this;
  }

  TestPng idatChunkSize(int value) {
    idatChunkSize = value;
    return this;
  }

  TestPng chunkBeforeIdat(String type, byte[] data) {
    before.add(chunk(type, data));
    return this;
  }

  TestPng chunkAfterIdat(String type, byte[] data) {
    after.add(chunk(type, data));
    return this;
  }

  /** The file. */
  byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width).putInt(height).put((byte) bitDepth).put((byte) colorType);
    ihdr.put((byte) 0).put((byte) 0).put((byte) (interlaced ? 1 : 0));
    out.writeBytes(chunk("IHDR", ihdr.array()));
    byte[] p = palette;
    if (p != null) {
      out.writeBytes(chunk("PLTE", p));
    }
    for (byte[] c : before) {
      out.writeBytes(c);
    }
    byte[] t = trns;
    if (t != null && !trnsAfterIdat) {
      out.writeBytes(chunk("tRNS", t));
    }
    byte[] z = deflate(filtered());
    int size = idatChunkSize > 0 ? idatChunkSize : Math.max(1, z.length);
    for (int off = 0; off < z.length; off += size) {
      byte[] part = new byte[Math.min(size, z.length - off)];
      System.arraycopy(z, off, part, 0, part.length);
      out.writeBytes(chunk("IDAT", part));
    }
    if (t != null && trnsAfterIdat) {
      out.writeBytes(chunk("tRNS", t));
    }
    for (byte[] c : after) {
      out.writeBytes(c);
    }
    out.writeBytes(chunk("IEND", new byte[0]));
    return out.toByteArray();
  }

  /** The filtered scanlines of every pass, each with its filter byte. */
  private byte[] filtered() {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    int[][] passes =
        interlaced
            ? new int[][] {
              {0, 0, 8, 8},
              {4, 0, 8, 8},
              {0, 4, 4, 8},
              {2, 0, 4, 4},
              {0, 2, 2, 4},
              {1, 0, 2, 2},
              {0, 1, 1, 2}
            }
            : new int[][] {{0, 0, 1, 1}};
    int spp = samplesPerPixel(colorType);
    int bpp = Math.max(1, spp * bitDepth / 8);
    int row = 0;
    for (int[] pass : passes) {
      int pw = width <= pass[0] ? 0 : (width - pass[0] + pass[2] - 1) / pass[2];
      int ph = height <= pass[1] ? 0 : (height - pass[1] + pass[3] - 1) / pass[3];
      if (pw == 0 || ph == 0) {
        continue;
      }
      int rowBytes = (pw * spp * bitDepth + 7) / 8;
      byte[] prev = new byte[rowBytes];
      for (int j = 0; j < ph; j++, row++) {
        int y = pass[1] + j * pass[3];
        byte[] line = new byte[rowBytes];
        int bit = 0;
        for (int i = 0; i < pw; i++) {
          int x = pass[0] + i * pass[2];
          for (int c = 0; c < spp; c++) {
            int v = samples[(y * width + x) * spp + c];
            if (bitDepth == 16) {
              line[bit / 8] = (byte) (v >>> 8);
              line[bit / 8 + 1] = (byte) v;
            } else {
              line[bit / 8] |= (byte) (v << (8 - bitDepth - bit % 8));
            }
            bit += bitDepth;
          }
        }
        int f = filter == ALL_FILTERS ? row % 5 : filter;
        raw.write(f);
        raw.writeBytes(filterLine(f, line, prev, bpp));
        prev = line;
      }
    }
    return raw.toByteArray();
  }

  private static byte[] filterLine(int f, byte[] line, byte[] prev, int bpp) {
    byte[] out = new byte[line.length];
    for (int i = 0; i < line.length; i++) {
      int a = i >= bpp ? line[i - bpp] & 0xFF : 0;
      int b = prev[i] & 0xFF;
      int c = i >= bpp ? prev[i - bpp] & 0xFF : 0;
      int predictor =
          switch (f) {
            case 0 -> 0;
            case 1 -> a;
            case 2 -> b;
            case 3 -> (a + b) / 2;
            case 4 -> paeth(a, b, c);
            default -> throw new IllegalArgumentException("filter " + f);
          };
      out[i] = (byte) (line[i] - predictor);
    }
    return out;
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }

  static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater(6);
    try {
      deflater.setInput(data);
      deflater.finish();
      ByteArrayOutputStream z = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (!deflater.finished()) {
        z.write(buf, 0, deflater.deflate(buf));
      }
      return z.toByteArray();
    } finally {
      deflater.end();
    }
  }

  /** One chunk: length, type, data and CRC. */
  static byte[] chunk(String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(12 + data.length);
    b.putInt(data.length).put(t).put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** Recomputes the CRC of the chunk whose length field is at {@code pos}, in place. */
  static void fixCrc(byte[] png, int pos) {
    int len = ByteBuffer.wrap(png, pos, 4).getInt();
    CRC32 crc = new CRC32();
    crc.update(png, pos + 4, 4 + len);
    ByteBuffer.wrap(png, pos + 8 + len, 4).putInt((int) crc.getValue());
  }

  /** Offsets of every chunk's length field, in order (the file must be well formed). */
  static List<Integer> chunkOffsets(byte[] png) {
    List<Integer> out = new ArrayList<>();
    int pos = 8;
    while (pos + 12 <= png.length) {
      out.add(pos);
      pos += 12 + ByteBuffer.wrap(png, pos, 4).getInt();
    }
    return out;
  }

  /** A palette of {@code n} distinct colours. */
  static byte[] palette(int n, long seed) {
    byte[] p = new byte[3 * n];
    new SplittableRandom(seed).nextBytes(p);
    return p;
  }
}
