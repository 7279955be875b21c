package dev.kopi.image.sample;

import dev.kopi.core.ItemFailedException;
import dev.kopi.core.MapRun;
import dev.kopi.core.Pool;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes a deterministic corpus of photo-like images in the mix a real training set has: JPEG
 * (baseline, progressive, greyscale, with an EXIF orientation), PNG (RGB, RGBA, grey, palette,
 * 16-bit grey, 1-bit, Adam7-interlaced), GIF, BMP and TIFF, 300 to 1200 pixels a side, and about 3
 * % broken files (truncated JPEG and PNG, empty, random bytes, text, a header declaring a gigapixel
 * image). The same seed and count give the same files, byte for byte, on the same JDK.
 *
 * <p>"Photo-like" means smooth gradients, soft-edged shapes and sensor-like noise, so JPEG sizes
 * and decode costs resemble real photographs far better than flat synthetic colours do.
 */
public final class SampleCorpus {
  private SampleCorpus() {}

  /** One generated file and what kind it is. */
  public record Entry(Path path, String kind) {}

  /**
   * Writes {@code count} files into {@code dir} (created if needed) named {@code img-00000.ext} and
   * returns them in name order.
   *
   * @throws IllegalArgumentException if {@code count < 0}
   */
  public static List<Entry> write(Path dir, int count, long seed) throws IOException {
    if (count < 0) {
      throw new IllegalArgumentException("count >= 0 required but it was " + count);
    }
    Files.createDirectories(dir);
    List<Entry> out = new ArrayList<>(count);
    // Each file from its own seed, so files are independent: generated in parallel, on kopi.
    try (Pool pool = Pool.cpu();
        MapRun<Integer, Entry> run =
            pool.map(
                java.util.stream.IntStream.range(0, count).boxed().toList(),
                i -> writeOne(dir, i, seed))) {
      run.values().forEach(out::add);
    } catch (ItemFailedException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    }
    return out;
  }

  private static Entry writeOne(Path dir, int i, long seed) throws IOException {
    Random r = new Random(seed * 1_000_003L + i);
    String kind = pickKind(r, i);
    byte[] bytes = render(kind, r);
    Path p = dir.resolve(String.format(Locale.ROOT, "img-%05d.%s", i, extension(kind)));
    Files.write(p, bytes);
    return new Entry(p, kind);
  }

  /** The kinds, with weights that roughly follow a scraped product-photo set. */
  private static final String[][] KINDS = {
    {"jpeg-rgb", "40"},
    {"jpeg-progressive", "8"},
    {"jpeg-grey", "4"},
    {"jpeg-exif-rotated", "4"},
    {"png-rgb", "10"},
    {"png-rgba", "8"},
    {"png-grey", "3"},
    {"png-palette", "4"},
    {"png-grey16", "2"},
    {"png-1bit", "1"},
    {"png-interlaced", "2"},
    {"gif", "4"},
    {"bmp", "3"},
    {"tiff", "3"},
    {"broken-truncated-jpeg", "1"},
    {"broken-truncated-png", "1"},
    {"broken-empty", "1"},
    {"broken-garbage", "1"},
    {"broken-text", "1"},
    {"broken-gigapixel-header", "1"},
  };

  /** The kinds this corpus can contain. */
  public static List<String> kinds() {
    List<String> k = new ArrayList<>();
    for (String[] e : KINDS) {
      k.add(e[0]);
    }
    return k;
  }

  private static String pickKind(Random r, int i) {
    // The first files cover every kind, so even a small corpus has one of each.
    if (i < KINDS.length) {
      return KINDS[i][0];
    }
    int total = 0;
    for (String[] k : KINDS) {
      total += Integer.parseInt(k[1]);
    }
    int x = r.nextInt(total);
    for (String[] k : KINDS) {
      x -= Integer.parseInt(k[1]);
      if (x < 0) {
        return k[0];
      }
    }
    throw new AssertionError();
  }

  private static String extension(String kind) {
    if (kind.startsWith("jpeg") || kind.equals("broken-truncated-jpeg")) {
      return "jpg";
    }
    if (kind.startsWith("png") || kind.equals("broken-truncated-png")) {
      return "png";
    }
    return switch (kind) {
      case "gif" -> "gif";
      case "bmp" -> "bmp";
      case "tiff" -> "tif";
      case "broken-text" -> "jpg";
      case "broken-gigapixel-header" -> "png";
      default -> "jpg";
    };
  }

