package dev.kopi.image.resize;

/**
 * Fixed-point filter weights for one axis of a resize: for each output index, the first source
 * index it reads, how many source indices it reads, and that many integer weights scaled by {@code
 * 2^PRECISION_BITS}.
 *
 * <p>The arithmetic mirrors Pillow's {@code precompute_coeffs} and {@code normalize_coeffs_8bpc}
 * operation for operation, in the same precision (the box edges are {@code float}, everything else
 * {@code double}), because a weight that differs in its last bit can move a rounded output value by
 * one. In particular:
 *
 * <ul>
 *   <li>the scale is {@code (double) (in1 - in0) / outSize} with the subtraction done in {@code
 *       float};
 *   <li>output pixel {@code i} is centred on {@code in0 + (i + 0.5) * scale} and reads the source
 *       pixels whose centres fall within the support, with the window ends rounded by truncating
 *       {@code end + 0.5} and clamped to the source;
 *   <li>weights are normalised to sum to one in {@code double}, then rounded half away from zero to
 *       integers.
 * </ul>
 *
 * Immutable once built; instances are confined to the call that built them.
 */
final class Coefficients {
  /**
   * Fractional bits of the fixed-point weights: 32 bits less 8 for the pixel value and 2 for the
   * overshoot of negative lobes, as in Pillow.
   */
  static final int PRECISION_BITS = 32 - 8 - 2;

  /** Added to every sum before the final shift so that the shift rounds half up. */
  static final int HALF = 1 << (PRECISION_BITS - 1);

  /** Number of output pixels. */
  final int outSize;

  /** Stride of {@link #weights}: the most source pixels any output pixel can read. */
  final int stride;

  /**
   * First source index read by output {@code i}, at {@code 2 * i}; the count at {@code 2 * i + 1}.
   */
  final int[] bounds;

  /** Weights of output {@code i} at {@code i * stride} .. {@code i * stride + count - 1}. */
  final int[] weights;

  private Coefficients(int outSize, int stride, int[] bounds, int[] weights) {
    this.outSize = outSize;
    this.stride = stride;
    this.bounds = bounds;
    this.weights = weights;
  }

  /**
   * Computes the weights for resampling source span {@code [in0, in1)} of an axis of {@code inSize}
   * pixels to {@code outSize} pixels. The caller has validated {@code 0 <= in0 <= in1 <= inSize}
   * and {@code outSize >= 1}.
   *
   * @throws IllegalArgumentException if the weight table would exceed the largest Java array
   */
  static Coefficients compute(int inSize, float in0, float in1, int outSize, Filter filter) {
    double scale = (double) (in1 - in0) / outSize;
    double filterScale = scale < 1.0 ? 1.0 : scale;
    double support = filter.support() * filterScale;
    int stride = (int) Math.ceil(support) * 2 + 1;
    long cells = (long) outSize * stride;
    if (cells > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "filter table of " + cells + " weights is too large for " + outSize + " outputs");
    }
    int[] bounds = new int[outSize * 2];
    int[] weights = new int[(int) cells];
    double[] w = new double[stride];
    double invScale = 1.0 / filterScale;
    for (int i = 0; i < outSize; i++) {
      double center = in0 + (i + 0.5) * scale;
      int first = (int) (center - support + 0.5);
      if (first < 0) {
        first = 0;
      }
      int end = (int) (center + support + 0.5);
      if (end > inSize) {
        end = inSize;
      }
      int count = Math.max(0, end - first);
      double sum = 0.0;
      for (int x = 0; x < count; x++) {
        double v = weight(filter, ((x + first) - center + 0.5) * invScale);
        w[x] = v;
        sum += v;
      }
      int base = i * stride;
      for (int x = 0; x < count; x++) {
        double v = sum != 0.0 ? w[x] / sum : w[x];
        weights[base + x] =
            v < 0
                ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                : (int) (0.5 + v * (1 << PRECISION_BITS));
      }
      bounds[2 * i] = first;
      bounds[2 * i + 1] = count;
    }
    return new Coefficients(outSize, stride, bounds, weights);
  }

  /** The first source index read by any output. */
  int firstSource() {
    return bounds[0];
  }

  /** One past the last source index read by the last output (what Pillow calls ybox_last). */
  int endSource() {
    return bounds[2 * outSize - 2] + bounds[2 * outSize - 1];
  }

  /**
   * The kernel of {@code filter} at {@code x}, in source pixels at scale 1. Written with the same
   * operations in the same order as Pillow's kernels; {@link StrictMath} keeps the transcendental
   * functions reproducible across JVMs.
   */
  static double weight(Filter filter, double x) {
    return switch (filter) {
      case BOX -> x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
      case BILINEAR -> {
        double ax = Math.abs(x);
        yield ax < 1.0 ? 1.0 - ax : 0.0;
      }
      case HAMMING -> {
        double ax = Math.abs(x);
        if (ax == 0.0) {
          yield 1.0;
        }
        if (ax >= 1.0) {
          yield 0.0;
        }
        ax = ax * Math.PI;
        // The window constants are float literals in Pillow; widening them matters.
        yield StrictMath.sin(ax) / ax * (0.54f + 0.46f * StrictMath.cos(ax));
      }
      case BICUBIC -> {
        final double a = -0.5;
        double ax = Math.abs(x);
        if (ax < 1.0) {
          yield ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1;
        }
        if (ax < 2.0) {
          yield (((ax - 5) * ax + 8) * ax - 4) * a;
        }
        yield 0.0;
      }
      case LANCZOS -> -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
      case NEAREST -> throw new IllegalArgumentException("no convolution kernel for " + filter);
    };
  }

  private static double sinc(double x) {
    if (x == 0.0) {
      return 1.0;
    }
    double px = x * Math.PI;
    return StrictMath.sin(px) / px;
  }
}
