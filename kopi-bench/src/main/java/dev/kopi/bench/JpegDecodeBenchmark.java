package dev.kopi.bench;

import dev.kopi.image.decode.ImageDecoder;
import dev.kopi.image.jpeg.JpegDecoder;
import dev.kopi.image.jpeg.JpegException;
import dev.kopi.image.sample.SampleCorpus;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One JPEG decoded to interleaved 8-bit RGB, per image, on one thread: kopi's own decoder ({@link
 * JpegDecoder}) against Java Image I/O, at each scale kopi can decode to.
 *
 * <p><b>Inputs.</b> {@value #IMAGES} photo-like images ({@link SampleCorpus#photo}: gradients, soft
 * shapes, sensor-like noise), 300 to 1200 pixels a side in a fixed list of sizes, each from its own
 * seed, encoded once per trial by Image I/O's JPEG writer at quality 0.85, baseline, with its
 * default 4:2:0 chroma subsampling. Same seeds, same bytes, on the same JDK.
 *
 * <p><b>What is measured.</b> {@link #decode}: every image of the set decoded from its bytes in
 * memory to a {@code byte[]} of RGB, average time <em>per image</em> ({@code
 * OperationsPerInvocation}); the arrays go to a {@link Blackhole}. {@code scale} is the denominator
 * 1, 2, 4 or 8; {@code decoder} is:
 *
 * <ul>
 *   <li>{@code kopi}: {@code JpegDecoder.decode(bytes, maxPixels, (w, h) -> scale)}, which scales
 *       in the DCT domain: at 1/8 it computes one value per 8x8 block and never runs a full inverse
 *       DCT, as libjpeg's {@code scale_denom} and Pillow's {@code draft()} do.
 *   <li>{@code imageio}: the reader Image I/O offers first for JPEG, the one kopi's Image I/O path
 *       uses (with TwelveMonkeys on the class path, its {@code JPEGImageReader}, which hands the
 *       decoding to the JDK's libjpeg-based reader), a fresh reader per image as in the job; for
 *       {@code scale > 1}, {@code ImageReadParam.setSourceSubsampling(scale, scale, 0, 0)}. <b>That
 *       is not a reduced decode:</b> Image I/O's JPEG reader has no DCT scaling, so it still
 *       entropy-decodes, dequantises and inverse-transforms every block at full size and only drops
 *       rows and columns when it converts colours into the destination; the result is point-sampled
 *       (aliased) rather than averaged. It is the cheapest way to get a 1/{@code scale} image out
 *       of Image I/O; a full decode followed by a proper downscale would cost more. The BGR raster
 *       is then copied to RGB, so that both decoders end with the same thing (a small cost next to
 *       the decode, included on purpose).
 *   <li>{@code imageio-jdk} (not run by default; {@code -p decoder=imageio-jdk}): the JDK's own
 *       {@code com.sun.imageio.plugins.jpeg.JPEGImageReader} alone, to see what the TwelveMonkeys
 *       wrapper adds.
 * </ul>
 *
 * <p><b>Baseline.</b> {@code imageio} at {@code scale=1} is what the image job paid per JPEG before
 * kopi had its own decoder. Set-up checks that both decoders give images of {@code ceil(w / scale)
 * x ceil(h / scale)} pixels and that at full size they agree to within a mean of 1 level (both
 * follow libjpeg's integer IDCT and fancy upsampling), so that no variant is timed doing less work
 * than it claims.
 *
 * <p><b>Run</b> (from the repository root, after {@code ./build -q -pl kopi-bench -am package
 * -DskipTests}; about 3 minutes):
 *
 * <pre>
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar kopi-bench/target/benchmarks.jar JpegDecodeBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class JpegDecodeBenchmark {
  /** Images in the set; one benchmark operation decodes them all. */
  static final int IMAGES = 12;

  /** Stored sizes, 300 to 1200 pixels a side: phone-photo and web-image shapes, both ways up. */
  private static final int[][] SIZES = {
    {300, 400}, {480, 320}, {640, 480}, {375, 500}, {800, 600}, {560, 420},
    {1024, 768}, {720, 540}, {900, 1200}, {1200, 900}, {1000, 1000}, {1200, 1200}
  };

  /** The scale denominator: the image is decoded at 1/scale of its stored size. */
  @Param({"1", "2", "4", "8"})
  public int scale = 1;

  /** {@code kopi}, {@code imageio} or {@code imageio-jdk}. */
  @Param({"kopi", "imageio"})
  public String decoder = "kopi";

  @SuppressWarnings("NullAway.Init") // set in @Setup
  List<byte[]> jpegs;

  @SuppressWarnings("NullAway.Init") // set in @Setup
  ImageReaderSpi readerSpi;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    if (scale != 1 && scale != 2 && scale != 4 && scale != 8) {
      throw new IllegalArgumentException("scale in {1, 2, 4, 8} required but it was " + scale);
    }
    jpegs = images();
    readerSpi =
        switch (decoder) {
          case "kopi", "imageio" -> firstJpegReader();
          case "imageio-jdk" -> jdkJpegReader();
          default ->
              throw new IllegalArgumentException(
                  "decoder in {kopi, imageio, imageio-jdk} required but it was " + decoder);
        };
    check();
  }

  @Benchmark
  @OperationsPerInvocation(IMAGES)
  public void decode(Blackhole bh) throws IOException {
    boolean kopi = decoder.equals("kopi");
    for (byte[] jpeg : jpegs) {
      bh.consume(kopi ? kopi(jpeg, scale) : imageIo(readerSpi, jpeg, scale));
    }
  }

  static byte[] kopi(byte[] jpeg, int scale) throws IOException {
    try {
      return JpegDecoder.decode(jpeg, ImageDecoder.DEFAULT_MAX_PIXELS, (w, h) -> scale).rgb();
    } catch (JpegException e) {
      throw new IOException(e);
    }
  }

  static byte[] imageIo(ImageReaderSpi spi, byte[] jpeg, int scale) throws IOException {
    ImageReader reader = spi.createReaderInstance();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
      reader.setInput(in, true, true);
      ImageReadParam param = reader.getDefaultReadParam();
      if (scale > 1) {
        param.setSourceSubsampling(scale, scale, 0, 0);
      }
      return rgb(reader.read(0, param));
    } finally {
      reader.dispose();
    }
  }

  /** Interleaved RGB: a byte swap of the BGR raster the JPEG readers return for colour images. */
  static byte[] rgb(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] out = new byte[w * h * 3];
    if (img.getType() == BufferedImage.TYPE_3BYTE_BGR
        && img.getRaster().getDataBuffer() instanceof DataBufferByte buffer
        && buffer.getData().length == out.length) {
      byte[] bgr = buffer.getData();
      for (int i = 0; i < out.length; i += 3) {
        out[i] = bgr[i + 2];
        out[i + 1] = bgr[i + 1];
        out[i + 2] = bgr[i];
      }
      return out;
    }
    for (int y = 0, i = 0; y < h; y++) {
      for (int x = 0; x < w; x++, i += 3) {
        int p = img.getRGB(x, y);
        out[i] = (byte) (p >> 16);
        out[i + 1] = (byte) (p >> 8);
        out[i + 2] = (byte) p;
      }
    }
    return out;
  }

  /** The input set, deterministic. */
  static List<byte[]> images() throws IOException {
    List<byte[]> out = new ArrayList<>(SIZES.length);
    for (int i = 0; i < SIZES.length; i++) {
      BufferedImage photo = SampleCorpus.photo(SIZES[i][0], SIZES[i][1], new Random(1_000 + i));
      out.add(SampleCorpus.jpeg(photo, 0.85f, false));
    }
    return List.copyOf(out);
  }

  private static ImageReaderSpi firstJpegReader() {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
    if (!readers.hasNext()) {
      throw new IllegalStateException("Image I/O has no JPEG reader");
    }
    ImageReader reader = readers.next();
    ImageReaderSpi spi = reader.getOriginatingProvider();
    reader.dispose();
    if (spi == null) {
      throw new IllegalStateException(reader.getClass().getName() + " has no provider");
    }
    return spi;
  }

  private static ImageReaderSpi jdkJpegReader() {
    Iterator<ImageReaderSpi> spis =
        IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, true);
    while (spis.hasNext()) {
      ImageReaderSpi spi = spis.next();
      if (spi.getPluginClassName().equals("com.sun.imageio.plugins.jpeg.JPEGImageReader")) {
        return spi;
      }
    }
    throw new IllegalStateException("the JDK's JPEG reader is not registered");
  }

  /** Sizes right at this scale, and both decoders close at full size. */
  private void check() throws IOException {
    for (int i = 0; i < jpegs.size(); i++) {
      byte[] jpeg = jpegs.get(i);
      int w = ceilDiv(SIZES[i][0], scale);
      int h = ceilDiv(SIZES[i][1], scale);
      byte[] got = decoder.equals("kopi") ? kopi(jpeg, scale) : imageIo(readerSpi, jpeg, scale);
      if (got.length != w * h * 3) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "image %d at 1/%d: expected %dx%d RGB (%d bytes) from %s but got %d bytes",
                i,
                scale,
                w,
                h,
                w * h * 3,
                decoder,
                got.length));
      }
      byte[] kopiFull;
      byte[] imageIoFull;
      try {
        kopiFull = kopi(jpeg, 1);
        imageIoFull = imageIo(readerSpi, jpeg, 1);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      double mad = meanAbsDiff(kopiFull, imageIoFull);
      if (!(mad <= 1.0)) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "image %d at full size: kopi and %s differ by a mean of %.3f levels",
                i,
                readerSpi.getPluginClassName(),
                mad));
      }
    }
  }

  private static double meanAbsDiff(byte[] a, byte[] b) {
    if (a.length != b.length) {
      return Double.POSITIVE_INFINITY;
    }
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
    }
    return (double) sum / a.length;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