  /** A photo-like RGB image of the given size. */
  public static BufferedImage photo(int w, int h, Random r) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setPaint(new GradientPaint(0, 0, color(r), w, h, color(r)));
      g.fillRect(0, 0, w, h);
      int shapes = 3 + r.nextInt(6);
      for (int s = 0; s < shapes; s++) {
        float x = r.nextFloat() * w;
        float y = r.nextFloat() * h;
        float sw = (0.1f + r.nextFloat() * 0.5f) * w;
        float sh = (0.1f + r.nextFloat() * 0.5f) * h;
        g.setPaint(new GradientPaint(x, y, color(r), x + sw, y + sh, color(r)));
        if (r.nextBoolean()) {
          g.fill(new Ellipse2D.Float(x - sw / 2, y - sh / 2, sw, sh));
        } else {
          g.fill(new RoundRectangle2D.Float(x - sw / 2, y - sh / 2, sw, sh, sw / 4, sh / 4));
        }
      }
      g.setStroke(new BasicStroke(1 + r.nextInt(4)));
      for (int l = 0; l < 4; l++) {
        g.setColor(color(r));
        g.drawLine(r.nextInt(w), r.nextInt(h), r.nextInt(w), r.nextInt(h));
      }
    } finally {
      g.dispose();
    }
    // Sensor-like noise: Gaussian values from a small table, indexed by a fast xorshift, since a
    // Gaussian draw per byte would dominate the generation time.
    WritableRaster raster = img.getRaster();
    byte[] data = ((java.awt.image.DataBufferByte) raster.getDataBuffer()).getData();
    int amp = 2 + r.nextInt(10);
    int[] noise = new int[4096];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (int) Math.round(r.nextGaussian() * amp);
    }
    long x = r.nextLong() | 1;
    for (int i = 0; i < data.length; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      int v = (data[i] & 0xFF) + noise[(int) (x >>> 52)];
      data[i] = (byte) Math.max(0, Math.min(255, v));
    }
    return img;
  }

  private static Color color(Random r) {
    return new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
  }

  private static byte[] render(String kind, Random r) throws IOException {
    int w = 300 + r.nextInt(901);
    int h = 300 + r.nextInt(901);
    return switch (kind) {
      case "jpeg-rgb" -> jpeg(photo(w, h, r), 0.70f + r.nextFloat() * 0.25f, false);
      case "jpeg-progressive" -> jpeg(photo(w, h, r), 0.85f, true);
      case "jpeg-grey" -> jpeg(convert(photo(w, h, r), BufferedImage.TYPE_BYTE_GRAY), 0.9f, false);
      case "jpeg-exif-rotated" -> withOrientation(jpeg(photo(w, h, r), 0.9f, false), 6);
      case "png-rgb" -> encode(photo(w, h, r), "png");
      case "png-rgba" -> encode(withAlpha(photo(w, h, r), r), "png");
      case "png-grey" -> encode(convert(photo(w, h, r), BufferedImage.TYPE_BYTE_GRAY), "png");
      case "png-palette" -> encode(palette(photo(w, h, r)), "png");
      case "png-grey16" -> encode(convert(photo(w, h, r), BufferedImage.TYPE_USHORT_GRAY), "png");
      case "png-1bit" -> encode(convert(photo(w, h, r), BufferedImage.TYPE_BYTE_BINARY), "png");
      case "png-interlaced" -> interlacedPng(photo(w, h, r));
      case "gif" -> encode(palette(photo(w, h, r)), "gif");
      case "bmp" -> encode(photo(w, h, r), "bmp");
      case "tiff" -> encode(photo(w, h, r), "tiff");
      case "broken-truncated-jpeg" -> {
        byte[] full = jpeg(photo(w, h, r), 0.9f, false);
        yield java.util.Arrays.copyOf(full, full.length * (30 + r.nextInt(50)) / 100);
      }
      case "broken-truncated-png" -> {
        byte[] full = encode(photo(w, h, r), "png");
        yield java.util.Arrays.copyOf(full, full.length * (30 + r.nextInt(50)) / 100);
      }
      case "broken-empty" -> new byte[0];
      case "broken-garbage" -> {
        byte[] g = new byte[1000 + r.nextInt(5000)];
        r.nextBytes(g);
        yield g;
      }
      case "broken-text" ->
          "<html><body>404 Not Found</body></html>\n".getBytes(StandardCharsets.US_ASCII);
      case "broken-gigapixel-header" -> gigapixelPng();
      default -> throw new IllegalArgumentException("unknown kind " + kind);
    };
  }

  /** Encodes as JPEG at {@code quality}, optionally progressive. */
  public static byte[] jpeg(BufferedImage img, float quality, boolean progressive)
      throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      if (progressive) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** Encodes with the first Image I/O writer for {@code format}. */
  public static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (!ImageIO.write(img, format, bytes)) {
      throw new IOException("no writer for " + format);
    }
    return bytes.toByteArray();
  }

  private static BufferedImage convert(BufferedImage src, int type) {
    return drawOnto(src, new BufferedImage(src.getWidth(), src.getHeight(), type));
  }

  /** Draws {@code src} onto {@code out}, converting colours to {@code out}'s type; returns out. */
  private static BufferedImage drawOnto(BufferedImage src, BufferedImage out) {
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(src, 0, 0, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static BufferedImage withAlpha(BufferedImage src, Random r) {
    int w = src.getWidth();
    int h = src.getHeight();
    BufferedImage out = convert(src, BufferedImage.TYPE_4BYTE_ABGR);
    // A soft vignette of transparency, like a cut-out product shot (ABGR: alpha is byte 0).
    byte[] abgr = ((java.awt.image.DataBufferByte) out.getRaster().getDataBuffer()).getData();
    double cx = w * (0.3 + 0.4 * r.nextDouble());
    double cy = h * (0.3 + 0.4 * r.nextDouble());
    double rad = Math.min(w, h) * 0.45;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double dx = x - cx;
        double dy = y - cy;
        double d = Math.sqrt(dx * dx + dy * dy) / rad;
        abgr[4 * (y * w + x)] = (byte) (int) Math.max(0, Math.min(255, 255 * (1.5 - d)));
      }
    }
    return out;
  }

  private static BufferedImage palette(BufferedImage src) {
    // A fixed 6x6x6 colour cube plus greys: what a GIF or palette PNG of a photo looks like.
    byte[] rr = new byte[256];
    byte[] gg = new byte[256];
    byte[] bb = new byte[256];
    int n = 0;
    for (int r = 0; r < 6; r++) {
      for (int g = 0; g < 6; g++) {
        for (int b = 0; b < 6; b++) {
          rr[n] = (byte) (r * 51);
          gg[n] = (byte) (g * 51);
          bb[n] = (byte) (b * 51);
          n++;
        }
      }
    }
    for (; n < 256; n++) {
      int v = (n - 216) * 255 / 39;
      rr[n] = gg[n] = bb[n] = (byte) v;
    }
    IndexColorModel icm = new IndexColorModel(8, 256, rr, gg, bb);
    return drawOnto(
        src,
        new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_BYTE_INDEXED, icm));
  }

  /** Inserts an APP1 Exif segment with the given orientation right after SOI. */
  static byte[] withOrientation(byte[] jpeg, int orientation) {
    ByteBuffer tiff = ByteBuffer.allocate(26);
    tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8); // big-endian TIFF header, IFD0 at 8
    tiff.putShort((short) 1); // one entry
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1); // orientation, SHORT, count 1
    tiff.putShort((short) orientation).putShort((short) 0);
    tiff.putInt(0); // no next IFD
    byte[] exif = new byte[6 + tiff.capacity()];
    System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, exif, 0, 6);
    System.arraycopy(tiff.array(), 0, exif, 6, tiff.capacity());
    int len = exif.length + 2;
    byte[] out = new byte[jpeg.length + 2 + len];
    out[0] = (byte) 0xFF;
    out[1] = (byte) 0xD8;
    out[2] = (byte) 0xFF;
    out[3] = (byte) 0xE1;
    out[4] = (byte) (len >> 8);
    out[5] = (byte) len;
    System.arraycopy(exif, 0, out, 6, exif.length);
    System.arraycopy(jpeg, 2, out, 6 + exif.length, jpeg.length - 2);
    return out;
  }

  /**
   * Encodes an RGB image as an Adam7-interlaced PNG (Image I/O's writer cannot interlace): seven
   * passes over sub-lattices of the pixels, each a small image of its own with a filter byte per
   * row, deflated together.
   */
  static byte[] interlacedPng(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    int[][] passes = {
      {0, 0, 8, 8},
      {4, 0, 8, 8},
      {0, 4, 4, 8},
      {2, 0, 4, 4},
      {0, 2, 2, 4},
      {1, 0, 2, 2},
      {0, 1, 1, 2}
    };
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (int[] p : passes) {
      if (p[0] >= w || p[1] >= h) {
        continue; // an empty pass has no rows at all
      }
      for (int y = p[1]; y < h; y += p[3]) {
        raw.write(0); // filter: none
        for (int x = p[0]; x < w; x += p[2]) {
          int rgb = img.getRGB(x, y);
          raw.write((rgb >>> 16) & 0xFF);
          raw.write((rgb >>> 8) & 0xFF);
          raw.write(rgb & 0xFF);
        }
      }
    }
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(6);
    deflater.setInput(raw.toByteArray());
    deflater.finish();
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    byte[] buf = new byte[65_536];
    while (!deflater.finished()) {
      z.write(buf, 0, deflater.deflate(buf));
    }
    deflater.end();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0);
    ihdr.put((byte) 1); // Adam7
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", z.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  /**
   * A valid PNG header declaring 50000x50000 pixels, with a token of data: a decompression bomb.
   */
  static byte[] gigapixelPng() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(50_000).putInt(50_000).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0);
    ihdr.put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
