package dev.kopi.image.decode;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.zip.ZipException;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one image file's bytes with Java Image I/O (the JDK's readers plus TwelveMonkeys': CMYK
 * and YCCK JPEG with correct colours, TIFF, WebP, more BMP variants), then converts it to RGB.
 *
 * <p>Strict about damage: a decoder that meets the end of the data early often fills the rest with
 * grey and reports only a warning, so warnings about a premature end, and formats whose end marker
 * is missing (JPEG's EOI, PNG's IEND, GIF's trailer), make the item {@code truncated} rather than
 * {@code ok}. Dimensions are read from the header and checked against the pixel limit before any
 * pixel is decoded. Thread-safe: each call uses its own reader.
 */
public final class ImageDecoder {
  /** Pillow's default {@code Image.MAX_IMAGE_PIXELS}: 1024 * 1024 * 1024 / 4 / 3. */
  public static final long DEFAULT_MAX_PIXELS = 1024L * 1024 * 1024 / 4 / 3;

  static {
    // No temporary files: everything is decoded from memory.
    ImageIO.setUseCache(false);
  }

  private final long maxPixels;
  private final boolean exifRotate;

  /**
   * @param maxPixels images whose header declares more pixels are refused as {@code
   *     too_many_pixels}
   * @param exifRotate whether to apply the EXIF orientation tag
   */
  public ImageDecoder(long maxPixels, boolean exifRotate) {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels >= 1 required but it was " + maxPixels);
    }
    this.maxPixels = maxPixels;
    this.exifRotate = exifRotate;
  }

  /**
   * Decodes {@code bytes} to RGB, with the alpha channel kept as a fourth channel when {@code
   * keepAlpha} and the image has one.
   *
   * @throws ItemException with {@code unsupported_format}, {@code too_many_pixels}, {@code
   *     truncated} or {@code corrupt}
   */
  public Decoded decode(byte[] bytes, boolean keepAlpha) throws ItemException {
    Format format = Format.sniff(bytes);
    ImageReader reader = null;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ItemException(
            ItemStatus.UNSUPPORTED_FORMAT,
            "no decoder recognises this file (it starts with " + Format.describeStart(bytes) + ")");
      }
      reader = readers.next();
      reader.setInput(in, true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      if (width < 1 || height < 1) {
        throw new ItemException(
            ItemStatus.CORRUPT,
            "the header declares an empty image (" + width + "x" + height + ")");
      }
      long pixels = (long) width * height;
      if (pixels > maxPixels) {
        throw new ItemException(
            ItemStatus.TOO_MANY_PIXELS,
            String.format(
                Locale.ROOT,
                "%dx%d = %.1f Mpx, over the limit of %.1f Mpx (--max-pixels)",
                width,
                height,
                pixels / 1e6,
                maxPixels / 1e6));
      }
      String mode = mode(reader);
      WarningCollector warnings = new WarningCollector();
      reader.addIIOReadWarningListener(warnings);
      BufferedImage image = reader.read(0);
      if (warnings.truncated != null) {
        throw new ItemException(ItemStatus.TRUNCATED, "data ends early: " + warnings.truncated);
      }
      if (warnings.corrupt != null) {
        throw new ItemException(ItemStatus.CORRUPT, "damaged image data: " + warnings.corrupt);
      }
      if (!format.endMarkerPresent(bytes)) {
        throw new ItemException(
            ItemStatus.TRUNCATED,
            "the file ends before the " + format.label + " end marker; it was probably cut off");
      }
      int orientation = exifRotate && format == Format.JPEG ? Exif.orientation(bytes) : 1;
      Pixels px = Rgb.convert(image, keepAlpha);
      if (orientation != 1) {
        px = Orientation.apply(px, orientation);
      }
      return new Decoded(px, width, height, mode, format.label);
    } catch (ItemException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw classify(e, format);
    } catch (OutOfMemoryError e) {
      throw new ItemException(ItemStatus.CORRUPT, "not enough memory to decode this image", e);
    } catch (StackOverflowError e) {
      throw new ItemException(ItemStatus.CORRUPT, "the decoder recursed too deeply", e);
    } finally {
      if (reader != null) {
        reader.dispose();
      }
    }
  }

  /** Maps a decoder's exception to truncated or corrupt, with a readable reason. */
  private static ItemException classify(Exception e, Format format) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (t instanceof EOFException
          || (t instanceof ZipException && m.contains("unexpected end"))
          || m.contains("premature end")
          || m.contains("unexpected end")
          || m.contains("end of stream")
          || m.contains("eof")) {
        return new ItemException(
            ItemStatus.TRUNCATED, "data ends early (" + format.label + "): " + describe(e), e);
      }
    }
    return new ItemException(
        ItemStatus.CORRUPT, "cannot decode (" + format.label + "): " + describe(e), e);
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && sb.length() < 300; t = t.getCause()) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      String m = t.getMessage();
      sb.append(m != null ? m : t.getClass().getSimpleName());
      if (t.getCause() == t) {
        break;
      }
    }
    return sb.toString();
  }

  /** Pillow's name for the image's stored colour mode: RGB, RGBA, L, LA, P, 1, I;16, CMYK... */
  static String mode(ImageReader reader) throws IOException {
    ImageTypeSpecifier raw;
    try {
      raw = reader.getRawImageType(0);
    } catch (IIOException | RuntimeException e) {
      raw = null;
    }
    if (raw == null) {
      Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
      raw = types.hasNext() ? types.next() : null;
    }
    if (raw == null) {
      return "unknown";
    }
    return mode(raw.getColorModel(), raw.getSampleModel().getSampleSize(0));
  }

  static String mode(ColorModel cm, int bits) {
    if (cm instanceof IndexColorModel icm) {
      return icm.getMapSize() <= 2 && icm.getPixelSize() == 1 ? "1" : "P";
    }
    int type = cm.getColorSpace().getType();
    boolean alpha = cm.hasAlpha();
    String base =
        switch (type) {
          case ColorSpace.TYPE_GRAY -> alpha ? "LA" : "L";
          case ColorSpace.TYPE_CMYK -> "CMYK";
          case ColorSpace.TYPE_YCbCr -> "YCbCr";
          default -> alpha ? "RGBA" : "RGB";
        };
    if (bits == 16) {
      return base.equals("L") ? "I;16" : base + ";16";
    }
    if (bits == 1 && base.equals("L")) {
      return "1";
    }
    return base;
  }

  /**
   * Catches the warnings decoders give instead of failing on damaged data: libjpeg's "Premature end
   * of JPEG file" means truncation; its "Corrupt JPEG data: ..." (extraneous bytes, bad Huffman
   * codes, a premature end of a data segment) means damage inside the file.
   */
  private static final class WarningCollector implements IIOReadWarningListener {
    @Nullable String truncated;
    @Nullable String corrupt;

    @Override
    public void warningOccurred(ImageReader source, String warning) {
      String w = warning.toLowerCase(Locale.ROOT);
      if (w.contains("corrupt") && !w.contains("premature end of jpeg file")) {
        if (corrupt == null) {
          corrupt = warning;
        }
      } else if (w.contains("premature end")
          || (w.contains("end of") && (w.contains("file") || w.contains("stream")))
          || w.contains("truncated")) {
        if (truncated == null) {
          truncated = warning;
        }
      }
    }
  }

  /** The decoded image and what the header said about the original. */
  public record Decoded(Pixels pixels, int width, int height, String mode, String format) {}
}
