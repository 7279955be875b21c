package dev.kopi.image.decode;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import dev.kopi.image.jpeg.JpegDecoder;
import dev.kopi.image.jpeg.JpegException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.function.IntBinaryOperator;
import java.util.zip.ZipException;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one image file's bytes to RGB. JPEG goes to kopi's own decoder ({@link JpegDecoder}),
 * which can decode at 1/2, 1/4 or 1/8 of the stored size when the caller's {@link Reduction}
 * allows; PNG, GIF, BMP and TIFF go to kopi's own decoders ({@link PngDecoder}, {@link GifDecoder},
 * {@link BmpDecoder}, {@link TiffDecoder}), which box-reduce while decoding when it allows;
 * everything else, and the variants those decoders decline (arithmetic-coded, 12-bit or lossless
 * JPEG, BMP with embedded JPEG or PNG, OS/2 2.x bitmaps, JPEG-compressed, CCITT, planar, CMYK or
 * YCbCr TIFF...), goes to Java Image I/O (the JDK's readers plus TwelveMonkeys': TIFF, WebP, more
 * BMP variants), then is converted to RGB.
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

  /** Decoder names, as counted in the job's summary. */
  public static final String KOPI_JPEG = "kopi-jpeg";

  public static final String IMAGE_IO = "imageio";

  public static final String KOPI_PNG = "kopi-png";

  public static final String KOPI_GIF = "kopi-gif";

  public static final String KOPI_BMP = "kopi-bmp";

  public static final String KOPI_TIFF = "kopi-tiff";

  /**
   * How much smaller than its stored size an image may be decoded. Given the image's size as it
   * will be displayed (after EXIF orientation), each method returns the largest factor by which
   * both sides may shrink; 1 asks for the full size.
   */
  @FunctionalInterface
  public interface Reduction {
    Reduction NONE = (width, height) -> 1;

    /** For scaling in the DCT domain (JPEG at 1/2, 1/4, 1/8). */
    int maxFactor(int width, int height);

    /**
     * For a box average while decoding (PNG, GIF, BMP, TIFF); by default the same as {@link
     * #maxFactor}.
     */
    default int maxBoxFactor(int width, int height) {
      return maxFactor(width, height);
    }
  }

  /** Decodes at full size: {@link #decode(byte[], boolean, Reduction)} with no reduction. */
  public Decoded decode(byte[] bytes, boolean keepAlpha) throws ItemException {
    return decode(bytes, keepAlpha, Reduction.NONE);
  }

  /**
   * Decodes {@code bytes} to RGB, with the alpha channel kept as a fourth channel when {@code
   * keepAlpha} and the image has one. A JPEG may come back smaller than stored, by the largest of
   * 2, 4 or 8 that {@code reduction} allows (in the DCT domain); a PNG by exactly the factor it
   * allows (a box reduction, Pillow's {@code reduce()}), and so may a GIF, BMP or TIFF; other
   * formats come back at full size.
   *
   * @throws ItemException with {@code unsupported_format}, {@code too_many_pixels}, {@code
   *     truncated} or {@code corrupt}
   */
  public Decoded decode(byte[] bytes, boolean keepAlpha, Reduction reduction) throws ItemException {
    Format format = Format.sniff(bytes);
    if (format == Format.JPEG) {
      Decoded d = decodeJpeg(bytes, reduction);
      if (d != null) {
        return d;
      }
    } else if (format == Format.PNG) {
      Decoded d = decodePng(bytes, keepAlpha, reduction);
      if (d != null) {
        return d;
      }
    } else if (format == Format.GIF) {
      DecodedImage d = GifDecoder.decode(bytes, maxPixels, keepAlpha, boxFactor(reduction));
      if (d != null) {
        return decoded(d, format, KOPI_GIF, 1);
      }
    } else if (format == Format.BMP) {
      DecodedImage d = BmpDecoder.decode(bytes, maxPixels, keepAlpha, boxFactor(reduction));
      if (d != null) {
        return decoded(d, format, KOPI_BMP, 1);
      }
    } else if (format == Format.TIFF) {
      int orientation = exifRotate ? TiffDecoder.orientation(bytes) : 1;
      // A turned TIFF is rare enough to decode at full size and turn upright, rather than map a
      // box reduction's partial edge boxes through the flip.
      IntBinaryOperator factor = orientation == 1 ? boxFactor(reduction) : (w, h) -> 1;
      DecodedImage d = TiffDecoder.decode(bytes, maxPixels, keepAlpha, factor);
      if (d != null) {
        return decoded(d, format, KOPI_TIFF, orientation);
      }
    }
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
      ImageDecoder.checkPixels(width, height, maxPixels);
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
      int orientation =
          !exifRotate
              ? 1
              : format == Format.JPEG
                  ? Exif.orientation(bytes)
                  : format == Format.TIFF ? TiffDecoder.orientation(bytes) : 1;
      Pixels px = Rgb.convert(image, keepAlpha);
      if (orientation != 1) {
        px = Orientation.apply(px, orientation);
      }
      return new Decoded(
          px, width, height, mode, format.label, IMAGE_IO, 1, px.width(), px.height(), 0, 0);
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

  /**
   * Refuses an image whose header declares more than {@code maxPixels}, with the reason the index
   * shows (kopi's JPEG decoder words its own the same way).
   */
  static void checkPixels(long width, long height, long maxPixels) throws ItemException {
    long pixels = width * height;
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
  }

  /** kopi's JPEG decoder, or {@code null} for a variant it declines. */
  private @Nullable Decoded decodeJpeg(byte[] bytes, Reduction reduction) throws ItemException {
    int orientation = exifRotate ? Exif.orientation(bytes) : 1;
    // Orientations 5 to 8 transpose: the stored width becomes the displayed height.
    boolean transposed = orientation >= 5 && orientation <= 8;
    JpegDecoder.ScalePicker picker =
        (w, h) -> scaleFor(transposed ? reduction.maxFactor(h, w) : reduction.maxFactor(w, h));
    JpegDecoder.Image img;
    try {
      img = JpegDecoder.decode(bytes, maxPixels, picker);
    } catch (JpegException e) {
      if (e.kind() == JpegException.Kind.UNSUPPORTED) {
        return null; // Image I/O has a go
      }
      ItemStatus status =
          switch (e.kind()) {
            case TRUNCATED -> ItemStatus.TRUNCATED;
            case TOO_MANY_PIXELS -> ItemStatus.TOO_MANY_PIXELS;
            default -> ItemStatus.CORRUPT;
          };
      throw new ItemException(status, String.valueOf(e.getMessage()));
    } catch (OutOfMemoryError e) {
      throw new ItemException(ItemStatus.CORRUPT, "not enough memory to decode this image", e);
    }
    Pixels px = new Pixels(img.rgb(), img.width(), img.height(), 3);
    if (orientation != 1) {
      px = Orientation.apply(px, orientation);
    }
    // A reduced image's last column and row cover less than `scale` stored pixels (the encoder
    // padded the block); where orientation moves that edge to the left or top, the stored image
    // starts that much into the decoded one.
    int s = img.scale();
    double padX = (double) (img.width() * s - img.storedWidth()) / s;
    double padY = (double) (img.height() * s - img.storedHeight()) / s;
    double left =
        switch (orientation) {
          case 2, 3 -> padX;
          case 6, 7 -> padY;
          default -> 0;
        };
    double top =
        switch (orientation) {
          case 3, 4 -> padY;
          case 7, 8 -> padX;
          default -> 0;
        };
    return new Decoded(
        px,
        img.storedWidth(),
        img.storedHeight(),
        img.mode(),
        Format.JPEG.label,
        KOPI_JPEG,
        s,
        transposed ? img.storedHeight() : img.storedWidth(),
        transposed ? img.storedWidth() : img.storedHeight(),
        left,
        top);
  }

  /** kopi's PNG decoder, box-reducing on the way when {@code reduction} allows. */
  private @Nullable Decoded decodePng(byte[] bytes, boolean keepAlpha, Reduction reduction)
      throws ItemException {
    // The header is read twice (here for the size, then by the decoder): 33 bytes, no pixels.
    int factor = 1;
    if (reduction != Reduction.NONE && bytes.length >= 24) {
      int w = readInt(bytes, 16);
      int h = readInt(bytes, 20);
      if (w > 0 && h > 0) {
        factor = Math.max(1, Math.min(PngDecoder.MAX_REDUCE, reduction.maxBoxFactor(w, h)));
      }
    }
    PngDecoder.Result r = PngDecoder.decode(bytes, maxPixels, keepAlpha, factor);
    if (r == null) {
      return null;
    }
    return new Decoded(
        r.pixels(),
        r.width(),
        r.height(),
        r.mode(),
        Format.PNG.label,
        KOPI_PNG,
        factor,
        r.width(),
        r.height(),
        0,
        0);
  }

  /** The box-reduction factor {@code reduction} allows an image of a given size, within range. */
  private static IntBinaryOperator boxFactor(Reduction reduction) {
    if (reduction == Reduction.NONE) {
      return (w, h) -> 1;
    }
    return (w, h) -> Math.max(1, Math.min(RgbRows.MAX_REDUCE, reduction.maxBoxFactor(w, h)));
  }

  /** The result of one of kopi's own decoders, turned upright when {@code orientation} says so. */
  private static Decoded decoded(DecodedImage d, Format format, String decoder, int orientation) {
    Pixels px = orientation == 1 ? d.pixels() : Orientation.apply(d.pixels(), orientation);
    int uprightWidth = orientation == 1 ? d.width() : px.width();
    int uprightHeight = orientation == 1 ? d.height() : px.height();
    return new Decoded(
        px,
        d.width(),
        d.height(),
        d.mode(),
        format.label,
        decoder,
        d.reduce(),
        uprightWidth,
        uprightHeight,
        0,
        0);
  }

  private static int readInt(byte[] b, int p) {
    return (b[p] & 0xFF) << 24
        | (b[p + 1] & 0xFF) << 16
        | (b[p + 2] & 0xFF) << 8
        | (b[p + 3] & 0xFF);
  }

  /** The largest JPEG scale denominator (1, 2, 4 or 8) not above {@code maxFactor}. */
  static int scaleFor(int maxFactor) {
    return maxFactor >= 8 ? 8 : maxFactor >= 4 ? 4 : maxFactor >= 2 ? 2 : 1;
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

  /**
   * The decoded image and what the header said about the original.
   *
   * @param pixels the image, oriented, at 1/{@code scale} of the stored size
   * @param width the stored width
   * @param height the stored height
   * @param mode Pillow's name for the stored colour mode
   * @param format the file format's label
   * @param decoder which decoder produced it: {@link #KOPI_JPEG}, {@link #KOPI_PNG}, {@link
   *     #KOPI_GIF}, {@link #KOPI_BMP}, {@link #KOPI_TIFF} or {@link #IMAGE_IO}
   * @param scale the denominator the image was decoded at (1 for full size)
   * @param uprightWidth the full-size width after orientation
   * @param uprightHeight the full-size height after orientation
   * @param left where the full-size image's left edge is in {@code pixels} (in its pixels): a
   *     stored pixel at upright x is at {@code left + x / scale}
   * @param top likewise for the top edge
   */
  public record Decoded(
      Pixels pixels,
      int width,
      int height,
      String mode,
      String format,
      String decoder,
      int scale,
      int uprightWidth,
      int uprightHeight,
      double left,
      double top) {}
}
