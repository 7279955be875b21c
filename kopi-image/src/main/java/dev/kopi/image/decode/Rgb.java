package dev.kopi.image.decode;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Converts a decoded {@link BufferedImage} to interleaved 8-bit RGB, as Pillow's {@code
 * convert("RGB")} does: grey is replicated, palettes are looked up, alpha is dropped (or kept as a
 * fourth channel on request, for compositing). One deliberate difference: 16-bit samples are scaled
 * to 8 bits ({@code round(v / 257)}), where Pillow clips 16-bit grey to 255.
 *
 * <p>The common layouts are converted straight from the raster's backing array; everything else
 * (CMYK already converted by the decoder, 16-bit colour, custom layouts) goes through the colour
 * model's {@code getRGB}, which is slower but correct.
 */
final class Rgb {
  private Rgb() {}

  static Pixels convert(BufferedImage image, boolean keepAlpha) {
    int w = image.getWidth();
    int h = image.getHeight();
    boolean alpha = keepAlpha && image.getColorModel().hasAlpha();
    int channels = alpha ? 4 : 3;
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), channels)];
    Raster raster = image.getRaster();
    DataBuffer buffer = raster.getDataBuffer();
    boolean plain =
        raster.getMinX() == 0
            && raster.getMinY() == 0
            && raster.getSampleModelTranslateX() == 0
            && raster.getSampleModelTranslateY() == 0
            && buffer.getNumBanks() == 1
            && buffer.getOffset() == 0;
    if (plain) {
      switch (image.getType()) {
        case BufferedImage.TYPE_3BYTE_BGR -> {
          byte[] src = ((DataBufferByte) buffer).getData();
          for (int i = 0, o = 0, n = w * h; i < n; i++, o += channels) {
            out[o] = src[3 * i + 2];
            out[o + 1] = src[3 * i + 1];
            out[o + 2] = src[3 * i];
            if (alpha) {
              out[o + 3] = (byte) 0xFF;
            }
          }
          return new Pixels(out, w, h, channels);
        }
        case BufferedImage.TYPE_4BYTE_ABGR -> {
          byte[] src = ((DataBufferByte) buffer).getData();
          for (int i = 0, o = 0, n = w * h; i < n; i++, o += channels) {
            out[o] = src[4 * i + 3];
            out[o + 1] = src[4 * i + 2];
            out[o + 2] = src[4 * i + 1];
            if (alpha) {
              out[o + 3] = src[4 * i];
            }
          }
          return new Pixels(out, w, h, channels);
        }
        case BufferedImage.TYPE_BYTE_GRAY -> {
          byte[] src = ((DataBufferByte) buffer).getData();
          if (src.length == w * h) {
            for (int i = 0, o = 0, n = w * h; i < n; i++, o += channels) {
              out[o] = out[o + 1] = out[o + 2] = src[i];
              if (alpha) {
                out[o + 3] = (byte) 0xFF;
              }
            }
            return new Pixels(out, w, h, channels);
          }
        }
        case BufferedImage.TYPE_USHORT_GRAY -> {
          short[] src = ((DataBufferUShort) buffer).getData();
          if (src.length == w * h) {
            for (int i = 0, o = 0, n = w * h; i < n; i++, o += channels) {
              byte v = (byte) (((src[i] & 0xFFFF) + 128) / 257);
              out[o] = out[o + 1] = out[o + 2] = v;
              if (alpha) {
                out[o + 3] = (byte) 0xFF;
              }
            }
            return new Pixels(out, w, h, channels);
          }
        }
        case BufferedImage.TYPE_BYTE_INDEXED, BufferedImage.TYPE_BYTE_BINARY -> {
          if (image.getColorModel() instanceof IndexColorModel icm) {
            convertIndexed(raster, icm, out, w, h, channels);
            return new Pixels(out, w, h, channels);
          }
        }
        default -> {}
      }
    }
    if (isPlainGrey(image.getColorModel(), raster)) {
      convertGrey(raster, out, w, h, channels, image.getColorModel().getComponentSize(0));
      return new Pixels(out, w, h, channels);
    }
    int[] row = new int[w];
    for (int y = 0, o = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++, o += channels) {
        int argb = row[x];
        out[o] = (byte) (argb >>> 16);
        out[o + 1] = (byte) (argb >>> 8);
        out[o + 2] = (byte) argb;
        if (alpha) {
          out[o + 3] = (byte) (argb >>> 24);
        }
      }
    }
    return new Pixels(out, w, h, channels);
  }

  /**
   * Grey, or grey + alpha, of 8 or 16 bits in a component colour model. The JDK models PNG's grey +
   * alpha (and grey with a tRNS colour) in its linear grey space, whose {@code getRGB} applies the
   * sRGB transfer curve (grey 128 becomes 188); Pillow, like every image library, replicates the
   * stored grey. So these are read as samples.
   */
  private static boolean isPlainGrey(ColorModel cm, Raster raster) {
    if (!(cm instanceof ComponentColorModel)
        || cm.getColorSpace().getType() != ColorSpace.TYPE_GRAY
        || raster.getNumBands() > 2) {
      return false;
    }
    int bits = cm.getComponentSize(0);
    return (bits == 8 || bits == 16) && cm.getNumComponents() == raster.getNumBands();
  }

  private static void convertGrey(Raster raster, byte[] out, int w, int h, int channels, int bits) {
    int bands = raster.getNumBands();
    int[] px = new int[w * bands];
    for (int y = 0, o = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, px);
      for (int x = 0; x < w; x++, o += channels) {
        byte g = to8(px[x * bands], bits);
        out[o] = g;
        out[o + 1] = g;
        out[o + 2] = g;
        if (channels == 4) {
          out[o + 3] = bands == 2 ? to8(px[x * bands + 1], bits) : (byte) 0xFF;
        }
      }
    }
  }

  private static byte to8(int v, int bits) {
    return (byte) (bits == 16 ? (v + 128) / 257 : v);
  }

  private static void convertIndexed(
      Raster raster, IndexColorModel icm, byte[] out, int w, int h, int channels) {
    int size = icm.getMapSize();
    byte[] r = new byte[size];
    byte[] g = new byte[size];
    byte[] b = new byte[size];
    byte[] a = new byte[size];
    icm.getReds(r);
    icm.getGreens(g);
    icm.getBlues(b);
    icm.getAlphas(a);
    int[] idx = new int[w];
    for (int y = 0, o = 0; y < h; y++) {
      raster.getSamples(0, y, w, 1, 0, idx);
      for (int x = 0; x < w; x++, o += channels) {
        int i = Math.min(idx[x], size - 1);
        out[o] = r[i];
        out[o + 1] = g[i];
        out[o + 2] = b[i];
        if (channels == 4) {
          out[o + 3] = a[i];
        }
      }
    }
  }

  /**
   * Composites RGBA over an opaque background colour ({@code 0xRRGGBB}) and returns RGB: {@code (c
   * * a + bg * (255 - a)) / 255}, rounded.
   */
  static Pixels composite(Pixels rgba, int background) {
    if (rgba.channels() == 3) {
      return rgba;
    }
    int n = rgba.width() * rgba.height();
    byte[] src = rgba.data();
    byte[] out = new byte[n * 3];
    int br = (background >>> 16) & 0xFF;
    int bg = (background >>> 8) & 0xFF;
    int bb = background & 0xFF;
    for (int i = 0; i < n; i++) {
      int a = src[4 * i + 3] & 0xFF;
      int na = 255 - a;
      out[3 * i] = (byte) (((src[4 * i] & 0xFF) * a + br * na + 127) / 255);
      out[3 * i + 1] = (byte) (((src[4 * i + 1] & 0xFF) * a + bg * na + 127) / 255);
      out[3 * i + 2] = (byte) (((src[4 * i + 2] & 0xFF) * a + bb * na + 127) / 255);
    }
    return new Pixels(out, rgba.width(), rgba.height(), 3);
  }
}
