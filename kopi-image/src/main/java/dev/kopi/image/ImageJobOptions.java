package dev.kopi.image;

import dev.kopi.image.decode.ImageDecoder;
import dev.kopi.image.resize.Filter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything the image job needs to know. Build with {@link #builder(Path, Path)}; every setter
 * rejects a bad value at once with the rule and the value.
 *
 * @param source a directory, a text file of paths, or a CSV (see {@link
 *     dev.kopi.image.source.SourceList})
 * @param output the {@code .npy} file to write; the index goes next to it
 * @param width target width in pixels
 * @param height target height in pixels
 * @param fit how the aspect ratio is handled
 * @param filter the resampling filter (Pillow's names and results)
 * @param background {@code 0xRRGGBB} to composite transparent images onto (and to pad with), or
 *     {@code null} to drop alpha like Pillow's {@code convert("RGB")} (and pad with black)
 * @param exifRotate apply the EXIF orientation
 * @param followSymlinks follow symbolic links (refused otherwise)
 * @param maxPixels refuse images declaring more pixels than this
 * @param exact decode every image at full size (no JPEG shrink-on-load), for Pillow's exact pixels
 * @param reducingGap how much larger than the output a JPEG must stay when it is decoded at 1/2,
 *     1/4 or 1/8 of its size (Pillow's name): decoded at least {@code reducingGap} times the output
 *     size in each dimension, then resampled; larger values are closer to a full decode, slower.
 *     {@link #AUTO_REDUCING_GAP} picks per filter (see {@link #effectiveReducingGap()})
 * @param workers CPU workers for decoding and resizing
 * @param decodeTimeout soft per-item time limit, or {@code null} for none
 * @param maxFailures stop once more than this many items failed; -1 for no limit
 * @param resume continue an interrupted run with the same options and inputs
 * @param pathColumn the CSV's path column, or {@code null} for "path"
 * @param labelColumn the CSV's label column, or {@code null}
 */
public record ImageJobOptions(
    Path source,
    Path output,
    int width,
    int height,
    Fit fit,
    Filter filter,
    @Nullable Integer background,
    boolean exifRotate,
    boolean followSymlinks,
    long maxPixels,
    boolean exact,
    double reducingGap,
    int workers,
    @Nullable Duration decodeTimeout,
    long maxFailures,
    boolean resume,
    @Nullable String pathColumn,
    @Nullable String labelColumn) {

  public ImageJobOptions {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(fit, "fit");
    Objects.requireNonNull(filter, "filter");
    require(width >= 1 && width <= 65_535, "width in 1..65535 required but it was %s", width);
    require(height >= 1 && height <= 65_535, "height in 1..65535 required but it was %s", height);
    require(maxPixels >= 1, "maxPixels >= 1 required but it was %s", maxPixels);
    require(
        reducingGap == AUTO_REDUCING_GAP || (reducingGap >= 1.0 && reducingGap <= 64.0),
        "reducingGap of 0 (auto) or in 1.0..64.0 required but it was %s",
        reducingGap);
    require(workers >= 1, "workers >= 1 required but it was %s", workers);
    require(maxFailures >= -1, "maxFailures >= -1 required but it was %s", maxFailures);
    require(
        background == null || (background >= 0 && background <= 0xFFFFFF),
        "background in 0x000000..0xFFFFFF required but it was %s",
        background);
    require(
        decodeTimeout == null || (!decodeTimeout.isNegative() && !decodeTimeout.isZero()),
        "decodeTimeout > 0 required but it was %s",
        decodeTimeout);
  }

  private static void require(boolean ok, String template, @Nullable Object value) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, template, value));
    }
  }

  /** The default {@link #reducingGap}: chosen per filter by {@link #effectiveReducingGap()}. */
  public static final double AUTO_REDUCING_GAP = 0;

  /**
   * The reducing gap in force: the one given, or for {@link #AUTO_REDUCING_GAP} the fastest that
   * keeps every image of the sample corpus within a mean absolute difference of 2 of Pillow's full
   * decode (JobPillowTest): 1.0 for the overlapping filters, 1.5 for box (its taps do not overlap,
   * so the decoder's own averaging shows), and no reduction for nearest (a reduced decode changes
   * which pixels it picks).
   */
  public double effectiveReducingGap() {
    if (reducingGap != AUTO_REDUCING_GAP) {
      return reducingGap;
    }
    return switch (filter) {
      case NEAREST -> Double.POSITIVE_INFINITY;
      case BOX -> 1.5;
      default -> 1.0;
    };
  }

  /** Options with the defaults: 64x64, stretch, bicubic, no background, EXIF applied. */
  public static Builder builder(Path source, Path output) {
    return new Builder(source, output);
  }

  /** Bytes per output row: height * width * 3. */
  public long rowBytes() {
    return 3L * width * height;
  }

  /**
   * The options that decide the output's bytes, as text: the part of the fingerprint that {@code
   * --resume} checks (workers and timeouts may change between runs).
   */
  String outputDefining() {
    return String.format(
        Locale.ROOT,
        "size=%dx%d fit=%s filter=%s background=%s exif=%s symlinks=%s maxPixels=%d exact=%s"
            + " gap=%s path=%s label=%s",
        width,
        height,
        fit,
        filter,
        background,
        exifRotate,
        followSymlinks,
        maxPixels,
        exact,
        effectiveReducingGap(),
        pathColumn,
        labelColumn);
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private final Path source;
    private final Path output;
    private int width = 64;
    private int height = 64;
    private Fit fit = Fit.STRETCH;
    private Filter filter = Filter.BICUBIC;
    private @Nullable Integer background;
    private boolean exifRotate = true;
    private boolean followSymlinks;
    private long maxPixels = ImageDecoder.DEFAULT_MAX_PIXELS;
    private boolean exact;
    private double reducingGap = AUTO_REDUCING_GAP;
    private int workers = Runtime.getRuntime().availableProcessors();
    private @Nullable Duration decodeTimeout;
    private long maxFailures = -1;
    private boolean resume;
    private @Nullable String pathColumn;
    private @Nullable String labelColumn;

    private Builder(Path source, Path output) {
      this.source = Objects.requireNonNull(source, "source");
      this.output = Objects.requireNonNull(output, "output");
    }

    public Builder size(int width, int height) {
      this.width = width;
      this.height = height;
      return this;
    }

    public Builder fit(Fit fit) {
      this.fit = fit;
      return this;
    }

    public Builder filter(Filter filter) {
      this.filter = filter;
      return this;
    }

    public Builder background(@Nullable Integer rgb) {
      this.background = rgb;
      return this;
    }

    public Builder exifRotate(boolean exifRotate) {
      this.exifRotate = exifRotate;
      return this;
    }

    public Builder followSymlinks(boolean followSymlinks) {
      this.followSymlinks = followSymlinks;
      return this;
    }

    public Builder maxPixels(long maxPixels) {
      this.maxPixels = maxPixels;
      return this;
    }

    public Builder exact(boolean exact) {
      this.exact = exact;
      return this;
    }

    public Builder reducingGap(double reducingGap) {
      this.reducingGap = reducingGap;
      return this;
    }

    public Builder workers(int workers) {
      this.workers = workers;
      return this;
    }

    public Builder decodeTimeout(@Nullable Duration timeout) {
      this.decodeTimeout = timeout;
      return this;
    }

    public Builder maxFailures(long maxFailures) {
      this.maxFailures = maxFailures;
      return this;
    }

    public Builder resume(boolean resume) {
      this.resume = resume;
      return this;
    }

    public Builder pathColumn(@Nullable String column) {
      this.pathColumn = column;
      return this;
    }

    public Builder labelColumn(@Nullable String column) {
      this.labelColumn = column;
      return this;
    }

    public ImageJobOptions build() {
      return new ImageJobOptions(
          source,
          output,
          width,
          height,
          fit,
          filter,
          background,
          exifRotate,
          followSymlinks,
          maxPixels,
          exact,
          reducingGap,
          workers,
          decodeTimeout,
          maxFailures,
          resume,
          pathColumn,
          labelColumn);
    }
  }
}
