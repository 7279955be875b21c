package dev.kopi.image.resize;

/**
 * The resampling filters of Pillow's {@code Image.Resampling}, with the same kernels and supports.
 *
 * <p>Every filter but {@link #NEAREST} is a separable convolution whose support widens with the
 * downscale factor, so downscaling antialiases (support = kernel support × max(scale, 1)).
 */
public enum Filter {
  /**
   * Picks the source pixel under each output pixel's centre; no interpolation, no antialiasing.
   * Cheapest, and the only filter that never invents values.
   */
  NEAREST(0.0),
  /** Box (area average) kernel of support 0.5: every covered source pixel weighs the same. */
  BOX(0.5),
  /** Triangle (linear) kernel of support 1. */
  BILINEAR(1.0),
  /** Hamming-windowed sinc of support 1: sharper than {@link #BILINEAR} at the same cost. */
  HAMMING(1.0),
  /** Keys cubic convolution kernel with a = -0.5, support 2. Pillow's default filter. */
  BICUBIC(2.0),
  /** Lanczos kernel with a = 3 (sinc windowed by sinc), support 3: sharpest, slowest. */
  LANCZOS(3.0);

  private final double support;

  Filter(double support) {
    this.support = support;
  }

  /** The kernel's half-width in source pixels at scale 1 (0 for {@link #NEAREST}). */
  double support() {
    return support;
  }
}
